#pragma once

#include "audio/audioprocessor.h"
#include "config/config.h"
#include "core/metrics.h"
#include "fanout/cluster.h"
#include "fanout/streamstate.h"
#include "history/topicevent.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QSet>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace onair {

class FanoutWorker;
class Journal;

// The seeds' ConnectionManager: which streams exist, who speaks on each, how many listen
// where, and fan-out of a stream's payloads to the workers that hold its listeners (each
// worker frames a payload once for all of its listeners), to the stream's taps and to the
// other replicas. Thread-safe; listener sockets themselves live in the workers. The hub knows
// payloads, not the wire.
class Hub final : public ClusterSink
{
public:
    // Reserved id of the internal probe stream of /health/full; '~' is not a valid external id.
    static inline const QString kProbeStream = QStringLiteral("~probe");

    Hub(const EngineConfig &config, Metrics *metrics);
    Q_DISABLE_COPY_MOVE(Hub)

    const EngineConfig &config() const { return m_config; }
    Metrics *metrics() const { return m_metrics; }
    void setWorkers(QList<FanoutWorker *> workers);
    const QList<FanoutWorker *> &workers() const { return m_workers; }
    // The worker that holds speakers and legacy clients (not a fan-out shard).
    void setIngestWorker(FanoutWorker *w) { m_ingest = w; }
    FanoutWorker *ingestWorker() const { return m_ingest; }
    void setProcessorFactory(ProcessorFactory f) { m_processorFactory = std::move(f); }
    const ProcessorFactory &processorFactory() const { return m_processorFactory; }

    std::shared_ptr<StreamState> find(const QString &id) const;

    // Joins a listener held by `worker` to the stream (created on demand). nullptr with the
    // reason when max-streams or max-listeners-per-stream is reached.
    std::shared_ptr<StreamState> joinListener(const QString &id, int worker, Refusal *why);
    void leaveListener(const std::shared_ptr<StreamState> &s, int worker);

    // Makes `connection` the one speaker of the stream; nullptr with StreamTaken or MaxStreams.
    // A speaker that `yields` (a language channel's fallback) gives the slot to the next one
    // that does not (a person), and so does a person handing over (setSpeakerYields).
    std::shared_ptr<StreamState> joinSpeaker(const QString &id, quint64 connection,
                                             const QString &address, Refusal *why, bool yields = false);
    // false when `connection` no longer held the slot (it yielded it).
    // `lastWords` (the speaker_left message) goes out after the slot is free and before the
    // speaker events: what takes the slot next (a channel's fallback) speaks after it.
    bool leaveSpeaker(const std::shared_ptr<StreamState> &s, quint64 connection, const std::function<void()> &lastWords = {});
    // A person hands over: the slot goes to the next person who joins, here or on another
    // replica (the cluster lease is released now). false if `connection` does not hold it.
    bool setSpeakerYields(const std::shared_ptr<StreamState> &s, quint64 connection, bool yields);
    bool speakerYields(const QString &id) const;
    // Where this replica's speaker of the stream connects from (empty: none here).
    QString speakerAddress(const QString &id) const;
    // Another replica has a person on the stream: a local speaker that yields gives it up.
    bool yieldToRemote(const QString &id);
    // Who speaks on a language channel ("human", "machine", "original"), set by its speaker;
    // empty when nobody does here or on another replica.
    void setSource(const std::shared_ptr<StreamState> &s, quint64 connection, const QString &source);
    QString source(const std::shared_ptr<StreamState> &s) const;
    // What happens to speaker slots, called outside the hub's lock on the thread that caused
    // it: `yielded` for the connection that lost a language channel's slot to a person,
    // `changed` after any join, leave or yield (of any stream). Set before the engine starts.
    struct SpeakerEvents
    {
        std::function<void(const QString &stream, quint64 connection)> yielded;
        std::function<void(const QString &stream)> changed;
    };
    void setSpeakerEvents(SpeakerEvents events) { m_speakerEvents = std::move(events); }
    // A speaker anywhere in the cluster / on this replica.
    bool hasSpeaker(const QString &id) const;
    bool hasLocalSpeaker(const QString &id) const;
    void setFormat(const std::shared_ptr<StreamState> &s, const QJsonObject &format);
    // The stream's format and liveness, from this replica's speaker or another replica's.
    QJsonObject format(const std::shared_ptr<StreamState> &s) const;
    bool speakerLive(const std::shared_ptr<StreamState> &s) const;

    // The other replicas (null for a single replica). Local publishes are forwarded to them;
    // what they publish comes back through the ClusterSink functions.
    void setCluster(ClusterLink *link) { m_cluster = link; }
    ClusterLink *cluster() const { return m_cluster; }
    // ClusterSink
    void deliverRemote(const QString &stream, bool audio, const QByteArray &payload) override;
    void deliverTopic(const TopicEvent &event) override;
    bool wantsRemote(const QString &stream) const override;
    QStringList streamsWithLocalListeners() const override;
    // Listener totals of these streams changed on other replicas: publish fresh counts.
    void markCountsDirty(const QStringList &streams);

