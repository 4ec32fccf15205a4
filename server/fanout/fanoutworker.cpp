#include "fanout/fanoutworker.h"

#include "core/clock.h"
#include "protocol/controlmessages.h"
#include "core/logging.h"
#include "protocol/streamid.h"
#include "auth/auth.h"
#include "fanout/bannerdesk.h"
#include "fanout/playersource.h"
#include "protocol/refusals.h"
#include "protocol/topics.h"
#include "protocol/wsframe.h"
#include "protocol/wsroute.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonArray>
#include <QPointer>
#include <QScopeGuard>
#include <QUrlQuery>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThread>
#include <QWebSocket>
#include <QWebSocketServer>

#include <cerrno>
#include <sys/socket.h>

namespace onair {

namespace {
// Bytes queued for a client and not yet on the wire: for TLS also the encrypted bytes waiting
// in the plain socket (QSslSocket::bytesToWrite counts only those not yet encrypted).
qint64 backlogOf(const Connection *c)
{
    return c->ssl ? c->ssl->bytesToWrite() + c->ssl->encryptedBytesToWrite() : c->tcp->bytesToWrite();
}

constexpr int kAbortAfterCloseMs = 1000;
constexpr int kMaxDeferred = 64; // messages held per speaker while its lease is claimed

QString peerOf(const QTcpSocket *tcp)
{
    QHostAddress a = tcp->peerAddress();
    bool ok = false;
    const QHostAddress v4(a.toIPv4Address(&ok));
    if (ok)
        a = v4;
    return a.toString() + u':' + QString::number(tcp->peerPort());
}
} // namespace

FanoutWorker::FanoutWorker(int index, WorkerContext context)
    : m_index(index), m_context(std::move(context)), m_hub(m_context.hub), m_config(m_hub->config())
{
    EventsClients::Io io;
    io.writeFrame = [this](Connection *c, const QByteArray &frame) { return writeFrame(c, frame); };
    io.sendJson = [this](Connection *c, const QJsonObject &o) { sendJson(c, o); };
    io.sendError = [this](Connection *c, const QString &code, const QString &message) { sendError(c, code, message); };
    m_eventsClients = std::make_unique<EventsClients>(m_config, m_context.journal, this, std::move(io));
}

FanoutWorker::~FanoutWorker()
{
    releaseAll(); // normally already done on the worker's own thread
    delete m_probe;
}

void FanoutWorker::releaseAll()
{
    for (Connection *c : std::as_const(m_byWs)) {
        disconnect(c->ws, nullptr, this, nullptr);
        c->pipeline.reset();
        c->ws->abort();
        delete c->ws;
        delete c;
    }
    m_byWs.clear();
    for (Connection *c : std::as_const(m_playerConns)) {
        disconnect(c->tcp, nullptr, this, nullptr);
        if (m_context.players)
            m_context.players->release(c->player->output);
        c->tcp->abort();
        delete c->tcp;
        delete c;
    }
    m_playerConns.clear();
    m_playersByStream.clear();
    m_listeners.clear();
    m_eventsClients->clear();
    for (QTcpSocket *s : std::as_const(m_handshaking))
        s->abort();
    m_handshaking.clear();
    delete m_wss;
    m_wss = nullptr;
    delete m_heartbeat;
    m_heartbeat = nullptr;
}

void FanoutWorker::setup()
{
    m_wss = new QWebSocketServer(QStringLiteral("OnAir/" ONAIR_VERSION), QWebSocketServer::NonSecureMode, this);
    // The default of 30 pending connections is far too low for a reconnect storm.
    m_wss->setMaxPendingConnections(1 << 20);
    m_wss->setHandshakeTimeout(m_config.handshakeTimeoutMs);
    connect(m_wss, &QWebSocketServer::newConnection, this, &FanoutWorker::onNewWebSocket);
    m_heartbeat = new QTimer(this);
    m_heartbeat->setInterval(qBound(20, qMin(m_config.pingIntervalMs, m_config.pingTimeoutMs) / 4, 1000));
    connect(m_heartbeat, &QTimer::timeout, this, &FanoutWorker::heartbeat);
    m_heartbeat->start();
}

void FanoutWorker::begin()
{
    QMetaObject::invokeMethod(this, [this] {
        if (!m_wss)
            setup();
    });
}

void FanoutWorker::adopt(QTcpSocket *socket)
{
    QMetaObject::invokeMethod(this, [this, socket] {
        if (!m_wss)
            setup();
        if (m_shuttingDown) {
            socket->abort();
            socket->deleteLater();
            m_hub->releaseConnection();
            return;
        }
        m_handshaking.insert(socket);
        m_connectionCount.fetch_add(1, std::memory_order_relaxed);
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            if (m_handshaking.remove(socket)) {
                m_connectionCount.fetch_sub(1, std::memory_order_relaxed);
                m_hub->releaseConnection();
                socket->deleteLater();
            }
        });
        m_wss->handleConnection(socket);
    });
}

void FanoutWorker::onNewWebSocket()
{
    while (m_wss->hasPendingConnections()) {
        QWebSocket *ws = m_wss->nextPendingConnection();
        QTcpSocket *tcp = ws->findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
        if (!tcp) {
            for (QTcpSocket *s : std::as_const(m_handshaking)) {
                if (s->peerPort() == ws->peerPort() && s->peerAddress() == ws->peerAddress()) {
                    tcp = s;
                    break;
                }
            }
        }
        if (!tcp) {
            qCWarning(lcWs).noquote() << "no TCP socket behind a WebSocket; closing";
            ws->abort();
            ws->deleteLater();
            continue;
        }
        m_handshaking.remove(tcp);
        attach(ws, tcp);
    }
}

