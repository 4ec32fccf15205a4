#pragma once

#include "banners/banner.h"
#include "config/config.h"
#include "engine/engine.h"
#include "fanout/listenerinfo.h"
#include "monitor/streamwatch.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

#include <optional>

namespace onair {

// What the control room shows, read from the engine without blocking it.
struct EngineSnapshot
{
    QList<StreamSnapshot> streams;
    QList<StreamWatchStatus> watch; // who hears each stream (every replica), level, warnings
    qint64 uptimeMs = 0;
    int connections = 0;
    qint64 framesOut = 0;
    double fanoutP99Ms = 0;
    std::optional<Banner> activeBanner;
    int acknowledged = 0;
    // The active banner's receipts across the replicas (BannerService::receipts) and the
    // banners waiting for their start.
    QJsonObject bannerReceipts;
    QList<Banner> scheduledBanners;
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

    // Before start(): the stages of live interpretation. Without this call the installed ones
    // (server/stages) when OnAir was built with them, else none.
    void setInterpretationBackends(InterpretationBackends backends);

    bool start(QString *error);
    Engine *engine() const { return m_engine; }
    QUrl baseUrl() const;
    EngineSnapshot snapshot() const;

    std::optional<Banner> sendBanner(const QString &text, const QString &type, QString *error);
    // A banner with an expiry (0: none) and, when `startsAt` is valid, scheduled for then.
    std::optional<Banner> sendBanner(const QString &text, const QString &type, int expiresInS, const QDateTime &startsAt,
                                     QString *error);
    // "Alert again" of the active banner `id`; false when it is no longer the active one.
    bool repeatBanner(const QString &id);
    bool cancelScheduledBanner(const QString &id, QString *error);
    bool clearBanner(QString *error);
    bool kick(quint64 connectionId, const QString &reason);
    // Listens on `address` (same port) from now on, keeping every connection; addressChanged()
    // follows a change. False with *error when the engine kept its old address.
    bool rebind(const QHostAddress &address, QString *error);
    // Phones and other computers can connect: bound to anything but loopback.
    bool reachableFromNetwork() const;
    // Asynchronous: listenersReady() follows; the window never waits for a busy engine.
    // At most `limit` entries (a 10,000-phone stream is not listed in full 4 times a second).
    void requestListeners(const QString &stream, int limit = 1000);

    // Live interpretation. The languages are read once at start from the backends.
    bool interpretationBuilt() const { return m_interpretationBuilt; } // any stage present
    QStringList interpretationSources() const { return m_sources; }
    QStringList interpretationTargets(const QString &source) const { return m_targets.value(source); }
    bool setInterpretation(const QString &stream, const QString &source, const QStringList &targets, QString *error);
    QPair<QString, QStringList> interpretationOf(const QString &stream) const;
    // Asynchronous: interpretationReady() follows with interpretationJson() and the setting
    // of `stream`, carrying `tag`. At most one request is in flight: false when this one was
    // not sent.
    bool requestInterpretation(const QString &stream, quint64 tag = 0);

    // Recording (docs/recording.md). The engine's Recordings: its readers (status, list, mark,
    // remove) are thread-safe; null when the engine did not start.
    Recordings *recordings() const { return m_engine ? m_engine->recordings() : nullptr; }
    // Asynchronous (Recordings::setWanted waits up to 2 s for the recorder): recordingSet()
    // follows. Runs on a worker of its own, so neither the window nor the engine waits.
    void requestRecording(const QString &stream, bool wanted);

    // Language channels (docs/interpretation.md "Human interpreters"). Asynchronous:
    // languageChannelsReady() follows with Engine::languageChannels() of every stream; false
    // when a request is still in flight.
    bool requestLanguageChannels();
    // Declares `channel` with `fallback` ("machine", "original", "silence"), or forgets it
    // (`fallback` empty). Writes the store, so on the worker: channelChanged() follows.
    void requestChannelFallback(const QString &channel, const QString &fallback);
    // The control room's own interpreter on `channel` hands over (the next interpreter to connect
    // takes the channel at once; this one goes off air with localSpeakerRefused "handed over"),
    // or withdraws it. False when this computer is not the one on air there.
    bool handOverLocalSpeaker(const QString &channel, bool handOver);

Q_SIGNALS:
    void snapshotReady(const onair::EngineSnapshot &snapshot);
    void listenersReady(const QString &stream, const QList<onair::ListenerInfo> &listeners, int total);
    void interpretationReady(const QJsonObject &json, const QString &stream, const QString &source,
                             const QStringList &targets, quint64 tag);
    // The engine's caption and interpretation events, on the window's thread.
    void interpretationEvent(const QJsonObject &event);
    // The engine listens on another address (rebind(), from the Share panel or Settings).
    void addressChanged(const QHostAddress &address);
    // requestRecording()'s answer: `id` the recording's, `error` why it could not start.
    void recordingSet(const QString &stream, bool wanted, bool ok, const QString &id, const QString &error);
    void languageChannelsReady(const QJsonArray &channels);
    // requestChannelFallback()'s answer (`fallback` empty: forgotten).
    void channelChanged(const QString &channel, const QString &fallback, bool ok, const QString &error);

private:
    EngineConfig m_config;
    QThread m_thread;
    Engine *m_engine = nullptr;
    QTimer m_poll;
    QThreadPool m_workers; // requestRecording(); drained before the engine goes
    bool m_listenersPending = false;
    bool m_interpretationPending = false;
    bool m_channelsPending = false;
    std::optional<InterpretationBackends> m_backends;
    bool m_interpretationBuilt = false;
    QStringList m_sources;
    QHash<QString, QStringList> m_targets;
    mutable QElapsedTimer m_storeChecked;
    mutable bool m_storeOk = true;
};

} // namespace onair

Q_DECLARE_METATYPE(onair::EngineSnapshot)