    // A message for every listener and events client on every worker, never dropped (banners).
    void publishToAllClients(const QJsonObject &message);
    // The topics' durable history (null: history off). Its forward and deliver callbacks
    // must lead to forwardTopicEvents() and postTopicEvents().
    void setJournal(Journal *journal) { m_journal = journal; }
    Journal *journal() const { return m_journal; }
    // Events channel: {"type":"event","topic":…,"offset":…,"epoch":…,"data":…} to the clients
    // subscribed to `topic` (or its class, or "all") on every replica. A kept event (see
    // isKeptEvent) is stored by the journal first and gets its offset there; `forward` false:
    // this replica's clients only, never kept (listener counts).
    void publishTopic(const QString &topic, const QJsonValue &data, bool forward = true);
    // publishTopic, and waits (up to timeoutMs) until a kept event is stored: the event with
    // its offset (0: not kept, or the database failed — it was sent live all the same),
    // nullopt when the store did not answer in time.
    std::optional<TopicEvent> publishTopicStored(const QString &topic, const QJsonValue &data, int timeoutMs);
    // Events ready for this replica's clients (in order, once) / for the other replicas.
    void postTopicEvents(const QList<TopicEvent> &events);
    // An in-process reader of every topic event this replica's clients get (the recordings'
    // timelines): called on the posting thread, in order; it must return at once. Set it
    // before the engine starts publishing; null removes it.
    using TopicObserver = std::function<void(const TopicEvent &)>;
    void setTopicObserver(TopicObserver observer);
    void forwardTopicEvents(const QList<TopicEvent> &events);
    // Publishes the listener counts of streams whose count changed since the last call on
    // their stream:<id> topic (called a few times a second: counts are throttled, not per join).
    void flushStreamEvents();

    // Delivers an audio frame to every listener of the stream (droppable for slow listeners).
    void publishAudio(const std::shared_ptr<StreamState> &s, const QByteArray &payload);
    // The /health/full probe: a frame to the internal probe listeners, never dropped, not timed.
    void publishProbe(const std::shared_ptr<StreamState> &s, const QByteArray &payload);
    // Delivers a JSON control message to every listener of the stream (never dropped).
    void publishJson(const std::shared_ptr<StreamState> &s, const QJsonObject &message);
    // The same, for this replica's listeners only (not forwarded to the other replicas).
    void publishJsonLocal(const std::shared_ptr<StreamState> &s, const QJsonObject &message);

    // Taps see every payload the stream's listeners get (see StreamTap), from now on.
    void addTap(const std::shared_ptr<StreamState> &s, std::shared_ptr<StreamTap> tap);
    void removeTap(const std::shared_ptr<StreamState> &s, const StreamTap *tap);
    // A standing tap on the stream `id`: on the stream the hub has now (returned) and on every
    // one it makes for `id` later, attached as it is made, so that nothing the stream publishes
    // (its speaker's "speaker_joined", the first packets) comes before the tap. Until unwatch().
    std::shared_ptr<StreamState> watch(const QString &id, std::shared_ptr<StreamTap> tap);
    void unwatch(const QString &id, const StreamTap *tap);
    // A chunk of the stream rendered for HTTP players in `format` (Ogg pages, MP3 frames),
    // numbered `seq`, to the workers holding such players (skippable for slow ones).
    void publishPlayerChunk(const std::shared_ptr<StreamState> &s, PlayerFormat format, quint64 seq,
                            const QByteArray &chunk);

    // Connection accounting for max-connections: reserve before the handshake.
    bool reserveConnection();
    void releaseConnection();
    int connections() const override { return m_connections.load(); }
    int streamCount() const;
    bool atStreamLimitFor(const QString &id) const;
    int listenersOf(const QString &id) const;

    QList<StreamSnapshot> snapshot() const override;
    // What this replica's listeners hear, per stream: asks every worker (blocks briefly; never
    // call it on a worker's thread) and keeps the answer for snapshot() and the presence.
    QHash<QString, HearingCounts> hearing();
    quint64 nextConnectionId() { return m_nextConnectionId.fetch_add(1) + 1; }

private:
    std::shared_ptr<StreamState> findOrCreateLocked(const QString &id, Refusal *why);
    int streamCountLocked() const;
    void forgetIfIdleLocked(const std::shared_ptr<StreamState> &s);
    // The speaker slot's holder (0: free) and what goes with it; tells the cluster.
    void setSlotLocked(StreamState &s, quint64 connection, const QString &address = {}, bool yields = false);
    void speakerChanged(const QString &id, quint64 yieldedConnection = 0);
    void fanout(const std::shared_ptr<StreamState> &s, bool audio, const QByteArray &payload, bool droppable);
    static void tap(StreamState &s, bool audio, const QByteArray &payload);

    const EngineConfig m_config;
    Metrics *m_metrics;
    QList<FanoutWorker *> m_workers;
    mutable QMutex m_observerMutex;
    TopicObserver m_topicObserver;
    FanoutWorker *m_ingest = nullptr;
    ClusterLink *m_cluster = nullptr;
    Journal *m_journal = nullptr;
    QSet<QString> m_dirtyStreams; // guarded by m_mutex
    QHash<QString, HearingCounts> m_hearing; // the last hearing(), guarded by m_mutex
    ProcessorFactory m_processorFactory;
    SpeakerEvents m_speakerEvents;
    mutable QMutex m_mutex;
    QHash<QString, std::shared_ptr<StreamState>> m_streams;
    QHash<QString, QList<std::shared_ptr<StreamTap>>> m_watchers; // standing taps, by stream id
    std::atomic<int> m_connections{0};
    std::atomic<quint64> m_nextConnectionId{0};
};

} // namespace onair
