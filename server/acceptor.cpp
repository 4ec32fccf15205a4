#include "acceptor.h"

#include "clock.h"
#include "fanoutworker.h"
#include "hub.h"
#include "logging.h"
#include "wsroute.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

namespace onair {

namespace {
constexpr qint64 kMaxHeadBytes = 16 * 1024;

bool isWebSocketUpgrade(const QByteArray &head)
{
    qsizetype pos = head.indexOf("\r\n");
    while (pos >= 0) {
        const qsizetype next = head.indexOf("\r\n", pos + 2);
        if (next < 0)
            break;
        const QByteArray line = head.mid(pos + 2, next - pos - 2);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "upgrade"
            && line.mid(colon + 1).toLower().contains("websocket"))
            return true;
        pos = next;
    }
    return false;
}
} // namespace

Acceptor::Acceptor(Hub *hub, QObject *parent) : QTcpServer(parent), m_hub(hub)
{
    m_sweep.setInterval(500);
    connect(&m_sweep, &QTimer::timeout, this, &Acceptor::sweep);
    // QHttpServer drains pending connections at once; this only bounds a burst.
    setMaxPendingConnections(1 << 20);
}

void Acceptor::incomingConnection(qintptr fd)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(fd)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { classify(socket); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        m_sniffing.remove(socket);
        socket->deleteLater();
    });
    // One sweep timer for all sockets whose request head is still missing, rather than a
    // timer object per connection.
    m_sniffing.insert(socket, monotonicMs());
    if (!m_sweep.isActive())
        m_sweep.start();
}

void Acceptor::sweep()
{
    const qint64 deadline = monotonicMs() - m_hub->config().handshakeTimeoutMs;
    QList<QTcpSocket *> late;
    for (auto it = m_sniffing.cbegin(); it != m_sniffing.cend(); ++it) {
        if (it.value() < deadline)
            late.append(it.key());
    }
    for (QTcpSocket *s : std::as_const(late)) {
        qCInfo(lcHttp).noquote() << "closing" << s->peerAddress().toString() << ": request head not received in time";
        m_sniffing.remove(s);
        s->abort();
    }
    if (m_sniffing.isEmpty())
        m_sweep.stop();
}

void Acceptor::classify(QTcpSocket *socket)
{
    const QByteArray head = socket->peek(kMaxHeadBytes);
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (head.size() >= kMaxHeadBytes)
            toHttp(socket); // QHttpServer refuses the oversized head
        return;
    }
    if (!isWebSocketUpgrade(head.left(end + 2))) {
        toHttp(socket);
        return;
    }
    const QList<QByteArray> requestLine = head.left(head.indexOf("\r\n")).split(' ');
    if (requestLine.size() != 3 || requestLine[0] != "GET") {
        toHttp(socket);
        return;
    }
    QByteArray target = requestLine[1];
    const qsizetype q = target.indexOf('?');
    if (q >= 0)
        target.truncate(q);
    const WsRoute route = parseWsRoute(QUrl::fromPercentEncoding(target));
    const EngineConfig &cfg = m_hub->config();
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
        disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
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
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    m_hub->metrics()->httpRequests.fetch_add(1, std::memory_order_relaxed);
    addPendingConnection(socket);
    Q_EMIT newConnection();
    // QHttpServer reacts to readyRead only; the head we peeked is already buffered.
    if (socket->bytesAvailable() > 0)
        Q_EMIT socket->readyRead();
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