void FanoutWorker::adoptPlayer(QTcpSocket *socket, PlayerRequest request)
{
    QMetaObject::invokeMethod(this, [this, socket, request = std::move(request)] {
        if (!m_wss)
            setup();
        Refusal why = Refusal::MaxListeners;
        std::shared_ptr<StreamState> stream;
        if (!m_shuttingDown && m_context.players && socket->state() == QAbstractSocket::ConnectedState)
            stream = m_hub->joinListener(request.streamId, m_index, &why);
        if (!stream) {
            // The acceptor checked the limits a moment ago; another worker took the last place.
            if (!m_shuttingDown)
                m_hub->metrics()->refuse(why);
            socket->write("HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                          "{\"error\":\"unavailable\",\"message\":\"the stream is full or the server is stopping\"}");
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QTimer::singleShot(kAbortAfterCloseMs, socket, [socket] { socket->abort(); });
            m_hub->releaseConnection();
            return;
        }
        auto *c = new Connection;
        c->id = m_hub->nextConnectionId();
        c->kind = ConnectionKind::Player;
        c->tcp = socket;
        c->ssl = qobject_cast<QSslSocket *>(socket);
        c->fd = c->ssl ? -1 : int(socket->socketDescriptor());
        c->peer = peerOf(socket);
        c->connectedAtMs = QDateTime::currentMSecsSinceEpoch();
        c->lastSeenMs = c->lastPingMs = monotonicMs();
        // A token's subject, else the address (without the port) as "http:<address>".
        c->identity = request.identity.isEmpty() ? QStringLiteral("http:") + c->peer.section(u':', 0, -2) : request.identity;
        c->player = std::make_unique<Connection::Player>();
        c->player->userAgent = request.userAgent;
        c->device = deviceClassOf(request.userAgent);
        c->stream = stream;
        c->player->format = request.format;
        m_playerConns.insert(socket, c);
        m_connectionCount.fetch_add(1, std::memory_order_relaxed);
        m_hub->metrics()->connectionsAccepted.fetch_add(1, std::memory_order_relaxed);
        stream->players.fetch_add(1);
        // Counted before the intro is taken: every chunk after the intro is posted here.
        stream->playersPerWorker[size_t(m_index)].fetch_add(1);
        c->player->output = m_context.players->acquire(stream, request.format);
        socket->readAll(); // the request head (the acceptor only peeked at it)
        // Players say nothing after their request; what one sends anyway is read and dropped,
        // up to a request head's worth, then it is closed.
        connect(socket, &QTcpSocket::readyRead, this, [this, c] {
            c->player->bytesIn += c->tcp->readAll().size();
            if (c->player->bytesIn > m_config.maxHeaderBytes && !c->closing) {
                m_hub->metrics()->refuse(Refusal::BadRequest);
                closePlayer(c, QStringLiteral("sent %1 bytes after its request").arg(c->player->bytesIn));
            }
        });
        connect(socket, &QTcpSocket::disconnected, this, [this, c] { onPlayerDisconnected(c); });
        QByteArray intro;
        if (c->player->output)
            intro = c->player->output->intro(&c->player->seq);
        writeFrame(c, request.responseHead + intro);
        m_playersByStream[{stream.get(), int(request.format)}].append(c);
        qCInfo(lcWs).noquote() << "player" << c->id << c->peer << "joined" << request.streamId
                               << playerFormatName(request.format) << request.userAgent.left(80);
    });
}

void FanoutWorker::postPlayerChunk(const std::shared_ptr<StreamState> &stream, PlayerFormat format, quint64 seq,
                                   const QByteArray &chunk, qint64 t0Ns)
{
    Posted p{stream, chunk, true, t0Ns, QString()};
    p.player = int(format);
    p.seq = seq;
    enqueue(std::move(p));
}

void FanoutWorker::stopFeeding(Connection *c)
{
    auto it = m_playersByStream.find({c->stream.get(), int(c->player->format)});
    if (it != m_playersByStream.end()) {
        it->removeOne(c);
        if (it->isEmpty())
            m_playersByStream.erase(it);
    }
}

void FanoutWorker::closePlayer(Connection *c, const QString &reason)
{
    if (c->closing)
        return;
    c->closing = true;
    stopFeeding(c);
    qCInfo(lcWs).noquote() << "player" << c->id << c->peer << "closed:" << reason;
    QPointer<QTcpSocket> socket(c->tcp);
    socket->disconnectFromHost(); // what is queued still goes out
    QTimer::singleShot(kAbortAfterCloseMs, this, [socket] {
        if (socket)
            socket->abort();
    });
}

void FanoutWorker::onPlayerDisconnected(Connection *c)
{
    if (!m_playerConns.remove(c->tcp))
        return;
    m_connectionCount.fetch_sub(1, std::memory_order_relaxed);
    m_hub->releaseConnection();
    m_hub->metrics()->connectionsClosed.fetch_add(1, std::memory_order_relaxed);
    stopFeeding(c);
    disconnect(c->tcp, nullptr, this, nullptr);
    if (m_context.players)
        m_context.players->release(c->player->output);
    c->player->output.reset();
    c->stream->playersPerWorker[size_t(m_index)].fetch_sub(1);
    c->stream->players.fetch_sub(1);
    m_hub->leaveListener(c->stream, m_index);
    qCInfo(lcWs).noquote() << "player" << c->id << c->peer << "left" << c->stream->id;
    c->tcp->deleteLater();
    delete c;
    maybeFinishShutdown();
}

void FanoutWorker::deliverPlayerChunk(StreamState *stream, PlayerFormat format, quint64 seq, const QByteArray &chunk,
                                      qint64 t0Ns)
{
    const auto it = m_playersByStream.constFind({stream, int(format)});
    if (it == m_playersByStream.cend())
        return;
    qint64 sent = 0, skipped = 0;
    QList<Connection *> tooSlow;
    for (Connection *c : *it) {
        if (seq <= c->player->seq)
            continue; // already in its intro
        c->player->seq = seq;
        switch (offer(c, chunk, true)) {
        case Offer::Sent: ++sent; break;
        case Offer::Skipped: ++skipped; ++c->drops; break;
        case Offer::TooSlow: tooSlow.append(c); break;
        }
    }
    Metrics *metrics = m_hub->metrics();
    stream->bytesOut.fetch_add(sent * chunk.size(), std::memory_order_relaxed);
    metrics->bytesOut.fetch_add(sent * chunk.size(), std::memory_order_relaxed);
    metrics->playerChunksOut.fetch_add(sent, std::memory_order_relaxed);
    if (sent)
        stream->fanout.observeNs(monotonicNs() - t0Ns);
    if (skipped) {
        stream->drops.fetch_add(skipped, std::memory_order_relaxed);
        metrics->drops.fetch_add(skipped, std::memory_order_relaxed);
    }
    for (Connection *c : std::as_const(tooSlow)) {
        metrics->refuse(Refusal::SlowConsumer);
        closePlayer(c, QStringLiteral("slow consumer, backlog %1 bytes").arg(backlogOf(c)));
    }
}

FanoutWorker::Offer FanoutWorker::offer(Connection *c, const QByteArray &bytes, bool droppable)
{
    const qint64 backlog = backlogOf(c);
    if (backlog == 0) {
        c->overSoftSinceMs = 0;
        writeFrame(c, bytes);
        return Offer::Sent;
    }
    if (backlog >= m_config.slowHardBytes)
        return Offer::TooSlow; // memory bound: no grace
    if (backlog >= m_config.slowSoftBytes) {
        const qint64 now = monotonicMs();
        if (c->overSoftSinceMs == 0)
            c->overSoftSinceMs = now;
        else if (now - c->overSoftSinceMs >= m_config.slowGraceMs)
            return Offer::TooSlow;
        if (droppable)
            return Offer::Skipped; // skip to live
    } else {
        c->overSoftSinceMs = 0;
    }
    c->tcp->write(bytes);
    return Offer::Sent;
}

void FanoutWorker::attach(QWebSocket *ws, QTcpSocket *tcp)
{
    Connection *c = newConnection(ws, tcp);
    const WsRoute route = parseWsRoute(ws->requestUrl().path(QUrl::FullyDecoded));
    const QUrlQuery query(ws->requestUrl());
    QString reason;
    Refusal why = authorize(c, route, query, &reason);
    if (why == Refusal::Count) {
        switch (route.kind) {
        case WsRoute::Listen:
            if (joinAsListener(c, route.streamId, query, &why))
                return;
            break;
        case WsRoute::Speak:
            if (joinAsSpeaker(c, route.streamId, &why))
                return;
            break;
        case WsRoute::Legacy:
            attachLegacy(c);
            return;
        case WsRoute::Events:
            attachEvents(c);
            return;
        case WsRoute::Invalid:
            why = Refusal::InvalidStreamId;
            reason = route.error;
            break;
        case WsRoute::Unknown:
            why = Refusal::UnknownPath;
            break;
        }
    }
    refuseAfterHandshake(c, route.streamId, why, reason);
}

Connection *FanoutWorker::newConnection(QWebSocket *ws, QTcpSocket *tcp)
{
    ws->setParent(this);
    auto *c = new Connection;
    c->id = m_hub->nextConnectionId();
    c->ws = ws;
    c->tcp = tcp;
    c->ssl = qobject_cast<QSslSocket *>(tcp);
    c->fd = c->ssl ? -1 : int(tcp->socketDescriptor()); // TLS: every byte goes through QSslSocket
    c->peer = peerOf(tcp);
    c->connectedAtMs = QDateTime::currentMSecsSinceEpoch();
    c->lastSeenMs = c->lastPingMs = monotonicMs();
    m_byWs.insert(ws, c);
    m_hub->metrics()->connectionsAccepted.fetch_add(1, std::memory_order_relaxed);

    const qint64 maxMessage = qMax(m_config.maxFrameBytes, m_config.maxJsonBytes);
    ws->setMaxAllowedIncomingFrameSize(quint64(maxMessage));
    ws->setMaxAllowedIncomingMessageSize(quint64(maxMessage));

    connect(ws, &QWebSocket::disconnected, this, [this, c] { onDisconnected(c); });
    connect(ws, &QWebSocket::textMessageReceived, this, [this, c](const QString &t) { onText(c, t); });
    connect(ws, &QWebSocket::binaryMessageReceived, this,
            [this, c](const QByteArray &b) { onBinary(c, b); });
    connect(ws, &QWebSocket::pong, this, [c](quint64, const QByteArray &) {
        c->awaitingPongSinceMs = 0;
        c->lastSeenMs = monotonicMs();
    });
    return c;
}

Refusal FanoutWorker::authorize(Connection *c, const WsRoute &route, const QUrlQuery &query, QString *reason)
{
    const QByteArray token = requestToken(query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded),
                                          c->ws->request().rawHeader("Authorization"));
    std::optional<TokenClaims> claims;
    if (!token.isEmpty()) {
        claims = verifyToken(token, m_context.secret, reason);
        if (!claims) {
            c->identity = QStringLiteral("connection:") + QString::number(c->id);
            return Refusal::Unauthorized;
        }
        c->identity = claims->sub;
        c->authenticated = true;
    } else {
        // A self-chosen id so acknowledgements survive reconnects: a convenience, not security.
        const QString clientId = query.queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded);
        c->identity = isValidStreamId(clientId) ? QStringLiteral("client:") + clientId
                                                : QStringLiteral("connection:") + QString::number(c->id);
    }
    const bool speaking = route.kind == WsRoute::Speak || route.kind == WsRoute::Legacy;
    const bool listening = route.kind == WsRoute::Listen || route.kind == WsRoute::Events;
    if (speaking && !m_config.openSpeakers) {
        if (!claims) {
            *reason = QStringLiteral("speaking needs a speaker token");
            return Refusal::Unauthorized;
        }
        if (route.kind == WsRoute::Speak ? !claims->maySpeakOn(route.streamId)
                                         : (claims->role != Role::Speaker && claims->role != Role::Admin)) {
            *reason = QStringLiteral("this token may not speak here");
            return Refusal::Forbidden;
        }
    } else if (listening && m_config.requireListenerToken && !claims) {
        *reason = QStringLiteral("this server requires a token to listen");
        return Refusal::Unauthorized;
    }
    return Refusal::Count; // admitted
}

