#include "net/acceptor.h"

#include "net/byterange.h"
#include "net/fileroutes.h"
#include "net/filesender.h"

#include "protocol/streamid.h"

#include "core/clock.h"
#include "fanout/fanoutworker.h"
#include "fanout/hub.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "auth/auth.h"
#include "streaming/playerhttp.h"
#include "streaming/playerroute.h"
#include "protocol/jsonerror.h"
#include "protocol/refusals.h"
#include "protocol/wsroute.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QSslSocket>
#include <QUrlQuery>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace onair {

namespace {
constexpr int kLingerMs = 2000;   // a refused client gets this long to read the answer
QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

// Plain HTTP on a server with TLS: listening only. Reading (GET, HEAD) is fine; a WebSocket
// only to listen or follow events; speaking and every change need https:// (their tokens
// must not cross the network in clear).
HeadVerdict listeningVerdict(const HeadVerdict &v)
{
    QByteArray path = v.target;
    if (const qsizetype q = path.indexOf('?'); q >= 0)
        path.truncate(q);
    const bool reading = v.method == "GET" || v.method == "HEAD";
    const bool listenSocket = path.startsWith("/ws/listen/") || path == "/ws/events";
    if ((v.upgrade && !listenSocket) || !reading)
        return refusedHead(403, "https_required",
                           QStringLiteral("plain http is for listening; speaking and changes need https:// on this port"));
    return v;
}

} // namespace

Acceptor::Acceptor(Hub *hub, QByteArray secret, std::optional<QSslConfiguration> tls, QObject *parent)
    : QTcpServer(parent),
      m_hub(hub),
      m_secret(std::move(secret)),
      m_tls(std::move(tls)),
      m_connectLimiter(hub->config().connectRate, hub->config().connectBurst, hub->config().rateLimitExempt)
{
    m_sweep.setInterval(250);
    connect(&m_sweep, &QTimer::timeout, this, &Acceptor::sweep);
    // QHttpServer drains pending connections at once; this only bounds a burst.
    setMaxPendingConnections(1 << 20);
    // The kernel's queue of connections not yet accepted (Qt's default is 50): a replica taking
    // over the clients of one that died gets hundreds within a second; a full queue drops SYNs,
    // which cost a client a whole second before it tries again.
    setListenBacklogSize(1024);
}

Acceptor::~Acceptor()
{
    for (auto it = m_undecided.cbegin(); it != m_undecided.cend(); ++it)
        ::close(int(it.key()->socket()));
}

void Acceptor::incomingConnection(qintptr fd)
{
    if (m_tls && m_hub->config().plainHttp)
        sniffTls(fd);
    else
        startConnection(fd, m_tls.has_value());
}

void Acceptor::sniffTls(qintptr fd)
{
    // A TLS connection starts with a handshake record (0x16); an HTTP request with a method
    // name. Peek at the first byte before any Qt socket reads it.
    auto *n = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    m_undecided.insert(n, monotonicMs());
    if (!m_sweep.isActive())
        m_sweep.start();
    connect(n, &QSocketNotifier::activated, this, [this, n, fd] {
        unsigned char first = 0;
        const ssize_t r = ::recv(int(fd), &first, 1, MSG_PEEK | MSG_DONTWAIT);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        n->setEnabled(false);
        m_undecided.remove(n);
        n->deleteLater();
        if (r <= 0) {
            ::close(int(fd));
            return;
        }
        startConnection(fd, first == 0x16);
    });
}

bool Acceptor::listeningOnly(const QTcpSocket *socket) const
{
    return m_tls && !qobject_cast<const QSslSocket *>(socket);
}

