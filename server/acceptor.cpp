#include "acceptor.h"

#include "clock.h"
#include "fanoutworker.h"
#include "hub.h"
#include "logging.h"
#include "metrics.h"
#include "wsroute.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <sys/socket.h>

namespace onair {

namespace {
constexpr int kLingerMs = 2000;   // a refused client gets this long to read the answer
QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

Refusal refusalFor(int status)
{
    switch (status) {
    case 403: return Refusal::OriginNotAllowed;
    case 408: return Refusal::RequestTimeout;
    case 413: return Refusal::BodyTooLarge;
    case 429: return Refusal::RateLimited;
    case 431: return Refusal::HeadersTooLarge;
    default: return Refusal::BadRequest;
    }
}
} // namespace

Acceptor::Acceptor(Hub *hub, std::optional<QSslConfiguration> tls, QObject *parent)
    : QTcpServer(parent),
      m_hub(hub),
      m_tls(std::move(tls)),
      m_connectLimiter(hub->config().connectRate, hub->config().connectBurst, hub->config().rateLimitExempt)
{
    m_sweep.setInterval(250);
    connect(&m_sweep, &QTimer::timeout, this, &Acceptor::sweep);
    // QHttpServer drains pending connections at once; this only bounds a burst.
    setMaxPendingConnections(1 << 20);
}

Acceptor::~Acceptor() = default;

void Acceptor::incomingConnection(qintptr fd)
{
    QTcpSocket *socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
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
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
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

void Acceptor::refuse(QTcpSocket *socket, int status, const QByteArray &code, const QString &message, int retryAfter)
{
    forget(socket);
    m_hub->metrics()->refuse(refusalFor(status));
    qCInfo(lcHttp).noquote() << "refused" << socket->peerAddress().toString() << status << code;
    QJsonObject body{{QStringLiteral("error"), QString::fromLatin1(code)}, {QStringLiteral("message"), message}};
    if (retryAfter > 0)
        body.insert(QStringLiteral("retry_after"), retryAfter);
    const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: "
        + QByteArray::number(json.size()) + "\r\n";
    if (retryAfter > 0)
        response += "Retry-After: " + QByteArray::number(retryAfter) + "\r\n";
    response += "\r\n" + json;

    // Nobody else reads this socket any more (QHttpServer included): what the client still
    // sends is read and dropped, so closing does not reset the connection under the answer.
    disconnect(socket, nullptr, this, nullptr);
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    socket->readAll();
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater, Qt::UniqueConnection);
    socket->write(response);
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
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
    if (m_sniffing.isEmpty() && m_http.isEmpty())
        m_sweep.stop();
}

void Acceptor::classify(QTcpSocket *socket)
{
    const auto sniff = m_sniffing.constFind(socket);
    if (sniff == m_sniffing.cend())
        return;
    const EngineConfig &cfg = m_hub->config();
    const QByteArray head = socket->peek(cfg.maxHeaderBytes + 4);
    if (!looksLikeRequestStart(head)) {
        const bool tlsHello = !head.isEmpty() && head.at(0) == 0x16 && !m_tls;
        refuse(socket, 400, "bad_request",
               tlsHello ? QStringLiteral("this port speaks plain HTTP (use http:// and ws://)")
                        : QStringLiteral("this is not an HTTP request"));
        return;
    }
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0 ? head.size() > cfg.maxHeaderBytes : end + 4 > cfg.maxHeaderBytes) {
        refuse(socket, 431, "headers_too_large",
               QStringLiteral("the request head is over %1 bytes").arg(cfg.maxHeaderBytes));
        return;
    }
    if (end < 0)
        return; // wait for the rest (the sweep enforces --handshake-timeout)
    if (sniff->retryAfter > 0) {
        refuse(socket, 429, "rate_limited",
               QStringLiteral("too many connections from this address; retry in %1 s").arg(sniff->retryAfter),
               sniff->retryAfter);
        return;
    }
    const HeadVerdict verdict = checkRequestHead(head.left(end + 4), cfg.maxBodyBytes);
    if (verdict.status) {
        refuse(socket, verdict.status, verdict.code, verdict.message);
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
    QByteArray target = head.left(head.indexOf("\r\n")).split(' ').value(1);
    const qsizetype q = target.indexOf('?');
    if (q >= 0)
        target.truncate(q);
    const WsRoute route = parseWsRoute(QUrl::fromPercentEncoding(target));
    bool accept = false;
    switch (route.kind) {
    case WsRoute::Legacy:
    case WsRoute::Events:
        accept = true;
        break;
    case WsRoute::Speak:
        // A taken stream is refused after the upgrade, with close code 4409 and a reason: a
        // browser cannot read the status of a failed handshake, but it can read a close reason.
        accept = !m_hub->atStreamLimitFor(route.streamId);
        break;
    case WsRoute::Listen:
        accept = m_hub->listenersOf(route.streamId) < cfg.maxListenersPerStream
            && !m_hub->atStreamLimitFor(route.streamId);
        break;
    case WsRoute::Invalid:
    case WsRoute::Unknown:
        break;
    }
    if (accept && !m_hub->reserveConnection())
        accept = false;
    if (accept) {
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
    } else {
        toHttp(socket); // the matching route answers with the reason and status
    }
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
        if (v.status) {
            refuse(socket, v.status, v.code, v.message);
            return;
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