bool FanoutWorker::joinAsListener(Connection *c, const QString &streamId, const QUrlQuery &query, Refusal *why)
{
    c->kind = ConnectionKind::Listener;
    c->stream = m_hub->joinListener(streamId, m_index, why);
    if (!c->stream)
        return false;
    c->device = deviceClassOf(QString::fromLatin1(c->ws->request().rawHeader("User-Agent").left(200)));
    m_listeners[c->stream.get()].append(c);
    if (query.queryItemValue(QStringLiteral("audio")) == QLatin1String("0")) {
        c->noAudio = true;
        c->stream->messageOnly.fetch_add(1);
    }
    qCInfo(lcWs).noquote() << "listener" << c->id << c->peer << "joined"
                           << (c->noAudio ? streamId + QStringLiteral(" (messages only)") : streamId);
    const QJsonObject fmt = m_hub->format(c->stream);
    sendJson(c, {{QStringLiteral("type"), QStringLiteral("connected")},
                 {QStringLiteral("role"), QStringLiteral("listener")},
                 {QStringLiteral("stream_id"), streamId},
                 {QStringLiteral("speaker_live"), m_hub->speakerLive(c->stream)},
                 {QStringLiteral("format"), fmt.isEmpty() ? QJsonValue() : QJsonValue(fmt)},
                 {QStringLiteral("listeners"), clusterAudience(*c->stream)},
                 {QStringLiteral("message"), QStringLiteral("Connected to stream %1").arg(streamId)}});
    sendActiveBanner(c); // right after connected (docs/protocol.md)
    if (isLanguageChannel(streamId)) {
        if (const QString source = m_hub->source(c->stream); !source.isEmpty()) // here or on another replica
            sendJson(c, SpeakerSession::channelSourceMessage(streamId, source));
    }
    return true;
}

int FanoutWorker::clusterAudience(const StreamState &s) const
{
    ClusterLink *cluster = m_hub->cluster();
    return s.audience() + (cluster ? cluster->remoteListeners(s.id) : 0);
}

bool FanoutWorker::joinAsSpeaker(Connection *c, const QString &streamId, Refusal *why)
{
    c->kind = ConnectionKind::Speaker;
    c->stream = m_hub->joinSpeaker(streamId, c->id, c->peer, why);
    if (!c->stream)
        return false;
    c->speaker = std::make_unique<Connection::Speaker>(std::make_unique<SpeakerSession>(m_hub, c->stream, c->id));
    ClusterLink *cluster = m_hub->cluster();
    if (!cluster) {
        goOnAir(c);
        return true;
    }
    // One speaker per stream in the whole cluster: claim the lease first; what the speaker
    // sends meanwhile waits (a Redis round trip, under a millisecond here).
    c->speaker->leasePending = true;
    QPointer<QWebSocket> guard(c->ws);
    const quint64 id = c->id;
    cluster->acquireLease(streamId, c->id, [this, guard, id](ClusterLink::Lease r, const QString &holder) {
        QMetaObject::invokeMethod(this, [this, guard, id, r, holder] {
            if (guard)
                leaseAnswered(guard, id, int(r), holder);
        });
    });
    return true;
}