void Acceptor::startConnection(qintptr fd, bool tls)
{
    QTcpSocket *socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(fd)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const qint64 now = monotonicMs();
    const int retryAfter = m_connectLimiter.take(socket->peerAddress(), now);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { classify(socket); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        forget(socket);
        socket->deleteLater();
    });
    // One sweep timer for all sockets whose request head is still missing, rather than a
    // timer object per connection.
    m_sniffing.insert(socket, {now, retryAfter});
    if (!m_sweep.isActive())
        m_sweep.start();
    if (auto *ssl = qobject_cast<QSslSocket *>(socket); ssl && tls) {
        ssl->setSslConfiguration(*m_tls);
        connect(ssl, &QSslSocket::errorOccurred, this, [this, ssl](QAbstractSocket::SocketError e) {
            if (ssl->isEncrypted() || !m_sniffing.contains(ssl))
                return;
            if (e != QAbstractSocket::RemoteHostClosedError) {
                m_hub->metrics()->refuse(Refusal::TlsHandshake);
                qCInfo(lcHttp).noquote() << "TLS handshake with" << ssl->peerAddress().toString()
                                         << "failed:" << ssl->errorString();
            }
            m_sniffing.remove(ssl);
            ssl->abort();
        });
        ssl->startServerEncryption();
    }
}

void Acceptor::forget(QTcpSocket *socket)
{
    m_sniffing.remove(socket);
    m_http.remove(socket);
}

void Acceptor::refuse(QTcpSocket *socket, int status, const QByteArray &code, const QString &message, int retryAfter,
                      Refusal counted)
{
    forget(socket);
    m_hub->metrics()->refuse(counted == Refusal::Count ? headRefusal(status, code) : counted);
    qCInfo(lcHttp).noquote() << "refused" << socket->peerAddress().toString() << status << code;
    QJsonObject extra;
    if (retryAfter > 0)
        extra.insert(QStringLiteral("retry_after"), retryAfter);
    const QJsonObject body = jsonError(QString::fromLatin1(code), message, extra);
    const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: "
        + QByteArray::number(json.size()) + "\r\n";
    if (retryAfter > 0)
        response += "Retry-After: " + QByteArray::number(retryAfter) + "\r\n";
    if (status == 405)
        response += "Allow: GET, HEAD\r\n";
    response += "\r\n" + json;
    finish(socket, response);
}

void Acceptor::refuse(QTcpSocket *socket, const RefusalAnswer &answer)
{
    refuse(socket, answer.status, answer.code, answer.message, answer.retryAfter, answer.counted);
}

void Acceptor::handOver(QTcpSocket *socket)
{
    forget(socket);
    // What the client still sends is read and dropped, so closing does not reset the
    // connection under the answer.
    disconnect(socket, nullptr, this, nullptr);
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    socket->readAll();
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater, Qt::UniqueConnection);
}

void Acceptor::finish(QTcpSocket *socket, const QByteArray &response)
{
    handOver(socket);
    socket->write(response);
    if (auto *ssl = qobject_cast<QSslSocket *>(socket); ssl && ssl->isEncrypted()) {
        ssl->disconnectFromHost();
    } else {
        auto halfClose = [socket] {
            if (socket->bytesToWrite() == 0 && socket->socketDescriptor() >= 0)
                ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
        };
        connect(socket, &QTcpSocket::bytesWritten, socket, halfClose);
        socket->flush();
        halfClose();
    }
    QTimer::singleShot(kLingerMs, socket, [socket] { socket->abort(); });
}

