#pragma once

#include "core/postbox.h"
#include "history/eventlog.h"
#include "history/recovery.h"
#include "history/sequencer.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <optional>

class QThread;
class QTimer;

namespace onair {

// The topics' durable history, on a thread of its own. Local publishes are appended to the
// database (batched: one transaction per batch) and so get their offsets; they and the events
// of other replicas then pass one TopicSequencer, so that this replica's clients get each
// topic's events in offset order, once, with the holes filled from the database. Resumes
// (subscribe with `since`) and the catch-up after a Redis outage read from the database here
// too. Nothing here blocks a caller: every entry point only posts.
class Journal final : public QObject
{
    Q_OBJECT
public:
    // Events ready for this replica's clients, in order (journal thread).
    using Deliver = std::function<void(const QList<TopicEvent> &events)>;
    // Events appended here (with their offsets, or without when the database failed), for the
    // other replicas (journal thread).
    using Forward = std::function<void(const QList<TopicEvent> &events)>;
    using Recovered = std::function<void(const QList<RecoverResult> &results)>;

    struct Stats
    {
        qint64 appended = 0;
        qint64 appendFailures = 0; // delivered without an offset: the database failed
        qint64 recoveries = 0;
        qint64 recoveredEvents = 0;
        qint64 duplicatesDropped = 0;
        qint64 gapsFilled = 0;
        qint64 catchUps = 0;
    };

    Journal(EventLog *log, HistoryLimits limits, int gapWaitMs = 300);
    ~Journal() override;
    Q_DISABLE_COPY_MOVE(Journal)

    // Before start().
    void setDeliver(Deliver d) { m_deliver = std::move(d); }
    void setForward(Forward f) { m_forward = std::move(f); }
    // Reads the epoch and starts the thread; false when the database cannot say its epoch.
    bool start(QString *error);
    // Appends what is still queued, then stops the thread.
    void stop();
    QString epoch() const { return m_epoch; }
    const HistoryLimits &limits() const { return m_limits; }

    // Replicas deliver into this one (offerRemote): a topic this replica has not seen yet holds
    // its first events for the gap wait, so that an earlier offset still in flight from another
    // replica is not overtaken. Before start().
    void setClustered(bool clustered) { m_clustered = clustered; }

    // Any thread.
    void append(const QString &topic, const QJsonValue &data);
    // Stores the event and waits for it: the event with its offset, with offset 0 when the
    // database failed (it was still sent live), nullopt when not stored within timeoutMs.
    std::optional<TopicEvent> appendAndWait(const QString &topic, const QJsonValue &data, int timeoutMs);
    void offerRemote(TopicEvent e);
    // Redis came back after an outage that began at downSinceMs: what the other replicas
    // stored meanwhile is read and delivered (the sequencer drops what was already).
    void catchUp(qint64 downSinceMs);
    // `done` runs on the journal thread with one result per request, in order.
    void recover(QList<RecoverRequest> requests, Recovered done);
    // A page for REST (the caller's thread).
    std::optional<EventLog::Page> page(const QString &topic, qint64 after, int limit, QString *error);
    Stats stats() const;

private:
    struct Posted
    {
        enum Kind { Append, Remote } kind = Append;
        TopicEvent event;
        std::shared_ptr<std::promise<TopicEvent>> stored; // appendAndWait
    };
    void post(Posted p);
    void postJob(std::function<void()> job);
    void drain();
    void appendBatch(const QList<Posted> &posted);
    void sequence(QList<TopicEvent> events);
    void fillDueGaps();
    // By age, and by count for the topics appended to since the last time (or all of them).
    void prune(bool allTopics);
    void runRecovery(const QList<RecoverRequest> &requests, const Recovered &done);

    EventLog *const m_log;
    const HistoryLimits m_limits;
    QString m_epoch;
    Deliver m_deliver;
    Forward m_forward;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr; // lives on m_thread: queued calls and timers run there
    std::atomic<bool> m_stopped{false};
    QTimer *m_gapTimer = nullptr;
    QTimer *m_pruneTimer = nullptr;
    Postbox<Posted> m_posted;
    Postbox<std::function<void()>> m_jobs;
    TopicSequencer m_sequencer; // journal thread
    bool m_clustered = false;
    QStringList m_touched;      // topics appended to since the last prune (journal thread)
    std::atomic<qint64> m_appended{0}, m_appendFailures{0}, m_recoveries{0}, m_recoveredEvents{0},
        m_duplicates{0}, m_gapsFilled{0}, m_catchUps{0};
    qint64 m_lastFailureLogMs = 0;
};

} // namespace onair