void FanoutWorker::attachLegacy(Connection *c)
{
    c->kind = ConnectionKind::Legacy;
    std::unique_ptr<AudioProcessor> processor;
    if (m_context.processors)
        processor = m_context.processors(QString());
    c->pipeline = std::make_unique<Pipeline>(
        std::move(processor),
        PipelineOptions{m_config.pipelineTimeoutMs, m_config.pipelineRetries,
                        m_config.breakerThreshold, m_config.breakerCooldownMs},
        nullptr);
    QPointer<QWebSocket> guard(c->ws);
    connect(c->pipeline.get(), &Pipeline::output, this, [this, guard](const QByteArray &frame) {
        if (!guard)
            return;
        guard->sendBinaryMessage(frame);
        m_hub->metrics()->framesOut.fetch_add(1, std::memory_order_relaxed);
        m_hub->metrics()->bytesOut.fetch_add(frame.size(), std::memory_order_relaxed);
    });
    qCInfo(lcWs).noquote() << "legacy client" << c->id << c->peer << "connected";
}

void FanoutWorker::attachEvents(Connection *c)
{
    c->kind = ConnectionKind::Events;
    m_eventsClients->add(c);
    qCDebug(lcWs).noquote() << "events client" << c->id << c->peer << "connected";
    sendJson(c, {{QStringLiteral("type"), QStringLiteral("connected")},
                 {QStringLiteral("role"), QStringLiteral("events")},
                 {QStringLiteral("message"), QStringLiteral("Connected to broadcast live updates")}});
    sendActiveBanner(c);
}

void FanoutWorker::refuseAfterHandshake(Connection *c, const QString &streamId, Refusal why, const QString &detail)
{
    // Refused after the handshake: a credential, or a limit reached since the acceptor let it in.
    const Denied denied = [&]() -> Denied {
        switch (why) {
        case Refusal::StreamTaken: return {Denial::StreamTaken, streamId};
        case Refusal::MaxListeners: return {Denial::StreamFull, QString::number(m_config.maxListenersPerStream)};
        case Refusal::MaxStreams: return {Denial::TooManyStreams, QString::number(m_config.maxStreams)};
        case Refusal::InvalidStreamId: return {Denial::InvalidStreamId, detail};
        case Refusal::Unauthorized: return {Denial::Unauthorized, detail};
        case Refusal::Forbidden: return {Denial::Forbidden, detail};
        default: return {Denial::NotFound};
        }
    }();
    refuseConnection(c, refusalAnswer(Channel::Socket, denied));
}

void FanoutWorker::refuseConnection(Connection *c, const RefusalAnswer &answer)
{
    m_hub->metrics()->refuse(answer.counted);
    qCInfo(lcWs).noquote() << "refused" << c->peer << c->ws->requestUrl().path() << answer.closeCode << answer.message;
    closeConnection(c, answer.closeCode, answer.message);
}

void FanoutWorker::goOnAir(Connection *c)
{
    const std::shared_ptr<StreamState> s = c->stream;
    const QString streamId = s->id;
    std::unique_ptr<AudioProcessor> processor;
    if (m_context.processors)
        processor = m_context.processors(streamId);
    c->pipeline = std::make_unique<Pipeline>(
        std::move(processor),
        PipelineOptions{m_config.pipelineTimeoutMs, m_config.pipelineRetries,
                        m_config.breakerThreshold, m_config.breakerCooldownMs},
        s->pipeline);
    connect(c->pipeline.get(), &Pipeline::output, this,
            [hub = m_hub, s, session = c->speaker->session.get(), emitted = c->speaker->framesEmitted,
             marks = c->speaker->pendingMarks](const QByteArray &frame) {
                if (!session->holdsSlot())
                    return; // handed over: the next interpreter speaks now
                const quint64 index = (*emitted)++;
                while (!marks->isEmpty() && marks->head().first <= index)
                    hub->publishJson(s, marks->dequeue().second);
                hub->publishAudio(s, frame);
            });
    qCInfo(lcWs).noquote() << "speaker" << c->id << c->peer << "on air on" << streamId;
    QJsonObject connected{{QStringLiteral("type"), QStringLiteral("connected")},
                          {QStringLiteral("role"), QStringLiteral("speaker")},
                          {QStringLiteral("stream_id"), streamId},
                          {QStringLiteral("listeners"), clusterAudience(*s)}};
    QString floor, lang;
    if (parseTranslatedStreamId(streamId, &floor, &lang))
        connected.insert(QStringLiteral("channel"), QJsonObject{{QStringLiteral("floor"), floor}, {QStringLiteral("lang"), lang}});
    sendJson(c, connected);
    c->speaker->session->goOnAir();
    const QList<QPair<bool, QByteArray>> held = std::exchange(c->speaker->deferred, {});
    for (const auto &[binary, message] : held) {
        if (c->closing)
            break;
        if (binary)
            onBinary(c, message);
        else
            onText(c, QString::fromUtf8(message));
    }
}

void FanoutWorker::leaseAnswered(QWebSocket *ws, quint64 id, int result, const QString &holder)
{
    Connection *c = m_byWs.value(ws);
    if (!c || c->id != id || !c->speaker || !c->speaker->leasePending || c->closing)
        return;
    c->speaker->leasePending = false;
    switch (ClusterLink::Lease(result)) {
    case ClusterLink::Lease::Granted:
        goOnAir(c);
        break;
    case ClusterLink::Lease::Unavailable:
        qCWarning(lcWs).noquote() << "speaker" << c->id << "on" << c->stream->id
                                  << "on air without a cluster lease: Redis is unavailable (local listeners only until it is back)";
        goOnAir(c);
        break;
    case ClusterLink::Lease::Taken:
        refuseConnection(c, refusalAnswer(Channel::Socket, {Denial::TakenOnReplica, c->stream->id, holder.left(64)}));
        break;
    }
}

void FanoutWorker::onDisconnected(Connection *c)
{
    if (!m_byWs.remove(c->ws))
        return;
    if (m_context.banners)
        m_context.banners->noteGone(c->id);
    m_connectionCount.fetch_sub(1, std::memory_order_relaxed);
    m_hub->releaseConnection();
    m_hub->metrics()->connectionsClosed.fetch_add(1, std::memory_order_relaxed);
    if (c->kind == ConnectionKind::Listener && c->stream) {
        if (c->noAudio)
            c->stream->messageOnly.fetch_sub(1);
        auto it = m_listeners.find(c->stream.get());
        if (it != m_listeners.end() && it->removeOne(c)) {
            if (it->isEmpty())
                m_listeners.erase(it);
            m_hub->leaveListener(c->stream, m_index);
        } else if (c->closing) {
            m_hub->leaveListener(c->stream, m_index); // removed from fan-out when closing began
        }
        qCInfo(lcWs).noquote() << "listener" << c->id << c->peer << "left" << c->stream->id
                     << "code" << c->ws->closeCode();
    } else if (c->kind == ConnectionKind::Events) {
        m_eventsClients->remove(c);
    } else if (c->speaker) {
        // Refused by the cluster lease or gone before it came: leaves without a "speaker_left".
        const bool wasOnAir = c->speaker->session->onAir();
        c->pipeline.reset();
        c->speaker->session->end();
        if (wasOnAir)
            qCInfo(lcWs).noquote() << "speaker" << c->id << c->peer << "left" << c->stream->id;
    } else {
        qCDebug(lcWs).noquote() << "connection" << c->id << c->peer << "closed";
    }
    c->ws->deleteLater();
    delete c;
    maybeFinishShutdown();
}