void Acceptor::sweep()
{
    const EngineConfig &cfg = m_hub->config();
    const qint64 now = monotonicMs();
    QList<QPair<QTcpSocket *, QString>> late;
    for (auto it = m_sniffing.cbegin(); it != m_sniffing.cend(); ++it) {
        if (now - it->sinceMs > cfg.handshakeTimeoutMs)
            late.append({it.key(), QStringLiteral("the request head did not arrive within %1 ms").arg(cfg.handshakeTimeoutMs)});
    }
    QList<QTcpSocket *> idle;
    for (auto it = m_http.cbegin(); it != m_http.cend(); ++it) {
        const HttpGuard &g = *it;
        if (g.requestStartMs > 0 && g.bodyLeft == 0 && now - g.requestStartMs > cfg.handshakeTimeoutMs)
            late.append({it.key(), QStringLiteral("the request head did not arrive within %1 ms").arg(cfg.handshakeTimeoutMs)});
        else if (g.requestStartMs > 0 && g.bodyLeft > 0 && now - g.requestStartMs > cfg.requestTimeoutMs)
            late.append({it.key(), QStringLiteral("the request body did not arrive within %1 ms").arg(cfg.requestTimeoutMs)});
        else if (g.requestStartMs == 0 && now - g.lastActivityMs > cfg.httpIdleTimeoutMs && it.key()->bytesToWrite() == 0)
            idle.append(it.key());
    }
    QList<QSocketNotifier *> silent;
    for (auto it = m_undecided.cbegin(); it != m_undecided.cend(); ++it) {
        if (now - it.value() > cfg.handshakeTimeoutMs)
            silent.append(it.key());
    }
    for (QSocketNotifier *n : std::as_const(silent)) {
        m_hub->metrics()->refuse(Refusal::RequestTimeout);
        m_undecided.remove(n);
        n->setEnabled(false);
        ::close(int(n->socket()));
        n->deleteLater();
    }
    for (const auto &[socket, why] : std::as_const(late)) {
        auto *ssl = qobject_cast<QSslSocket *>(socket);
        if (ssl && !ssl->isEncrypted()) {
            qCInfo(lcHttp).noquote() << "closing" << socket->peerAddress().toString() << ": no TLS handshake in time";
            m_hub->metrics()->refuse(Refusal::RequestTimeout);
            forget(socket);
            socket->abort();
            continue;
        }
        refuse(socket, 408, "request_timeout", why);
    }
    for (QTcpSocket *socket : std::as_const(idle)) {
        m_http.remove(socket);
        socket->disconnectFromHost();
    }
    if (m_sniffing.isEmpty() && m_http.isEmpty() && m_undecided.isEmpty())
        m_sweep.stop();
}

void Acceptor::classify(QTcpSocket *socket)
{
    const auto sniff = m_sniffing.constFind(socket);
    if (sniff == m_sniffing.cend())
        return;
    const EngineConfig &cfg = m_hub->config();
    const QByteArray head = socket->peek(cfg.maxHeaderBytes + 4);
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (!headArrived(socket, head, end, sniff->retryAfter))
        return;
    HeadVerdict verdict = checkRequestHead(head.left(end + 4), cfg.maxBodyBytes);
    if (!verdict.status && listeningOnly(socket))
        verdict = listeningVerdict(verdict);
    if (verdict.status) {
        refuse(socket, verdict.status, verdict.code, verdict.message);
        return;
    }
    if (!verdict.upgrade && verdict.target.startsWith("/stream/")) {
        answerPlayer(socket, verdict);
        return;
    }
    if (!verdict.upgrade && m_files && isStreamedFileTarget(verdict.target)
        && (verdict.method == "GET" || verdict.method == "HEAD")) {
        answerFile(socket, verdict);
        return;
    }
    if (!verdict.upgrade || !head.startsWith("GET ")) {
        toHttp(socket);
        return;
    }
    if (!verdict.origin.isEmpty() && !originAllowed(verdict.origin, verdict.host, cfg.allowedOrigins)) {
        refuse(socket, 403, "origin_not_allowed",
               QStringLiteral("pages from %1 may not open WebSockets here (see --allowed-origins)")
                   .arg(QString::fromLatin1(verdict.origin.left(200))));
        return;
    }
    admitUpgrade(socket, head);
}

bool Acceptor::headArrived(QTcpSocket *socket, const QByteArray &head, qsizetype end, int retryAfter)
{
    const qint64 maxHeader = m_hub->config().maxHeaderBytes;
    if (!looksLikeRequestStart(head)) {
        const bool tlsHello = !head.isEmpty() && head.at(0) == 0x16 && !m_tls;
        refuse(socket, 400, "bad_request",
               tlsHello ? QStringLiteral("this port speaks plain HTTP (use http:// and ws://)")
                        : QStringLiteral("this is not an HTTP request"));
        return false;
    }
    if (end < 0 ? head.size() > maxHeader : end + 4 > maxHeader) {
        refuse(socket, 431, "headers_too_large", QStringLiteral("the request head is over %1 bytes").arg(maxHeader));
        return false;
    }
    if (end < 0)
        return false; // wait for the rest (the sweep enforces --handshake-timeout)
    if (retryAfter > 0) {
        refuse(socket, 429, "rate_limited",
               QStringLiteral("too many connections from this address; retry in %1 s").arg(retryAfter), retryAfter);
        return false;
    }
    return true;
}

