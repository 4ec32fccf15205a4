#pragma once

#include <QHash>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace onair {

class Hub;
class FanoutWorker;

// The one listening TCP socket of the engine. It reads the request head of each new
// connection without consuming it, then hands WebSocket upgrades that will be accepted to the
// least loaded FanoutWorker (its QWebSocketServer does the handshake there) and everything
// else — plain HTTP and upgrades that must be refused with a status code — to QHttpServer.
class Acceptor final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Acceptor)
public:
    Acceptor(Hub *hub, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr fd) override;

private:
    void classify(QTcpSocket *socket);
    void toHttp(QTcpSocket *socket);
    void toWorker(QTcpSocket *socket, bool audience);

    void sweep();

    Hub *m_hub;
    quint64 m_nextWorker = 0;
    QHash<QTcpSocket *, qint64> m_sniffing; // socket -> accepted at (monotonic ms)
    QTimer m_sweep;
};

} // namespace onair
