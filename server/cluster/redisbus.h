#pragma once

#include "core/postbox.h"
#include "fanout/cluster.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QTimer;
struct redisAsyncContext;

namespace onair {

// The cluster bus: replicas of one deployment joined through Redis pub/sub (hiredis's
// asynchronous API driven by its Qt adapter, on the bus's own thread).
//
// Every message published is tagged with this replica's id; a replica drops its own messages
// when Redis echoes them, so a client never receives anything twice (local clients were served
// directly, without waiting for Redis). Channels, all named onair:…:
//   onair:stream:<id>   audio frames and the stream's JSON (speaker_joined, format, mark, …),
//                       in order; a replica subscribes while it has listeners of the stream
//                       and no speaker of its own on it
//   onair:topic:<class> topic events (<class> = the topic up to its first ':')
//   onair:banners       new / cleared / ack
//   onair:control       kicks
//   onair:presence      each replica's counts, every --presence-interval (also a key
//                       onair:presence:<replica> with a TTL of three intervals)
// Keys: onair:lease:<stream> holds "<replica>/<connection>" of the one speaker of a stream,
// cluster-wide, with an expiry renewed by its replica.
//
// Redis down: publishes are counted as failures and dropped (SQL holds the truth, Redis only
// carries messages), the bus reconnects with backoff, then resubscribes, re-asserts its leases
// and asks the engine to resync state from the store. Local delivery never waits for Redis.
class RedisBus final : public QObject, public ClusterLink
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisBus)
public:
    struct Options
    {
        QString url;            // redis://host:port[/db]
        QString replicaId;
        int presenceIntervalMs = 1000;
        int leaseMs = 10000;
        int retryMaxMs = 5000;
        int maxPending = 10000; // commands awaiting Redis before publishes are dropped
    };
    enum class Kind : char { Audio = 'a', StreamJson = 'j', Topic = 't', Banner = 'b', Control = 'c', Presence = 'p' };
    using LeaseResult = ClusterLink::Lease;

    struct RemoteStream
    {
        int listeners = 0;
        bool speaker = false;
        QJsonObject format;
        QString source; // a language channel's speaker: human, machine, original
        HearingCounts hearing;
    };
    struct Replica
    {
        QString id;
        qint64 ageMs = 0; // since its last presence
        int connections = 0;
        QHash<QString, RemoteStream> streams;
    };
    struct Status
    {
        bool connected = false;
        QString url;        // without a password
        QString lastError;  // why it is (or last was) down
        qint64 sinceMs = 0; // ms since the epoch of the last change of `connected`
        qint64 reconnects = 0;
    };

    RedisBus(Options options, ClusterSink *sink);
    ~RedisBus() override;

    const QString &replicaId() const { return m_options.replicaId; }
    static QString redactedUrl(const QString &url);

    // Thread-safe. start() begins connecting on the bus's thread; stop() blocks until both
    // Redis connections are closed (say goodbye first so others forget this replica at once).
    void start();
    void stop();

    // ClusterLink. Thread-safe, never block: queued for the bus's thread.
    void publishStream(const QString &stream, bool audio, const QByteArray &payload) override;
    void publishTopic(const TopicEvent &event) override;
    void refreshInterest(const QString &stream) override;
    void presenceChanged() override;
    // Claims the stream's speaker lease for `connection`; `done` runs on the bus's thread.
    void acquireLease(const QString &stream, quint64 connection, LeaseDone done) override;
    void releaseLease(const QString &stream, quint64 connection) override;

    void publishBanner(const QJsonObject &event);
    void publishControl(const QJsonObject &message);

    // Thread-safe views.
    Status status() const;
    bool connected() const { return m_connected.load(std::memory_order_acquire); }
    QList<Replica> remoteReplicas() const;
    std::optional<QPair<QString, QJsonObject>> remoteSpeaker(const QString &stream) const override;
    QString remoteSource(const QString &stream) const override;
    int remoteListeners(const QString &stream) const override;
    HearingCounts remoteHearing(const QString &stream) const override;

    std::atomic<qint64> published{0}, publishFailures{0}, received{0};

    // For hiredis's C callbacks (on the bus's thread); not an API.
    struct Conn;
    void onConnectedQueued(Conn *c, quint64 generation, bool ok, const QString &error);
    void goDownQueued(quint64 generation, const QString &reason);
    void replySeen();
    void publishAnswered(void *reply);
    void onMessage(const QByteArray &channel, const QByteArray &message);

Q_SIGNALS:
    // On the bus's thread.
    void connectedChanged(bool connected);
    void bannerEvent(const QJsonObject &event);
    void kickRequested(quint64 connection, const QString &reason);
    // Another replica was cut off from Redis since `sinceMs` (wall clock): what it stored
    // meanwhile never came through Redis; read it from the shared database.
    void catchUpRequested(qint64 sinceMs);
    void leaseLost(const QString &stream, quint64 connection, const QString &holder);
    // Remote listener counts changed for these streams (for the listeners events).
    void remoteCountsChanged(const QStringList &streams);
    // Another replica's speaker of these streams came, went or changed source.
    void remoteSpeakersChanged(const QStringList &streams);

private:
    struct Outgoing
    {
        QByteArray channel;
        QByteArray message;
    };
    void enqueue(Outgoing o);
    void drain();
    void connectNow();
    void goDown(const QString &reason);
    void scheduleReconnect();
    void subscribeAll();
    void setSubscribed(const QString &stream, bool on);
    void onPresence(const QString &origin, const QJsonObject &p);
    void publishPresence(bool bye = false);
    void renewLeases();
    void command(Conn *c, std::function<void(void *reply)> done, const QList<QByteArray> &args);
    QByteArray envelope(Kind kind, const QByteArray &payload) const;
    void expirePresence();

    Options m_options;
    ClusterSink *const m_sink;
    QByteArray m_host;
    int m_port = 6379;
    int m_db = 0;
    QByteArray m_user;     // redis://user:password@… (Redis 6 ACL) or redis://:password@…
    QByteArray m_password;

    std::unique_ptr<Conn> m_pub; // commands: PUBLISH, SET, EVAL
    std::unique_ptr<Conn> m_sub; // SUBSCRIBE / PSUBSCRIBE only
    std::atomic<bool> m_connected{false};
    quint64 m_generation = 0; // connection attempts so far
    int m_backoffMs = 100;
    QTimer *m_retry = nullptr;
    QTimer *m_connectTimeout = nullptr;
    QTimer *m_presence = nullptr;
    QTimer *m_leaseTimer = nullptr;
    bool m_presenceSoon = false;
    qint64 m_pending = 0;              // commands sent, reply not yet seen
    qint64 m_presenceSentMs = 0;       // monotonic time of the oldest unanswered presence SET
    bool m_stopping = false;

    Postbox<Outgoing> m_outgoing;

    QSet<QString> m_subscribed;        // stream channels subscribed (bus thread)
    QHash<QString, quint64> m_leases;  // stream -> local connection holding its lease (bus thread)

    mutable QMutex m_stateMutex;       // guards the members below
    Status m_status;
    struct Seen
    {
        QElapsedTimer at;
        int connections = 0;
        QHash<QString, RemoteStream> streams;
    };
    QHash<QString, Seen> m_replicas;   // other replicas' presence
    // The replica whose fresh presence has a speaker on `stream`, and that stream's entry
    // (m_stateMutex held); {} when none.
    QPair<QString, const RemoteStream *> remoteSpeakerLocked(const QString &stream) const;
};

} // namespace onair