void Acceptor::admitUpgrade(QTcpSocket *socket, const QByteArray &head)
{
    QByteArray target = head.left(head.indexOf("\r\n")).split(' ').value(1);
    const qsizetype q = target.indexOf('?');
    if (q >= 0)
        target.truncate(q);
    const WsRoute route = parseWsRoute(QUrl::fromPercentEncoding(target));
    Admission a;
    a.kind = route.kind;
    a.streamId = route.streamId;
    // A taken stream is refused after the upgrade, with close code 4409 and a reason: a
    // browser cannot read the status of a failed handshake, but it can read a close reason.
    // Legacy and events clients join no stream, so no stream limit applies.
    if (route.kind == WsRoute::Speak || route.kind == WsRoute::Listen)
        a.atStreamLimit = m_hub->atStreamLimitFor(route.streamId);
    if (route.kind == WsRoute::Listen)
        a.streamFull = m_hub->listenersOf(route.streamId) >= m_hub->config().maxListenersPerStream;
    if (admit(a) || !m_hub->reserveConnection()) {
        toHttp(socket); // the matching route answers with the reason and status
        return;
    }
    // Not from inside this readyRead emission: QAbstractSocket still touches the socket
    // after its handlers return, and the worker may own (or delete) it by then.
    disconnect(socket, nullptr, this, nullptr);
    m_sniffing.remove(socket);
    QPointer<QTcpSocket> guard(socket);
    QMetaObject::invokeMethod(this, [this, guard, route] {
        if (guard && guard->state() == QAbstractSocket::ConnectedState)
            toWorker(guard, route.kind == WsRoute::Listen || route.kind == WsRoute::Events);
        else
            m_hub->releaseConnection();
    }, Qt::QueuedConnection);
}

