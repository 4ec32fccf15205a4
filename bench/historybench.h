#pragma once
// Shared parts of onair-historybench (bench/historybench.cpp says what it measures).
#include "benchstats.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTcpSocket>

#include <functional>
#include <vector>

namespace histbench {

qint64 monoUs();
qint64 wallMs();

struct Options
{
    QString mode = QStringLiteral("resume");
    // resume
    QString serverBin = QStringLiteral("build/app/onair-server");
    QString database;
    QString dataRoot;
    QString secret = QStringLiteral("history-bench-secret-0123456789");
    QString token; // cost: an admin token for --port's server
    QList<quint16> ports{18811, 18812, 18813};
    quint16 redisPort = 16391;
    int clients = 100;
    int topics = 20;
    int perClient = 3;
    double rate = 200;          // publishes per second
    int disconnects = 1000;     // forced aborts
    double disconnectRate = 20; // per second, at random moments
    double killAt = 15, killFor = 3, redisAt = 32, redisDown = 2;
    int killReplica = 2;        // r3
    int retryMaxMs = 1000;
    // cost
    quint16 port = 18821;
    int concurrency = 16;
    double duration = 10, warmup = 2;
    int serverPid = 0;
    bool inProcess = false; // cost: publish through the Hub of an Engine in this process (no HTTP)
    bool history = true;    // cost --in-process: false = --no-history
};

Options parseOptions(const QStringList &args);
QString topicName(int i);
// {"n","min","p50","p99","max"} of the values.
QJsonObject stats(std::vector<double> v);
// A blocking GET over a plain socket, its JSON body (the end of a run: nothing else needs the
// event loop then).
QJsonObject blockingGetJson(quint16 port, const QString &path);
// The child gets SIGKILL when this process dies: no stray servers after a crash or ^C.
void dieWithParent(QProcess &p);
// utime + stime of a process, in clock ticks (0 when unknown).
qint64 cpuTicks(int pid);

// One keep-alive HTTP/1.1 connection, one request at a time. `done(status, sent)`: status 0
// when no answer came; `sent` tells whether the request may have reached the server.
class HttpConn : public QObject
{
public:
    using Done = std::function<void(int status, bool sent)>;
    explicit HttpConn(quint16 port);
    // Quietly: the socket's last signals must not call back into an owner being destroyed.
    ~HttpConn() override
    {
        m_sock.disconnect();
        m_done = {};
    }
    bool idle() const { return !m_done; }
    void post(const QByteArray &path, const QByteArray &body, const QByteArray &token, Done done);

private:
    void writeOut();
    void onReadyRead();
    void fail();

    QTcpSocket m_sock;
    quint16 m_port;
    QByteArray m_out, m_in;
    Done m_done;
    bool m_wrote = false;
};

int runResume(QCoreApplication &app, const Options &o);
int runCost(QCoreApplication &app, const Options &o);

} // namespace histbench
