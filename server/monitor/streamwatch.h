#pragma once

#include "config/config.h"
#include "fanout/hearing.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QThread>

#include <memory>
#include <optional>

class QTimer;

namespace onair {

class Hub;

// One stream as the operator watches it: who hears it, how loud its input is, and the two
// warnings ("nobody has heard it for 10 s", "its input has been silent for 10 s").
struct StreamWatchStatus
{
    QString stream;
    bool live = false;          // a speaker on air on this replica (warnings are raised here only)
    HearingCounts hearing;      // every replica's listeners
    bool levelKnown = false;    // the input was measured in the last second
    double levelDbfs = -120.0;  // its RMS over the last second
    qint64 unheardMs = 0;       // on air, nobody playing, for this long
    qint64 silentMs = 0;        // on air, the input below the threshold, for this long
    bool unheard = false;       // the warnings
    bool silent = false;

    // {"live","hearing":{…},"level_dbfs","warnings":["nobody_hearing","input_silent"]}
    QJsonObject toJson() const;
};

// Watches every stream once a second on its own thread: the listeners' reports (Hub::hearing,
// plus the other replicas' through the cluster link) and the level of each local speaker's
// input (a StreamFeed, decoded here — never on the fan-out threads). Raises and clears the
// warnings, each with one log line.
class StreamWatch final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StreamWatch)
public:
    StreamWatch(Hub *hub, const EngineConfig &config);
    ~StreamWatch() override;

    void start();
    void stop(); // blocks until its thread ended

    // Thread-safe: the last second's view, sorted by stream id.
    QList<StreamWatchStatus> status() const;

Q_SIGNALS:
    // kind: "nobody_hearing" or "input_silent"; emitted on the watch's thread.
    void warningChanged(const QString &stream, const QString &kind, bool raised, const QString &text);

private:
    class Level;
    void tick();
    void measure();
    void updateFeeds(const QStringList &live);
    void judge(StreamWatchStatus &s, qint64 nowMs);

    Hub *m_hub;
    const EngineConfig m_config;
    QThread m_thread;
    QTimer *m_timer = nullptr;
    int m_ticks = 0;
    QHash<QString, std::shared_ptr<Level>> m_levels;  // local speakers' inputs (watch thread)
    QHash<QString, qint64> m_unheardSince, m_silentSince; // monotonic ms (watch thread)
    QHash<QString, bool> m_unheardRaised, m_silentRaised;
    mutable QMutex m_mutex;
    QList<StreamWatchStatus> m_status; // guarded by m_mutex
};

} // namespace onair
