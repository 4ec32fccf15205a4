#pragma once

#include "core/postbox.h"
#include "fanout/connection.h"
#include "fanout/eventsclients.h"
#include "fanout/hearing.h"
#include "fanout/hub.h"
#include "fanout/listenerinfo.h"
#include "fanout/workercontext.h"
#include "protocol/wsroute.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <functional>

class QTcpSocket;
class QUrlQuery;
class QWebSocket;
class QWebSocketServer;

namespace onair {

struct RefusalAnswer;

// An HTTP player's request, vetted by the acceptor (path, token, limits).
struct PlayerRequest
{
    QString streamId;
    PlayerFormat format = PlayerFormat::Ogg;
    QString identity;  // the token's subject; empty: the worker names it by its address
    QString userAgent;
    QByteArray responseHead; // the HTTP head with the Icecast headers (streaming/playerhttp.h)
};

// One shard of the engine: an event loop on its own thread that finishes WebSocket handshakes
// for the sockets handed to it and then owns them. It writes each stream frame it is posted
// to its own listeners (skipping audio for slow ones), relays its speakers' frames through
// their pipelines into the hub, answers legacy clients, and runs heartbeats.
class FanoutWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FanoutWorker)
public:
    FanoutWorker(int index, WorkerContext context);
    ~FanoutWorker() override;

    int index() const { return m_index; }
    int connectionCount() const { return m_connectionCount.load(std::memory_order_relaxed); }

    // Thread-safe: creates the WebSocket server and heartbeat timer on the worker's thread.
    void begin();
    // Thread-safe. The socket must already belong to this worker's thread.
    void adopt(QTcpSocket *socket);
    // Thread-safe: an HTTP player (the acceptor reserved its connection); the socket must
    // already belong to this worker's thread, its request head still unread in it.
    void adoptPlayer(QTcpSocket *socket, PlayerRequest request);
    // Thread-safe: a chunk of a stream's rendition for this worker's players of `format`.
    void postPlayerChunk(const std::shared_ptr<StreamState> &stream, PlayerFormat format, quint64 seq,
                         const QByteArray &chunk, qint64 t0Ns);
    // Thread-safe: a stream's payload (an audio frame, else JSON) for this worker's listeners of
    // it. The worker frames it for WebSocket; the hub deals in payloads only.
    void post(const std::shared_ptr<StreamState> &stream, bool audio, const QByteArray &payload, bool droppable,
              qint64 t0Ns);
    // Thread-safe: a JSON message for every listener and events client (banners).
    void postAll(const QByteArray &json);
    // Thread-safe: a JSON event for the clients subscribed to `topic` or "all".
    // A topic event (offset 0: not kept) for this worker's events clients.
    void postTopic(const QString &topic, qint64 offset, const QByteArray &json);
    // Thread-safe: close every client with 1001 and report through `done` (on this thread).
    void shutdown(std::function<void()> done);
    // On the worker's thread, before it stops: drops every socket, timer and pipeline so that
    // nothing with a timer is destroyed from another thread.
    void releaseAll();
    // Thread-safe: joins the internal probe listener; `received` runs on this thread.
    void startProbe(std::function<void(const QByteArray &frame)> received);
    // Closes one connection by id with 1008 and `reason`; false when this worker does not
    // hold it. Blocks the caller briefly (never call it from another worker).
    bool kick(quint64 connectionId, const QString &reason, int code = 1008);
    // On this worker's thread: an interpreter whose channel another person took (a hand-over)
    // gets "handed_over" and is closed with 1000. false when this worker does not hold it.
    bool yieldSpeaker(quint64 connection);

    // Called on any thread; blocks briefly on this worker's queue.
    QList<ListenerInfo> listeners(const QString &stream);
    // Called on any thread; blocks briefly on this worker's queue: what its listeners hear.
    HearingPart hearing();

