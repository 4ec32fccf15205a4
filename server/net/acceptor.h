#pragma once

#include "net/httphead.h"
#include "core/metrics.h"
#include "net/ratelimit.h"
#include "auth/auth.h"
#include "protocol/refusals.h"

#include <QHash>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

#include <memory>
#include <optional>

class QSocketNotifier;
class QTcpSocket;

namespace onair {

class Hub;
class FanoutWorker;
class FileRoutes;
struct PlayerRequest;
struct PlayerRoute;

// The one listening TCP socket of the engine. Every connection is first vetted here:
// connection rate per address, TLS handshake (with --tls-cert), then its request head is read
// without consuming it and checked (size, syntax, Origin). WebSocket upgrades that will be
// accepted go to a FanoutWorker (its QWebSocketServer does the handshake there); everything
// else — plain HTTP and upgrades refused with a status code — goes to QHttpServer, with a
// guard that keeps checking each later request on a keep-alive connection (head size, body
// size, slow requests, idle connections) before QHttpServer buffers any of it. Standard
// players' requests (/stream/{id}.ogg|.mp3|.m3u) are answered here: a player that will be
// served goes to a FanoutWorker like a listener. With TLS and plainHttp, the first byte of a
// connection decides: a TLS ClientHello gets TLS, anything else plain HTTP for listening only.
class Acceptor final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Acceptor)
public:
    // `secret` verifies the tokens of players' requests.
    Acceptor(Hub *hub, QByteArray secret, std::optional<QSslConfiguration> tls, QObject *parent = nullptr);
    ~Acceptor() override;

    bool secure() const { return m_tls.has_value(); }
    // Who answers the file requests (a recording's audio); null: they go to QHttpServer.
    void setFileRoutes(FileRoutes *files) { m_files = files; }
    qint64 rateLimited() const { return m_connectLimiter.refused(); }

protected:
    void incomingConnection(qintptr fd) override;

private:
    void startConnection(qintptr fd, bool tls);
    void sniffTls(qintptr fd);
    // Plain HTTP on a server that has TLS: listening only.
    bool listeningOnly(const QTcpSocket *socket) const;
    void answerPlayer(QTcpSocket *socket, const HeadVerdict &verdict);
    // A recording's audio (isStreamedFileTarget): m_files decides, FileSender sends, with Range.
    void answerFile(QTcpSocket *socket, const HeadVerdict &verdict);
    // What admit() decides a player's request on (route, token, limits); fills *claims.
    Admission playerAdmission(const HeadVerdict &verdict, const PlayerRoute &route, const QByteArray &token,
                              std::optional<TokenClaims> *claims) const;
    void answerPlaylist(QTcpSocket *socket, const HeadVerdict &verdict, const QString &streamId,
                        const QByteArray &token, bool headOnly);
    void toPlayerWorker(QTcpSocket *socket, const PlayerRequest &request);
    // Writes a complete answer, half-closes, and drops the connection once it is read.
    void finish(QTcpSocket *socket, const QByteArray &response);
    // From now on nobody else (QHttpServer included) reads or writes `socket`: what the client
    // still sends is read and dropped; the socket goes when the connection does.
    void handOver(QTcpSocket *socket);

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
        bool closeAfterAnswer = false; // the last request said Connection: close
    };

    void classify(QTcpSocket *socket);
    // False when the head is not (yet) a complete request this connection may send: refused,
    // or still arriving.
    bool headArrived(QTcpSocket *socket, const QByteArray &head, qsizetype end, int retryAfter);
    // A WebSocket upgrade: to a worker when admit() lets it in, else to the router's refusal.
    void admitUpgrade(QTcpSocket *socket, const QByteArray &head);
    void toHttp(QTcpSocket *socket);
    void toWorker(QTcpSocket *socket, bool audience);
    void guard(QTcpSocket *socket);
    void refuse(QTcpSocket *socket, int status, const QByteArray &code, const QString &message,
                int retryAfter = 0, Refusal counted = Refusal::Count);
    void refuse(QTcpSocket *socket, const RefusalAnswer &answer);
    void forget(QTcpSocket *socket);
    void sweep();

    Hub *m_hub;
    FileRoutes *m_files = nullptr;
    const QByteArray m_secret;
    std::optional<QSslConfiguration> m_tls;
    RateLimiter m_connectLimiter;
    quint64 m_nextWorker = 0;
    QHash<QTcpSocket *, Sniffing> m_sniffing;
    QHash<QTcpSocket *, HttpGuard> m_http;
    QHash<QSocketNotifier *, qint64> m_undecided; // TLS or plain? waiting for the first byte
    QTimer m_sweep;
};

} // namespace onair