void Acceptor::toHttp(QTcpSocket *socket)
{
    m_sniffing.remove(socket);
    disconnect(socket, nullptr, this, nullptr);
    m_http.insert(socket, HttpGuard{{}, 0, 0, monotonicMs(), 0});
    // Connected before QHttpServer's own readyRead handler, so every byte is vetted first.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { guard(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        const auto it = m_http.find(socket);
        if (it == m_http.end())
            return;
        it->lastActivityMs = monotonicMs();
        // QHttpServer 6.4 keeps the connection open after answering "Connection: close".
        if (it->closeAfterAnswer && it->requestStartMs == 0 && socket->bytesToWrite() == 0) {
            m_http.erase(it);
            socket->disconnectFromHost();
        }
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { m_http.remove(socket); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    if (!m_sweep.isActive())
        m_sweep.start();
    m_hub->metrics()->httpRequests.fetch_add(1, std::memory_order_relaxed);
    addPendingConnection(socket);
    Q_EMIT newConnection();
    // QHttpServer reacts to readyRead only; the head we peeked is already buffered.
    if (socket->bytesAvailable() > 0)
        Q_EMIT socket->readyRead();
}

void Acceptor::guard(QTcpSocket *socket)
{
    const auto it = m_http.find(socket);
    if (it == m_http.end())
        return;
    HttpGuard &g = *it;
    const EngineConfig &cfg = m_hub->config();
    const qint64 now = monotonicMs();
    g.lastActivityMs = now;
    // QHttpServer reads everything available after this handler, so these are the new bytes.
    const QByteArray data = socket->peek(socket->bytesAvailable());
    qsizetype pos = 0;
    while (pos < data.size()) {
        if (g.bodyLeft > 0) {
            const qsizetype n = qsizetype(qMin<qint64>(g.bodyLeft, data.size() - pos));
            g.bodyLeft -= n;
            pos += n;
            if (g.bodyLeft == 0)
                g.requestStartMs = 0;
            continue;
        }
        if (g.head.isEmpty())
            g.requestStartMs = now;
        const qsizetype before = g.head.size();
        const qsizetype take = qMin<qsizetype>(data.size() - pos, cfg.maxHeaderBytes + 4 - before);
        g.head.append(data.constData() + pos, take);
        const qsizetype end = g.head.indexOf("\r\n\r\n", qMax<qsizetype>(0, before - 3));
        if (end < 0) {
            if (!looksLikeRequestStart(g.head)) {
                refuse(socket, 400, "bad_request", QStringLiteral("this is not an HTTP request"));
                return;
            }
            if (g.head.size() > cfg.maxHeaderBytes) {
                refuse(socket, 431, "headers_too_large",
                       QStringLiteral("the request head is over %1 bytes").arg(cfg.maxHeaderBytes));
                return;
            }
            pos += take;
            continue;
        }
        const qsizetype headLen = end + 4;
        HeadVerdict v = headLen > cfg.maxHeaderBytes
            ? refusedHead(431, "headers_too_large", QStringLiteral("the request head is over %1 bytes").arg(cfg.maxHeaderBytes))
            : checkRequestHead(g.head.left(headLen), cfg.maxBodyBytes);
        if (!v.status && v.upgrade && g.requests > 0)
            v = refusedHead(400, "bad_request", QStringLiteral("a WebSocket upgrade must be a connection's first request"));
        if (!v.status && listeningOnly(socket))
            v = listeningVerdict(v);
        // A player's stream on a keep-alive connection: QHttpServer answers with a redirect
        // to the same URL, and the connection closes so the player comes back on a new one.
        if (!v.status && ((v.target.startsWith("/stream/") && !v.target.contains(".m3u")) || isStreamedFileTarget(v.target)))
            v.close = true;
        if (v.status) {
            refuse(socket, v.status, v.code, v.message);
            return;
        }
        // A recording's audio asked for on a kept-alive connection (a browser's pooled one):
        // the acceptor takes the connection from QHttpServer and answers it, when the request
        // is the whole of this read (QHttpServer is owed none of its bytes). Otherwise
        // QHttpServer sends the client to a fresh connection (307).
        if (m_files && before == 0 && pos == 0 && isStreamedFileTarget(v.target)
            && (v.method == "GET" || v.method == "HEAD")) {
            answerFile(socket, v);
            return; // `g` is gone with the connection's entry
        }
        ++g.requests;
        g.closeAfterAnswer = v.close;
        pos += headLen - before;
        g.head.clear();
        g.bodyLeft = v.contentLength;
        if (g.bodyLeft == 0)
            g.requestStartMs = 0;
    }
}

void Acceptor::answerFile(QTcpSocket *socket, const HeadVerdict &verdict)
{
    m_hub->metrics()->httpRequests.fetch_add(1, std::memory_order_relaxed);
    const FileAnswer answer = m_files->resolve(verdict, socket->peerAddress());
    QByteArray head;
    auto file = std::make_unique<QFile>(answer.path);
    if (answer.status != 200 || !file->open(QIODevice::ReadOnly)) {
        const int status = answer.status != 200 ? answer.status : 404;
        const QByteArray body = answer.status != 200 ? answer.body
            : QJsonDocument(jsonError(QStringLiteral("not_found"), QStringLiteral("the file is gone"))).toJson(QJsonDocument::Compact);
        head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
               + "\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\n";
        for (const auto &h : answer.headers)
            head += h.first + ": " + h.second + "\r\n";
        finish(socket, head + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        return;
    }
    const qint64 size = file->size();
    const ByteRange range = parseByteRange(verdict.range, size);
    if (range.kind == ByteRange::Unsatisfiable) {
        const QByteArray body = QJsonDocument(jsonError(QStringLiteral("range_not_satisfiable"),
                                                        QStringLiteral("the file has %1 bytes").arg(size)))
                                    .toJson(QJsonDocument::Compact);
        finish(socket, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Type: application/json\r\nConnection: close\r\n"
                       "Content-Range: bytes */" + QByteArray::number(size) + "\r\nContent-Length: "
                           + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        return;
    }
    const bool partial = range.kind == ByteRange::Partial;
    head = partial ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n";
    head += "Content-Type: " + answer.mime + "\r\nAccept-Ranges: bytes\r\nCache-Control: no-cache\r\nConnection: close\r\n"
            "Content-Length: " + QByteArray::number(range.length()) + "\r\n";
    if (partial)
        head += "Content-Range: bytes " + QByteArray::number(range.first) + '-' + QByteArray::number(range.last) + '/'
                + QByteArray::number(size) + "\r\n";
    handOver(socket);
    FileSender::start(socket, head + "\r\n", std::move(file), range.first, verdict.method == "HEAD" ? 0 : range.length());
}

void Acceptor::answerPlayer(QTcpSocket *socket, const HeadVerdict &verdict)
{
    const EngineConfig &cfg = m_hub->config();
    const bool headOnly = verdict.method == "HEAD";
    QByteArray path = verdict.target;
    QByteArray rawQuery;
    if (const qsizetype q = path.indexOf('?'); q >= 0) {
        rawQuery = path.mid(q + 1);
        path.truncate(q);
    }
    const PlayerRoute route = parsePlayerRoute(QUrl::fromPercentEncoding(path));
    const QByteArray token = requestToken(
        QUrlQuery(QString::fromLatin1(rawQuery)).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded),
        verdict.authorization);
    std::optional<TokenClaims> claims;
    Admission a = playerAdmission(verdict, route, token, &claims);
    if (const auto denied = admit(a)) {
        refuse(socket, refusalAnswer(Channel::Player, *denied));
        return;
    }
    if (route.kind == PlayerRoute::Playlist) {
        answerPlaylist(socket, verdict, route.streamId, token, headOnly);
        return;
    }
    const PlayerFormat format = route.kind == PlayerRoute::Ogg ? PlayerFormat::Ogg : PlayerFormat::Mp3;
    if (headOnly) {
        m_hub->metrics()->httpRequests.fetch_add(1, std::memory_order_relaxed);
        finish(socket, playerResponseHead(format, route.streamId, cfg.mp3Kbps));
        return;
    }
    if (!m_hub->reserveConnection()) {
        refuse(socket, refusalAnswer(Channel::Player, {Denial::ServerFull, QString::number(cfg.maxConnections)}));
        return;
    }
    PlayerRequest request;
    request.streamId = route.streamId;
    request.format = format;
    if (claims) {
        request.identity = claims->sub;
    } else {
        // The listener page's own id, so that its reports (on its WebSocket) find this player.
        const QString clientId = QUrlQuery(QString::fromLatin1(rawQuery)).queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded);
        if (isValidStreamId(clientId))
            request.identity = QStringLiteral("client:") + clientId;
    }
    request.userAgent = QString::fromLatin1(verdict.userAgent.left(200));
    request.responseHead = playerResponseHead(format, route.streamId, cfg.mp3Kbps);
    disconnect(socket, nullptr, this, nullptr);
    m_sniffing.remove(socket);
    QPointer<QTcpSocket> guard(socket);
    // Not from inside this readyRead emission (see admitUpgrade).
    QMetaObject::invokeMethod(this, [this, guard, request] {
        if (guard && guard->state() == QAbstractSocket::ConnectedState)
            toPlayerWorker(guard, request);
        else
            m_hub->releaseConnection();
    }, Qt::QueuedConnection);
}

Admission Acceptor::playerAdmission(const HeadVerdict &verdict, const PlayerRoute &route, const QByteArray &token,
                                    std::optional<TokenClaims> *claims) const
{
    const EngineConfig &cfg = m_hub->config();
    Admission a;
    a.methodAllowed = verdict.method == "GET" || verdict.method == "HEAD";
    const bool served = route.kind == PlayerRoute::Ogg || route.kind == PlayerRoute::Mp3 || route.kind == PlayerRoute::Playlist;
    a.kind = served ? WsRoute::Listen : WsRoute::Invalid;
    a.streamId = route.streamId;
    a.routeError = route.error;
    a.unknownFormat = route.error.startsWith(QLatin1String("unknown format"))
        || route.error.startsWith(QLatin1String("name the format"));
    if (!token.isEmpty()) {
        QString why;
        *claims = verifyToken(token, m_secret, &why);
        if (!*claims)
            a.credentials = Denied{Denial::Unauthorized, why};
    } else if (cfg.requireListenerToken) {
        a.credentials = Denied{Denial::TokenRequired, {}};
    }
    if (served && route.kind != PlayerRoute::Playlist) { // a playlist is text: no limits
        a.streamFull = m_hub->listenersOf(route.streamId) >= cfg.maxListenersPerStream;
        a.atStreamLimit = m_hub->atStreamLimitFor(route.streamId);
    }
    a.maxListeners = cfg.maxListenersPerStream;
    a.maxStreams = cfg.maxStreams;
    a.maxConnections = cfg.maxConnections;
    return a;
}

void Acceptor::answerPlaylist(QTcpSocket *socket, const HeadVerdict &verdict, const QString &streamId,
                              const QByteArray &token, bool headOnly)
{
    // The address the request came in on, as the player used it (a LAN address, a host
    // name): only host characters are taken from the Host header.
    QString host = QString::fromLatin1(verdict.host);
    static const QRegularExpression hostRe(QStringLiteral("^[A-Za-z0-9.:\\[\\]_-]{1,255}$"));
    if (!hostRe.match(host).hasMatch()) {
        const QHostAddress local = socket->localAddress();
        const QString a = local.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + local.toString() + u']' : local.toString();
        host = a + u':' + QString::number(socket->localPort());
    }
    const QString scheme = qobject_cast<QSslSocket *>(socket) && !listeningOnly(socket) ? QStringLiteral("https") : QStringLiteral("http");
    const QString query = token.isEmpty() ? QString()
                                          : QStringLiteral("?token=") + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(token)));
    const QByteArray body = playerPlaylist(streamId, scheme + QStringLiteral("://") + host, query);
    QByteArray response = "HTTP/1.1 200 OK\r\nContent-Type: audio/x-mpegurl\r\nCache-Control: no-cache\r\n"
                          "Content-Disposition: inline; filename=\"" + streamId.toLatin1() + ".m3u\"\r\n"
                          "Connection: close\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    if (!headOnly)
        response += body;
    m_hub->metrics()->httpRequests.fetch_add(1, std::memory_order_relaxed);
    finish(socket, response);
}

void Acceptor::toPlayerWorker(QTcpSocket *socket, const PlayerRequest &request)
{
    const QList<FanoutWorker *> &workers = m_hub->workers();
    FanoutWorker *target = workers[int(m_nextWorker++ % quint64(workers.size()))];
    disconnect(socket, nullptr, this, nullptr);
    socket->setParent(nullptr);
    socket->moveToThread(target->thread());
    target->adoptPlayer(socket, request);
}

void Acceptor::toWorker(QTcpSocket *socket, bool audience)
{
    const QList<FanoutWorker *> &workers = m_hub->workers();
    // Listeners and events clients round robin over the fan-out shards (counts lag behind a
    // burst of accepts, so "least loaded" would pile a reconnect storm onto one shard);
    // speakers and legacy clients go to the ingest worker.
    FanoutWorker *target = audience || !m_hub->ingestWorker()
        ? workers[int(m_nextWorker++ % quint64(workers.size()))]
        : m_hub->ingestWorker();
    disconnect(socket, nullptr, this, nullptr);
    socket->setParent(nullptr);
    socket->moveToThread(target->thread());
    target->adopt(socket);
}

} // namespace onair