void FanoutWorker::closeConnection(Connection *c, int code, const QString &reason)
{
    if (c->closing)
        return;
    c->closing = true;
    if (c->kind == ConnectionKind::Listener && c->stream) {
        // Stop fan-out to it at once; the hub count is released on disconnect.
        auto it = m_listeners.find(c->stream.get());
        if (it != m_listeners.end() && it->removeOne(c)) {
            if (it->isEmpty())
                m_listeners.erase(it);
        } else {
            c->stream.reset(); // never joined: nothing to release
        }
    }
    QPointer<QWebSocket> ws(c->ws);
    ws->close(QWebSocketProtocol::CloseCode(code), reason);
    QTimer::singleShot(kAbortAfterCloseMs, this, [ws] {
        if (ws)
            ws->abort();
    });
}

void FanoutWorker::sendJson(Connection *c, const QJsonObject &obj)
{
    writeFrame(c, buildServerFrame(WsOpcode::Text, QJsonDocument(obj).toJson(QJsonDocument::Compact)));
}

bool FanoutWorker::writeFrame(Connection *c, const QByteArray &frame)
{
    // Straight to the kernel while nothing is queued in Qt: no Qt write buffer (whose chunk
    // would stay allocated per socket) and no write-notifier round trip. Whatever the kernel
    // does not take goes to the Qt buffer, which keeps the order.
    if (c->fd >= 0 && backlogOf(c) == 0) {
        ssize_t n = ::send(c->fd, frame.constData(), size_t(frame.size()), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n == frame.size())
            return true;
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return false; // broken: Qt notices and disconnects it
            n = 0;
        }
        c->tcp->write(frame.constData() + n, frame.size() - n);
        return true;
    }
    c->tcp->write(frame);
    return true;
}

void FanoutWorker::sendError(Connection *c, const QString &code, const QString &message)
{
    sendJson(c, {{QStringLiteral("type"), QStringLiteral("error")},
                 {QStringLiteral("error"), code},
                 {QStringLiteral("message"), message}});
}

void FanoutWorker::onText(Connection *c, const QString &text)
{
    c->lastSeenMs = monotonicMs();
    c->awaitingPongSinceMs = 0;
    if (c->closing)
        return;
    const QByteArray utf8 = text.toUtf8();
    if (c->speaker && c->speaker->leasePending) {
        if (c->speaker->deferred.size() < kMaxDeferred && utf8.size() <= m_config.maxJsonBytes)
            c->speaker->deferred.append({false, utf8});
        return;
    }
    if (utf8.size() > m_config.maxJsonBytes) {
        m_hub->metrics()->refuse(Refusal::JsonTooLarge);
        closeConnection(c, QWebSocketProtocol::CloseCodeTooMuchData,
                        QStringLiteral("JSON message over %1 bytes").arg(m_config.maxJsonBytes));
        return;
    }
    const ParsedMessage m = parseClientMessage(utf8);
    if (!m.errorCode.isEmpty()) {
        sendError(c, m.errorCode, m.errorMessage);
        return;
    }
    if (m.object.isEmpty() && m.type == QLatin1String("ping")) {
        c->ws->sendTextMessage(QStringLiteral("pong"));
        return;
    }
    if (m.type == QLatin1String("ping")) {
        // server_time lets a page estimate its clock offset to the server (NTP-style), and so
        // its own delay from the speaker's marks; "t" is echoed for the round trip.
        QJsonObject pong{{QStringLiteral("type"), QStringLiteral("pong")},
                         {QStringLiteral("server_time"), QDateTime::currentMSecsSinceEpoch()}};
        const QJsonValue t = m.object.value(QLatin1String("t"));
        if (t.isDouble())
            pong.insert(QStringLiteral("t"), t);
        sendJson(c, pong);
        return;
    }
    if (m.type == QLatin1String("mark") && c->speaker) {
        handleMark(c, m.object);
        return;
    }
    if (m.type == QLatin1String("hello") && c->speaker) {
        handleHello(c, m.object);
        return;
    }
    if ((m.type == QLatin1String("hand_over") || m.type == QLatin1String("cancel_hand_over")) && c->speaker) {
        handleHandOver(c, m.type == QLatin1String("hand_over"));
        return;
    }
    if (m.type == QLatin1String("get_active_broadcast")) {
        sendActiveBanner(c);
        return;
    }
    if (m.type == QLatin1String("broadcast_seen")) {
        noteBannerSeen(c, m.object.value(QLatin1String("broadcast_id")).toString());
        return;
    }
    if (m.type == QLatin1String("acknowledge_broadcast")) {
        acknowledgeBanner(c, m.object.value(QLatin1String("broadcast_id")).toString());
        return;
    }
    if (m.type == QLatin1String("listener_report")) {
        handleListenerReport(c, m.object);
        return;
    }
    if (m.type == QLatin1String("subscribe") || m.type == QLatin1String("unsubscribe")) {
        if (c->kind == ConnectionKind::Events)
            m_eventsClients->handle(c, m.object, m.type == QLatin1String("subscribe"));
        else
            sendError(c, QStringLiteral("not_events_client"), QStringLiteral("subscriptions live on /ws/events"));
        return;
    }
    sendError(c, QStringLiteral("unknown_type"),
              QStringLiteral("unknown message type '%1'").arg(m.type.left(64)));
}

void FanoutWorker::sendActiveBanner(Connection *c)
{
    if (!m_context.banners)
        return;
    if (const std::optional<QJsonObject> message = m_context.banners->activeMessageFor(c->identity)) {
        sendJson(c, *message);
        m_context.banners->noteDelivered(message->value(QLatin1String("broadcast")).toObject().value(QLatin1String("id")).toString(),
                                         c->id, c->identity);
    }
}

void FanoutWorker::noteBannerSeen(Connection *c, const QString &id)
{
    // Receipts only: the page had the banner on screen. Nothing is answered.
    if (m_context.banners && !id.isEmpty())
        m_context.banners->noteSeen(id, c->identity);
}

void FanoutWorker::acknowledgeBanner(Connection *c, const QString &id)
{
    BannerDesk *banners = m_context.banners;
    if (!banners || id.isEmpty() || banners->activeId() != id) {
        sendError(c, QStringLiteral("unknown_broadcast"), QStringLiteral("no active broadcast with that id"));
        return;
    }
    // The reply waits for the store (engine thread): "broadcast_acknowledged" promises
    // the banner stays dismissed after a restart, so it must follow the commit.
    QPointer<FanoutWorker> self(this);
    QPointer<QWebSocket> guard(c->ws);
    const quint64 cid = c->id;
    banners->acknowledgeLater(id, c->identity, [self, guard, cid, id](BannerDesk::Ack r) {
        if (!self) // workers are deleted on the engine thread, where this runs
            return;
        QMetaObject::invokeMethod(self.data(), [self, guard, cid, id, r] {
            Connection *conn = guard ? self->m_byWs.value(guard.data()) : nullptr;
            if (!conn || conn->id != cid || conn->closing)
                return;
            switch (r) {
            case BannerDesk::Ack::Acknowledged:
                self->sendJson(conn, {{QStringLiteral("type"), QStringLiteral("broadcast_acknowledged")},
                                      {QStringLiteral("broadcast_id"), id}});
                break;
            case BannerDesk::Ack::NotFound:
                self->sendError(conn, QStringLiteral("unknown_broadcast"), QStringLiteral("no broadcast with that id"));
                break;
            case BannerDesk::Ack::Failed:
                self->sendError(conn, QStringLiteral("store_unavailable"),
                                QStringLiteral("the acknowledgement could not be stored; try again"));
                break;
            }
        });
    });
}