private:
    void setup();
    void onNewWebSocket();
    void attach(QWebSocket *ws, QTcpSocket *tcp);
    Connection *newConnection(QWebSocket *ws, QTcpSocket *tcp);
    // Who the client is (its token or client_id) and whether it may use the route: Count when
    // admitted, else the refusal with its reason.
    Refusal authorize(Connection *c, const WsRoute &route, const QUrlQuery &query, QString *reason);
    bool joinAsListener(Connection *c, const QString &streamId, const QUrlQuery &query, Refusal *why);
    bool joinAsSpeaker(Connection *c, const QString &streamId, Refusal *why);
    void attachLegacy(Connection *c);
    void attachEvents(Connection *c);
    void refuseAfterHandshake(Connection *c, const QString &streamId, Refusal why, const QString &detail);
    void refuseConnection(Connection *c, const RefusalAnswer &answer);
    // Listeners of the stream here and on the other replicas.
    int clusterAudience(const StreamState &s) const;
    void onDisconnected(Connection *c);
    void onText(Connection *c, const QString &text);
    void onBinary(Connection *c, const QByteArray &data);
    void drain();
    // `bytes` holds `frames` consecutive frames of one stream; t0s their hub arrival times.
    void deliver(StreamState *stream, const QByteArray &bytes, int frames, bool droppable,
                 const qint64 *t0s);
    void heartbeat();
    void closeConnection(Connection *c, int code, const QString &reason);
    void sendJson(Connection *c, const QJsonObject &obj);
    bool writeFrame(Connection *c, const QByteArray &frame);
    void sendError(Connection *c, const QString &code, const QString &message);
    void handleHello(Connection *c, const QJsonObject &msg);
    void handleHandOver(Connection *c, bool handOver, const QString &reason = {});
    bool handOverExpired(const Connection *c, qint64 nowMs) const;
    void withdrawHandOvers(const QList<Connection *> &expired);
    void goOnAir(Connection *c);
    void leaseAnswered(QWebSocket *ws, quint64 id, int result, const QString &holder);
    void handleMark(Connection *c, const QJsonObject &msg);
    void sendActiveBanner(Connection *c);
    void acknowledgeBanner(Connection *c, const QString &id);
    void handleListenerReport(Connection *c, const QJsonObject &msg);
    // A listener's state as the operator sees it (its page's fresh report, else unknown; an
    // HTTP player plays while it reads).
    HearingState hearingOf(const Connection *c, qint64 nowMs) const;
    void describeHearing(const Connection *c, qint64 nowMs, ListenerInfo *info) const;
    void deliverAll(const QByteArray &frame, const QString &banner = {}, bool repeat = false);
    void noteBannerSeen(Connection *c, const QString &id);
    void maybeFinishShutdown();
    void onPlayerDisconnected(Connection *c);
    void closePlayer(Connection *c, const QString &reason);
    void stopFeeding(Connection *c); // a player gets no more chunks
    void deliverPlayerChunk(StreamState *stream, PlayerFormat format, quint64 seq, const QByteArray &chunk, qint64 t0Ns);
    // The skip-to-live policy for one listener: write, skip (over the soft bound), or give up.
    enum class Offer { Sent, Skipped, TooSlow };
    Offer offer(Connection *c, const QByteArray &bytes, bool droppable);

    const int m_index;
    const WorkerContext m_context;
    Hub *const m_hub;
    const EngineConfig &m_config;
    QWebSocketServer *m_wss = nullptr;
    QTimer *m_heartbeat = nullptr;
    QHash<QWebSocket *, Connection *> m_byWs;
    QHash<StreamState *, QList<Connection *>> m_listeners;
    std::unique_ptr<EventsClients> m_eventsClients;    // /ws/events clients
    QSet<QTcpSocket *> m_handshaking;
    std::atomic<int> m_connectionCount{0};
    std::function<void()> m_shutdownDone;
    bool m_shuttingDown = false;
    Connection *m_probe = nullptr;
    QHash<QTcpSocket *, Connection *> m_playerConns;                      // HTTP players
    QHash<QPair<StreamState *, int>, QList<Connection *>> m_playersByStream; // (stream, format)

    // Frames posted by other threads. One wake-up per batch: when this worker falls behind,
    // the frames of a stream that piled up go to each listener in one send, so the cost per
    // frame falls exactly when load is highest.
    struct Posted
    {
        std::shared_ptr<StreamState> stream; // null: postAll / postTopic
        QByteArray frame;
        bool droppable;
        qint64 t0Ns;
        QString topic;                       // postTopic
        qint64 offset = 0;                   // postTopic: the event's offset (0: not kept)
        int player = -1;                     // postPlayerChunk: the PlayerFormat
        quint64 seq = 0;
        QString banner{};                    // postAll of new_broadcast: its id (receipts)
        bool repeat = false;                 // … "repeat":true: only to wantsRepeat() clients
    };
    void enqueue(Posted p);
    Postbox<Posted> m_posted;
};

} // namespace onair
