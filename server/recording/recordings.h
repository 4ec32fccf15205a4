#pragma once

#include "recording/recordinginfo.h"

#include <QHash>
#include <QJsonArray>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>

class QThread;
class QThreadPool;
class QTimer;

namespace onair {

class BannerDesk;
class Hub;
class RecordingStore;
class Recorder;
struct EngineConfig;
struct TopicEvent;

struct RecordingOptions
{
    QString directory;               // <data-dir>/recordings
    QString replica;                 // this replica's id, kept with each recording
    QStringList record;              // --record: streams recorded whenever they are on air here
    bool recordAll = false;          // --record-all
    qint64 maxBytes = 512LL << 20;   // --recording-max-bytes: one file; then a new one (rotation)
    int keepDays = 0;                // --recordings-keep-days: 0 = keep
    qint64 maxTotalBytes = 0;        // --recordings-max-total-bytes: 0 = no cap
    int flushMs = 500;               // Ogg pages and timeline lines reach the file this often
    int opusBitrate = 32000;         // a PCM speaker's audio, encoded once
    int maxQueue = 2000;             // payloads waiting for the disk beyond this: oldest dropped
    BannerDesk *banners = nullptr;   // the active banner's receipts on the timelines (may be null)
    int idleStopS = 300;             // --recording-idle-stop: a --record/--record-all recording
                                     // ends after this long without a speaker (one asked for
                                     // explicitly goes on until it is turned off)
};

// Every recording of this replica (docs/recording.md). Streams are recorded while wanted and
// their speaker is on air here: each on its own Recorder, all of them on one "recorder" thread
// that owns the files — the fan-out threads only queue payloads, so a slow or full disk never
// holds up a frame. A gap (speaker left) is bridged with Opus silence in the same file: the
// audio's time is the timeline's time. Lives on the engine's thread; thread-safe readers.
class Recordings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Recordings)
public:
    Recordings(Hub *hub, RecordingStore *store, RecordingOptions options, QObject *parent = nullptr);
    ~Recordings() override;

    // Marks what the last run left `recording` in this directory as interrupted (with the
    // duration and size the files really have), starts the thread and the retention.
    bool start(QString *error);
    void stop(); // finishes every recording (state finished), joins the thread

    // Asks for (or stops) a stream's recording, cluster-wide (the store's wish list). Starts
    // it here at once when the speaker is here or nowhere; `id` gets the recording's id when
    // it runs here. False with `error` for a bad stream id or a database failure.
    bool setWanted(const QString &stream, bool wanted, QString *id, QString *error);
    // An operator's mark on the running recording's timeline ("chapter: sermon").
    bool mark(const QString &stream, const QString &text, QString *error);

    RecordingStatus status(const QString &stream) const;
    QList<RecordingStatus> statuses() const; // every stream wanted or recording here
    // {"status":"ok"|"degraded","recording":n,"reasons":[…]} — /health's recording component
    QJsonObject healthJson() const;
    QStringList degradedReasons() const;

    std::optional<QList<RecordingInfo>> list(const RecordingFilter &filter, QString *error) const;
    std::optional<RecordingInfo> find(const QString &id, QString *error) const;
    // The timeline's lines, parsed (a torn last line is left out).
    static QJsonArray readTimeline(const QString &path);
    // Deletes the files and the row; refuses one still recording (`busy`).
    bool remove(const QString &id, bool *busy, QString *error);
    const RecordingOptions &options() const { return m_options; }

    // The recording as MP3, for browsers that cannot play Ogg Opus: made once, on first
    // request, off the engine's thread (one at a time), next to the .ogg. `path` is where it
    // is (or will be). A recording still running has none yet (Failed, with why).
    enum class Mp3State { Ready, Preparing, Failed };
    Mp3State mp3(const RecordingInfo &info, QString *path, QString *error);
    static QString mp3PathOf(const RecordingInfo &info);

Q_SIGNALS:
    // A stream's status changed (started, stopped, failed); on the engine's thread. The control
    // room polls status() for elapsed time and size.
    void changed(const QString &stream);

public:
    // Any thread: a topic event (banners, captions) for the timelines of the recordings.
    void observeTopic(const TopicEvent &event);
    // Counters for /metrics: recordings running, payloads dropped before the disk, failures.
    qint64 droppedPayloads() const;
    qint64 failures() const { return m_failures.load(); }

private:
    // Recorder thread
    void onTick();
    void reconcile(qint64 nowNs);
    bool shouldRecord(const QString &stream, qint64 nowNs) const;
    bool startRecorder(const QString &stream);
    void stopRecorder(const QString &stream, const QString &state, const QString &reason);
    void enforceRetention();
    void markInterrupted();
    void finishAll();
    QString newPath(const QString &stream, const QDateTime &start) const;

    Hub *m_hub;
    RecordingStore *m_store;
    const RecordingOptions m_options;
    QThread *m_thread = nullptr;
    QObject *m_worker = nullptr; // lives on m_thread: the recorders' context and timer
    mutable QMutex m_mutex;      // guards everything below
    QSet<QString> m_storeWanted; // the cluster's wish list (the store's), refreshed every reconcile
    QSet<QString> m_requestedHere; // asked for on this replica, nobody speaking: start here
    QHash<QString, QString> m_failed; // stream -> why its recording stopped (until asked again)
    QHash<QString, std::shared_ptr<Recorder>> m_recorders;
    QHash<QString, qint64> m_speakerSeenNs; // last time each recorded stream had a speaker
    QHash<QString, RecordingStatus> m_last; // each stream's last recording here, once it ended
    qint64 m_lastReconcileNs = 0;
    qint64 m_lastRetentionNs = 0;
    qint64 m_droppedBefore = 0; // payloads dropped by recorders already finished
    std::atomic<qint64> m_failures{0};
    // The MP3 renditions being made (ids) and those that could not be (id -> why).
    QSet<QString> m_mp3Making;
    QHash<QString, QString> m_mp3Failed;
    std::unique_ptr<QThreadPool> m_mp3Pool;
};

} // namespace onair