void FanoutWorker::handleHello(Connection *c, const QJsonObject &msg)
{
    QJsonObject format;
    const QString err = validateAudioFormat(msg.value(QLatin1String("format")), &format);
    if (!err.isEmpty()) {
        sendError(c, QStringLiteral("invalid_hello"), err);
        return;
    }
    sendJson(c, {{QStringLiteral("type"), QStringLiteral("format_accepted")},
                 {QStringLiteral("format"), format}});
    c->speaker->session->setFormat(format);
}

// `reason`: empty when the interpreter asked; "timeout" when --hand-over-timeout withdrew it.
void FanoutWorker::handleHandOver(Connection *c, bool handOver, const QString &reason)
{
    if (!isLanguageChannel(c->stream->id)) {
        sendError(c, QStringLiteral("not_a_channel"), QStringLiteral("hand-over is for interpreters on a language channel"));
        return;
    }
    if (!m_hub->setSpeakerYields(c->stream, c->id, handOver)) {
        sendError(c, QStringLiteral("not_on_air"), QStringLiteral("this interpreter is not on air"));
        return;
    }
    qCInfo(lcWs).noquote() << "interpreter" << c->id << c->peer << (handOver ? "hands over" : "keeps") << c->stream->id;
    if (!handOver && m_hub->cluster()) {
        // Taking the lease back: a person who joined elsewhere meanwhile has it (that replica's
        // presence makes this one yield).
        m_hub->cluster()->acquireLease(c->stream->id, c->id, [](ClusterLink::Lease, const QString &) {});
    }
    c->speaker->handOverSinceMs = handOver ? monotonicMs() : 0;
    QJsonObject reply{{QStringLiteral("type"), handOver ? QStringLiteral("hand_over_pending") : QStringLiteral("hand_over_cancelled")},
                      {QStringLiteral("stream_id"), c->stream->id}};
    if (handOver)
        reply.insert(QStringLiteral("expires_in"), m_config.handOverTimeoutS); // s; 0 = never
    else if (!reason.isEmpty())
        reply.insert(QStringLiteral("reason"), reason);
    sendJson(c, reply);
}

// A pending hand-over older than --hand-over-timeout (the heartbeat's pass over the connections asks).
bool FanoutWorker::handOverExpired(const Connection *c, qint64 nowMs) const
{
    return m_config.handOverTimeoutS > 0 && c->speaker && c->speaker->handOverSinceMs
        && nowMs - c->speaker->handOverSinceMs >= qint64(m_config.handOverTimeoutS) * 1000;
}

void FanoutWorker::withdrawHandOvers(const QList<Connection *> &expired)
{
    for (Connection *c : expired) {
        qCInfo(lcWs).noquote() << "interpreter" << c->id << c->peer << "hand-over withdrawn: nobody took it within"
                               << m_config.handOverTimeoutS << "s";
        c->speaker->handOverSinceMs = 0; // once, whatever the hub answers
        handleHandOver(c, false, QStringLiteral("timeout"));
    }
}

bool FanoutWorker::yieldSpeaker(quint64 connection)
{
    for (Connection *c : std::as_const(m_byWs)) {
        if (c->id != connection || !c->speaker || c->closing)
            continue;
        qCInfo(lcWs).noquote() << "interpreter" << c->id << c->peer << "handed over" << c->stream->id;
        sendJson(c, {{QStringLiteral("type"), QStringLiteral("handed_over")}, {QStringLiteral("stream_id"), c->stream->id}});
        closeConnection(c, QWebSocketProtocol::CloseCodeNormal, QStringLiteral("handed over"));
        return true;
    }
    return false;
}

void FanoutWorker::handleMark(Connection *c, const QJsonObject &msg)
{
    const QString err = validateMark(msg);
    if (!err.isEmpty()) {
        sendError(c, QStringLiteral("invalid_mark"), err);
        return;
    }
    const qint64 now = monotonicMs();
    Connection::Speaker *sp = c->speaker.get();
    if (now - sp->markWindowStartMs >= 1000) {
        sp->markWindowStartMs = now;
        sp->marksInWindow = 0;
    }
    if (++sp->marksInWindow > kMaxMarksPerSecond || sp->pendingMarks->size() >= kMaxMarksPerSecond) {
        sendError(c, QStringLiteral("rate_limited"),
                  QStringLiteral("at most %1 marks a second").arg(kMaxMarksPerSecond));
        return;
    }
    sp->pendingMarks->enqueue({sp->framesSubmitted, markMessage(c->stream->id, msg)});
}

void FanoutWorker::onBinary(Connection *c, const QByteArray &data)
{
    c->lastSeenMs = monotonicMs();
    c->awaitingPongSinceMs = 0;
    if (c->closing)
        return;
    if (data.size() > m_config.maxFrameBytes) {
        m_hub->metrics()->refuse(Refusal::FrameTooLarge);
        closeConnection(c, QWebSocketProtocol::CloseCodeTooMuchData,
                        QStringLiteral("frame over %1 bytes").arg(m_config.maxFrameBytes));
        return;
    }
    Metrics *metrics = m_hub->metrics();
    if (c->speaker && c->speaker->leasePending) {
        if (c->speaker->deferred.size() < kMaxDeferred)
            c->speaker->deferred.append({true, data});
        return;
    }
    switch (c->kind) {
    case ConnectionKind::Speaker:
        c->speaker->session->countIn(data.size());
        ++c->speaker->framesSubmitted;
        c->pipeline->submit(data);
        break;
    case ConnectionKind::Legacy:
        metrics->framesIn.fetch_add(1, std::memory_order_relaxed);
        metrics->bytesIn.fetch_add(data.size(), std::memory_order_relaxed);
        c->pipeline->submit(data);
        break;
    default:
        sendError(c, QStringLiteral("unexpected_binary"), QStringLiteral("listeners do not send audio"));
        break;
    }
}

void FanoutWorker::post(const std::shared_ptr<StreamState> &stream, bool audio, const QByteArray &payload,
                        bool droppable, qint64 t0Ns)
{
    // Framed once per worker, on the publishing thread; the worker's listeners share the buffer.
    enqueue({stream, buildServerFrame(audio ? WsOpcode::Binary : WsOpcode::Text, payload), droppable, t0Ns, QString()});
}

void FanoutWorker::postAll(const QByteArray &json)
{
    Posted p{nullptr, buildServerFrame(WsOpcode::Text, json), false, 0, QString()};
    // Banners are the only all-client messages: a new_broadcast is tracked (receipts), a
    // repeat goes to the clients that still have it only.
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    if (o.value(QLatin1String("type")).toString() == QLatin1String("new_broadcast")) {
        p.banner = o.value(QLatin1String("broadcast")).toObject().value(QLatin1String("id")).toString();
        p.repeat = o.value(QLatin1String("repeat")).toBool();
    }
    enqueue(std::move(p));
}

