#pragma once

#include "banner.h"
#include "config.h"
#include "engine.h"
#include "fanoutworker.h"

#include <QElapsedTimer>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <optional>

namespace onair {

// What the control room shows, read from the engine without blocking it.
struct EngineSnapshot
{
    QList<StreamSnapshot> streams;
    qint64 uptimeMs = 0;
    int connections = 0;
    qint64 framesOut = 0;
    double fanoutP99Ms = 0;
    std::optional<Banner> activeBanner;
    int acknowledged = 0;
    QString storeState;
    // "off" (single replica), "ok" (joined through Redis) or "degraded" (Redis unreachable).
    QString clusterState = QStringLiteral("off");
    QString clusterDetail; // the reason when degraded, the replica count when ok
};

// Runs the engine on its own thread, so accepting, handshakes and fan-out never wait for the
// window, and exposes what the UI needs: 4 Hz snapshots and a few engine-thread calls.
class EngineHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineHost)
public:
    explicit EngineHost(EngineConfig config, QObject *parent = nullptr);
    ~EngineHost() override;

    bool start(QString *error);
    Engine *engine() const { return m_engine; }
    QUrl baseUrl() const;
    EngineSnapshot snapshot() const;

    std::optional<Banner> sendBanner(const QString &text, const QString &type, QString *error);
    bool clearBanner(QString *error);
    bool kick(quint64 connectionId, const QString &reason);
    // Asynchronous: listenersReady() follows; the window never waits for a busy engine.
    // At most `limit` entries (a 10,000-phone stream is not listed in full 4 times a second).
    void requestListeners(const QString &stream, int limit = 1000);

Q_SIGNALS:
    void snapshotReady(const onair::EngineSnapshot &snapshot);
    void listenersReady(const QString &stream, const QList<onair::FanoutWorker::ListenerInfo> &listeners, int total);

private:
    EngineConfig m_config;
    QThread m_thread;
    Engine *m_engine = nullptr;
    QTimer m_poll;
    bool m_listenersPending = false;
    mutable QElapsedTimer m_storeChecked;
    mutable bool m_storeOk = true;
};

} // namespace onair

Q_DECLARE_METATYPE(onair::EngineSnapshot)
