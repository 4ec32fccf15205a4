#pragma once

#include "ratelimit.h"

#include <QHash>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

#include <memory>
#include <optional>

class QTcpSocket;

namespace onair {

class Hub;
class FanoutWorker;

// What the acceptor makes of one HTTP request head.
struct HeadVerdict
{
    int status = 0;          // 0 = fine; else the HTTP status to answer with (then close)
    QByteArray code;         // JSON "error" code
    QString message;
    qint64 contentLength = 0;
    bool upgrade = false;    // Upgrade: websocket
    QByteArray origin;       // Origin header, if any
    QByteArray host;         // Host header
};

// Checks a complete request head (request line + headers, up to the blank line): syntax,
// Content-Length against maxBody, no Transfer-Encoding. Pure; fuzzed.
HeadVerdict checkRequestHead(const QByteArray &head, qint64 maxBody);

// True when `origin` (an Origin header) may open a WebSocket on a request whose Host header
// is `host`: same host:port as the request (the server's own pages), or listed in `allowed`
// (exact origins, or "*").
bool originAllowed(const QByteArray &origin, const QByteArray &host, const QStringList &allowed);

// The one listening TCP socket of the engine. Every connection is first vetted here:
// connection rate per address, TLS handshake (with --tls-cert), then its request head is read
// without consuming it and checked (size, syntax, Origin). WebSocket upgrades that will be
// accepted go to a FanoutWorker (its QWebSocketServer does the handshake there); everything
// else — plain HTTP and upgrades refused with a status code — goes to QHttpServer, with a
// guard that keeps checking each later request on a keep-alive connection (head size, body
// size, slow requests, idle connections) before QHttpServer buffers any of it.
class Acceptor final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Acceptor)
public:
    Acceptor(Hub *hub, std::optional<QSslConfiguration> tls, QObject *parent = nullptr);
    ~Acceptor() override;

    bool secure() const { return m_tls.has_value(); }
    qint64 rateLimited() const { return m_connectLimiter.refused(); }

protected:
    void incomingConnection(qintptr fd) override;

private:
    struct Sniffing
    {
        qint64 sinceMs;
        int retryAfter; // > 0: over the connection rate; answered 429 once the head is in
    };
    struct HttpGuard
    {
        QByteArray head;           // the current request's head so far
        qint64 bodyLeft = 0;       // body bytes still to come
        qint64 requestStartMs = 0; // 0 = between requests
        qint64 lastActivityMs = 0;
        int requests = 0;          // complete heads seen on this connection
    };

    void classify(QTcpSocket *socket);
    void toHttp(QTcpSocket *socket);
    void toWorker(QTcpSocket *socket, bool audience);
    void guard(QTcpSocket *socket);
    void refuse(QTcpSocket *socket, int status, const QByteArray &code, const QString &message,
                int retryAfter = 0);
    void forget(QTcpSocket *socket);
    void sweep();

    Hub *m_hub;
    std::optional<QSslConfiguration> m_tls;
    RateLimiter m_connectLimiter;
    quint64 m_nextWorker = 0;
    QHash<QTcpSocket *, Sniffing> m_sniffing;
    QHash<QTcpSocket *, HttpGuard> m_http;
    QTimer m_sweep;
};

} // namespace onair