void FanoutWorker::postTopic(const QString &topic, qint64 offset, const QByteArray &json)
{
    Posted p{nullptr, buildServerFrame(WsOpcode::Text, json), false, 0, topic};
    p.offset = offset;
    enqueue(std::move(p));
}

void FanoutWorker::enqueue(Posted p)
{
    if (m_posted.post(std::move(p)))
        QMetaObject::invokeMethod(this, &FanoutWorker::drain, Qt::QueuedConnection);
}

void FanoutWorker::drain()
{
    const QList<Posted> batch = m_posted.take();
    // Group by stream, keeping each stream's order; a run of droppable (audio) frames is sent
    // as one buffer, control messages on their own.
    std::vector<bool> done(size_t(batch.size()), false);
    std::vector<qint64> t0s;
    for (qsizetype i = 0; i < batch.size(); ++i) {
        if (done[size_t(i)])
            continue;
        const Posted &first = batch[i];
        done[size_t(i)] = true;
        if (first.player >= 0) {
            deliverPlayerChunk(first.stream.get(), PlayerFormat(first.player), first.seq, first.frame, first.t0Ns);
            continue;
        }
        if (!first.stream) {
            if (first.topic.isEmpty())
                deliverAll(first.frame, first.banner, first.repeat);
            else
                m_eventsClients->deliver(first.topic, first.offset, first.frame);
            continue;
        }
        if (!first.droppable) {
            deliver(first.stream.get(), first.frame, 1, false, &first.t0Ns);
            continue;
        }
        QByteArray bytes = first.frame;
        t0s.assign(1, first.t0Ns);
        for (qsizetype j = i + 1; j < batch.size(); ++j) {
            const Posted &p = batch[j];
            if (p.stream != first.stream || p.player >= 0)
                continue;
            if (!p.droppable)
                break; // keep audio and control messages of a stream in their order
            bytes.append(p.frame);
            t0s.push_back(p.t0Ns);
            done[size_t(j)] = true;
        }
        deliver(first.stream.get(), bytes, int(t0s.size()), true, t0s.data());
    }
}

void FanoutWorker::deliverAll(const QByteArray &frame, const QString &banner, bool repeat)
{
    BannerDesk *desk = banner.isEmpty() ? nullptr : m_context.banners;
    for (Connection *c : std::as_const(m_byWs)) {
        if ((c->kind == ConnectionKind::Listener || c->kind == ConnectionKind::Events) && !c->closing
            && backlogOf(c) < m_config.slowHardBytes) {
            if (repeat && (!desk || !desk->wantsRepeat(banner, c->id)))
                continue;
            writeFrame(c, frame);
            if (desk && !repeat)
                desk->noteDelivered(banner, c->id, c->identity);
        }
    }
}

void FanoutWorker::deliver(StreamState *stream, const QByteArray &frame, int frames, bool droppable,
                           const qint64 *t0s)
{
    auto it = m_listeners.find(stream);
    if (it == m_listeners.end())
        return;
    const qint64 size = frame.size();
    qint64 sent = 0, dropped = 0;
    QList<Connection *> tooSlow;
    for (Connection *c : std::as_const(*it)) {
        if (c->sink) {
            c->sink(frame); // in-process listener (the health probe); not counted as traffic
            continue;
        }
        if (droppable && c->noAudio)
            continue; // messages only: it plays the players' stream
        switch (offer(c, frame, droppable)) {
        case Offer::Sent:
            ++sent;
            break;
        case Offer::Skipped:
            ++dropped;
            c->drops += frames;
            break;
        case Offer::TooSlow:
            tooSlow.append(c);
            break;
        }
    }
    Metrics *metrics = m_hub->metrics();
    if (droppable) { // frame counters count audio; control messages are not traffic
        stream->framesOut.fetch_add(sent * frames, std::memory_order_relaxed);
        stream->bytesOut.fetch_add(sent * size, std::memory_order_relaxed);
        metrics->framesOut.fetch_add(sent * frames, std::memory_order_relaxed);
        metrics->bytesOut.fetch_add(sent * size, std::memory_order_relaxed);
        const qint64 now = monotonicNs();
        for (int i = 0; i < frames; ++i)
        {
            metrics->observeFanoutNs(now - t0s[i]);
            stream->fanout.observeNs(now - t0s[i]);
        }
    }
    if (dropped) {
        stream->drops.fetch_add(dropped * frames, std::memory_order_relaxed);
        metrics->drops.fetch_add(dropped * frames, std::memory_order_relaxed);
    }
    for (Connection *c : std::as_const(tooSlow)) {
        metrics->refuse(Refusal::SlowConsumer);
        qCInfo(lcWs).noquote() << "listener" << c->id << c->peer << "closed: slow consumer, backlog"
                     << backlogOf(c);
        closeConnection(c, QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("slow consumer"));
    }
}

void FanoutWorker::heartbeat()
{
    const qint64 now = monotonicMs();
    QList<Connection *> dead, slow, handOvers;
    for (Connection *c : std::as_const(m_byWs)) {
        if (c->closing)
            continue;
        if (handOverExpired(c, now))
            handOvers.append(c);
        if (c->awaitingPongSinceMs && now - c->awaitingPongSinceMs > m_config.pingTimeoutMs) {
            dead.append(c);
            continue;
        }
        if (c->overSoftSinceMs && now - c->overSoftSinceMs >= m_config.slowGraceMs
            && backlogOf(c) >= m_config.slowSoftBytes) {
            slow.append(c);
            continue;
        }
        if (now - c->lastPingMs >= m_config.pingIntervalMs) {
            c->lastPingMs = now;
            if (!c->awaitingPongSinceMs)
                c->awaitingPongSinceMs = now;
            c->ws->ping();
        }
    }
    withdrawHandOvers(handOvers);
    QList<Connection *> slowPlayers;
    for (Connection *c : std::as_const(m_playerConns)) {
        if (!c->closing && c->overSoftSinceMs && now - c->overSoftSinceMs >= m_config.slowGraceMs
            && backlogOf(c) >= m_config.slowSoftBytes)
            slowPlayers.append(c);
    }
    for (Connection *c : std::as_const(slowPlayers)) {
        m_hub->metrics()->refuse(Refusal::SlowConsumer);
        closePlayer(c, QStringLiteral("slow consumer"));
    }
    for (Connection *c : std::as_const(slow)) {
        m_hub->metrics()->refuse(Refusal::SlowConsumer);
        qCInfo(lcWs).noquote() << "connection" << c->id << c->peer << "closed: slow consumer";
        closeConnection(c, QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("slow consumer"));
    }
    for (Connection *c : std::as_const(dead)) {
        m_hub->metrics()->refuse(Refusal::HeartbeatTimeout);
        qCInfo(lcWs).noquote() << "connection" << c->id << c->peer << "removed: no pong within"
                     << m_config.pingTimeoutMs << "ms";
        QPointer<QWebSocket> ws(c->ws);
        closeConnection(c, QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("ping timeout"));
        if (ws) // close() may already have disconnected it (and deleted c)
            ws->abort();
    }
}

void FanoutWorker::shutdown(std::function<void()> done)
{
    QMetaObject::invokeMethod(this, [this, done = std::move(done)] {
        m_shuttingDown = true;
        m_shutdownDone = done;
        if (m_heartbeat)
            m_heartbeat->stop();
        for (QTcpSocket *s : std::as_const(m_handshaking))
            s->abort();
        const auto conns = m_byWs.values();
        for (Connection *c : conns)
            closeConnection(c, QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server shutting down"));
        const auto players = m_playerConns.values();
        for (Connection *c : players)
            closePlayer(c, QStringLiteral("server shutting down"));
        maybeFinishShutdown();
    });
}

void FanoutWorker::maybeFinishShutdown()
{
    if (m_shuttingDown && m_byWs.isEmpty() && m_playerConns.isEmpty() && m_shutdownDone) {
        auto done = std::move(m_shutdownDone);
        m_shutdownDone = nullptr;
        done();
    }
}

void FanoutWorker::startProbe(std::function<void(const QByteArray &frame)> received)
{
    // Blocking: when the engine's start returns, every shard holds its probe listener, so a
    // /health/full right after start probes all of them (it used to race and answer 503).
    Q_ASSERT(thread() != QThread::currentThread());
    QMetaObject::invokeMethod(this, [this, received = std::move(received)] {
        if (m_probe)
            return;
        Refusal why{};
        auto s = m_hub->joinListener(Hub::kProbeStream, m_index, &why);
        if (!s)
            return;
        m_probe = new Connection;
        m_probe->kind = ConnectionKind::Probe;
        m_probe->stream = s;
        m_probe->sink = received;
        m_listeners[s.get()].append(m_probe);
    }, Qt::BlockingQueuedConnection);
}

bool FanoutWorker::kick(quint64 connectionId, const QString &reason, int code)
{
    bool found = false;
    auto doKick = [&] {
        for (Connection *c : std::as_const(m_byWs)) {
            if (c->id == connectionId && !c->closing) {
                qCInfo(lcWs).noquote() << "kicked" << c->id << c->peer << reason;
                closeConnection(c, code, reason);
                found = true;
                return;
            }
        }
        for (Connection *c : std::as_const(m_playerConns)) {
            if (c->id == connectionId && !c->closing) {
                qCInfo(lcWs).noquote() << "kicked" << c->id << c->peer << reason;
                closePlayer(c, reason);
                found = true;
                return;
            }
        }
    };
    if (QThread::currentThread() == thread())
        doKick();
    else
        QMetaObject::invokeMethod(this, doKick, Qt::BlockingQueuedConnection);
    return found;
}

QList<ListenerInfo> FanoutWorker::listeners(const QString &stream)
{
    QList<ListenerInfo> out;
    auto collect = [&] {
        const qint64 now = monotonicMs();
        auto describe = [&](const Connection *c, const QString &transport, const QString &userAgent) {
            ListenerInfo info;
            info.id = c->id;
            info.stream = stream;
            info.peer = c->peer;
            info.connectedAtMs = c->connectedAtMs;
            info.backlog = backlogOf(c);
            info.drops = c->drops;
            info.identity = c->identity;
            info.transport = transport;
            info.userAgent = userAgent;
            describeHearing(c, now, &info);
            return info;
        };
        for (Connection *c : std::as_const(m_byWs)) {
            if (c->kind != ConnectionKind::Listener || !c->stream || c->stream->id != stream || c->closing || c->noAudio)
                continue; // a messages-only socket: its HTTP player is the listener
            out.append(describe(c, QStringLiteral("websocket"), QString()));
        }
        for (Connection *c : std::as_const(m_playerConns)) {
            if (c->stream->id != stream || c->closing)
                continue;
            out.append(describe(c, QStringLiteral("http-") + QLatin1String(playerFormatName(c->player->format)), c->player->userAgent));
        }
    };
    if (QThread::currentThread() == thread())
        collect();
    else
        QMetaObject::invokeMethod(this, collect, Qt::BlockingQueuedConnection);
    return out;
}

} // namespace onair

namespace onair {

void FanoutWorker::handleListenerReport(Connection *c, const QJsonObject &msg)
{
    if (c->kind != ConnectionKind::Listener || !c->stream) {
        sendError(c, QStringLiteral("not_listener"), QStringLiteral("listener_report is for /ws/listen/{stream_id} clients"));
        return;
    }
    ListenerReport r;
    QString error;
    const QString code = parseListenerReport(msg, &r, &error);
    if (!code.isEmpty()) {
        sendError(c, code, error);
        return;
    }
    const qint64 now = monotonicMs();
    if (!c->report)
        c->report = std::make_unique<Connection::Report>();
    else if (now - c->report->atMs < m_config.listenerReportMinIntervalMs) {
        // Too often: ignored (the last one stands); said once per connection.
        if (!c->report->warnedRate) {
            c->report->warnedRate = true;
            sendError(c, QStringLiteral("rate_limited"),
                      QStringLiteral("listener_report at most once every %1 ms; extra reports are ignored")
                          .arg(m_config.listenerReportMinIntervalMs));
        }
        return;
    }
    c->report->last = r;
    c->report->atMs = now;
}

HearingState FanoutWorker::hearingOf(const Connection *c, qint64 nowMs) const
{
    if (c->report && nowMs - c->report->atMs <= m_config.listenerReportStaleMs)
        return c->report->last.state;
    if (c->player) // reading: its socket drains; else it stalls (buffering, as far as we can tell)
        return c->overSoftSinceMs == 0 ? HearingState::Playing : HearingState::Buffering;
    return HearingState::Unknown;
}

void FanoutWorker::describeHearing(const Connection *c, qint64 nowMs, ListenerInfo *info) const
{
    const HearingState state = hearingOf(c, nowMs);
    info->state = QLatin1String(hearingStateName(state));
    info->device = QLatin1String(deviceClassName(c->device));
    if (c->report && state != HearingState::Unknown && !c->player) {
        info->delayMs = c->report->last.delayMs;
        info->underruns = c->report->last.underruns;
        info->decoder = c->report->last.decoder;
        info->hidden = c->report->last.hidden;
    }
}

HearingPart FanoutWorker::hearing()
{
    HearingPart part;
    auto collect = [&] {
        const qint64 now = monotonicMs();
        for (Connection *c : std::as_const(m_byWs)) {
            if (c->kind != ConnectionKind::Listener || !c->stream || c->closing || c->stream->id == Hub::kProbeStream)
                continue;
            const HearingState state = hearingOf(c, now);
            const bool fresh = state != HearingState::Unknown;
            const int delay = fresh ? c->report->last.delayMs : -1;
            const bool hidden = fresh && c->report->last.hidden;
            if (c->noAudio) { // its HTTP player is the listener: matched by identity when merged
                if (fresh)
                    part.keyed.append({c->stream->id, c->identity, state, delay, hidden, true});
                continue;
            }
            part.counts[c->stream->id].add(state, delay, hidden);
        }
        for (Connection *c : std::as_const(m_playerConns)) {
            if (!c->closing)
                part.keyed.append({c->stream->id, c->identity, hearingOf(c, now), -1, false, false});
        }
    };
    if (QThread::currentThread() == thread())
        collect();
    else
        QMetaObject::invokeMethod(this, collect, Qt::BlockingQueuedConnection);
    return part;
}

} // namespace onair
