// onair-historybench: topic history and resume under churn and faults, and what history costs
// (docs/benchmarks.md "Nothing missed: history and resume"; driven by bench/history.sh).
//
// --mode resume (historyresume.cpp): starts redis-server and three onair-server replicas
//   sharing the PostgreSQL of --database, publishes numbered events through REST at --rate over
//   --topics topics (round robin over the live replicas, as a load balancer would) and keeps
//   --clients events clients subscribed to --per-client topics each. It aborts clients' TCP
//   connections at random moments until --disconnects have happened; each reconnects to a
//   random replica and resumes with `since`. Meanwhile one replica is killed -9 and restarted,
//   and Redis is killed -9 and restarted. At the end every client's offsets per topic are
//   compared with the database (GET /api/topics/{topic}/history) and the publisher's records;
//   for every reconnect, the time from WebSocket open to the last missed event (the first
//   offset >= the topic's head when it opened) is measured.
// --mode cost (historycost.cpp): against one running server, N closed-loop publishers (each a
//   keep-alive REST connection; the next publish once both the 202 and the event at an events
//   client are in) and one events client: completed publishes per second and publish -> event
//   latency. Run with history on and with --no-history, on SQLite and PostgreSQL.
//
// One JSON object on the last line of stdout; a readable summary before it.
#include "historybench.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace histbench {

qint64 monoUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

qint64 wallMs() { return QDateTime::currentMSecsSinceEpoch(); }

namespace {
using Setter = std::function<void(Options &, const QString &)>;

const std::map<QString, Setter> &setters()
{
    static const std::map<QString, Setter> m{
        {QStringLiteral("--mode"), [](Options &o, const QString &v) { o.mode = v; }},
        {QStringLiteral("--server-bin"), [](Options &o, const QString &v) { o.serverBin = v; }},
        {QStringLiteral("--database"), [](Options &o, const QString &v) { o.database = v; }},
        {QStringLiteral("--data-root"), [](Options &o, const QString &v) { o.dataRoot = v; }},
        {QStringLiteral("--secret"), [](Options &o, const QString &v) { o.secret = v; }},
        {QStringLiteral("--token"), [](Options &o, const QString &v) { o.token = v; }},
        {QStringLiteral("--ports"), [](Options &o, const QString &v) {
             o.ports.clear();
             for (const QString &p : v.split(u','))
                 o.ports.append(quint16(p.toUInt()));
         }},
        {QStringLiteral("--redis-port"), [](Options &o, const QString &v) { o.redisPort = quint16(v.toUInt()); }},
        {QStringLiteral("--clients"), [](Options &o, const QString &v) { o.clients = v.toInt(); }},
        {QStringLiteral("--topics"), [](Options &o, const QString &v) { o.topics = v.toInt(); }},
        {QStringLiteral("--per-client"), [](Options &o, const QString &v) { o.perClient = v.toInt(); }},
        {QStringLiteral("--rate"), [](Options &o, const QString &v) { o.rate = v.toDouble(); }},
        {QStringLiteral("--disconnects"), [](Options &o, const QString &v) { o.disconnects = v.toInt(); }},
        {QStringLiteral("--disconnect-rate"), [](Options &o, const QString &v) { o.disconnectRate = v.toDouble(); }},
        {QStringLiteral("--kill-at"), [](Options &o, const QString &v) { o.killAt = v.toDouble(); }},
        {QStringLiteral("--kill-for"), [](Options &o, const QString &v) { o.killFor = v.toDouble(); }},
        {QStringLiteral("--redis-at"), [](Options &o, const QString &v) { o.redisAt = v.toDouble(); }},
        {QStringLiteral("--redis-down"), [](Options &o, const QString &v) { o.redisDown = v.toDouble(); }},
        {QStringLiteral("--redis-retry-max"), [](Options &o, const QString &v) { o.retryMaxMs = v.toInt(); }},
        {QStringLiteral("--port"), [](Options &o, const QString &v) { o.port = quint16(v.toUInt()); }},
        {QStringLiteral("--concurrency"), [](Options &o, const QString &v) { o.concurrency = v.toInt(); }},
        {QStringLiteral("--duration"), [](Options &o, const QString &v) { o.duration = v.toDouble(); }},
        {QStringLiteral("--warmup"), [](Options &o, const QString &v) { o.warmup = v.toDouble(); }},
        {QStringLiteral("--server-pid"), [](Options &o, const QString &v) { o.serverPid = v.toInt(); }},
        {QStringLiteral("--in-process"), [](Options &o, const QString &v) { o.inProcess = v == QLatin1String("1"); }},
        {QStringLiteral("--history"), [](Options &o, const QString &v) { o.history = v != QLatin1String("off"); }},
    };
    return m;
}
} // namespace

Options parseOptions(const QStringList &args)
{
    Options o;
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        const auto it = setters().find(args[i]);
        if (it == setters().end())
            std::fprintf(stderr, "unknown option %s (ignored)\n", qPrintable(args[i]));
        else
            it->second(o, args[i + 1]);
    }
    return o;
}

QString topicName(int i) { return QStringLiteral("project:h%1").arg(i); }

QJsonObject stats(std::vector<double> v)
{
    return {{QStringLiteral("n"), int(v.size())},
            {QStringLiteral("min"), v.empty() ? 0.0 : *std::min_element(v.begin(), v.end())},
            {QStringLiteral("p50"), quantile(v, 0.5)},
            {QStringLiteral("p99"), quantile(v, 0.99)},
            {QStringLiteral("max"), v.empty() ? 0.0 : *std::max_element(v.begin(), v.end())}};
}

QJsonObject blockingGetJson(quint16 port, const QString &path)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return {};
    const timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QByteArray in;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) {
        const QByteArray req = "GET " + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if (::send(fd, req.constData(), size_t(req.size()), MSG_NOSIGNAL) == req.size()) {
            char buf[65536];
            ssize_t n;
            while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0)
                in.append(buf, size_t(n));
        }
    }
    ::close(fd);
    const qsizetype end = in.indexOf("\r\n\r\n");
    return end < 0 || !in.startsWith("HTTP/1.1 200") ? QJsonObject() : QJsonDocument::fromJson(in.mid(end + 4)).object();
}

void dieWithParent(QProcess &p)
{
    p.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

qint64 cpuTicks(int pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray s = f.readAll();
    const QList<QByteArray> parts = s.mid(s.lastIndexOf(')') + 2).split(' ');
    return parts.size() > 12 ? parts[11].toLongLong() + parts[12].toLongLong() : 0; // fields 14, 15
}

HttpConn::HttpConn(quint16 port) : m_port(port)
{
    connect(&m_sock, &QTcpSocket::connected, this, [this] { writeOut(); });
    connect(&m_sock, &QTcpSocket::readyRead, this, &HttpConn::onReadyRead);
    connect(&m_sock, &QTcpSocket::errorOccurred, this, [this] { fail(); });
    connect(&m_sock, &QTcpSocket::disconnected, this, [this] { fail(); });
}

void HttpConn::post(const QByteArray &path, const QByteArray &body, const QByteArray &token, Done done)
{
    m_done = std::move(done);
    m_in.clear();
    m_wrote = false;
    m_out = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer " + token
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    if (m_sock.state() == QAbstractSocket::ConnectedState)
        writeOut();
    else if (m_sock.state() == QAbstractSocket::UnconnectedState)
        m_sock.connectToHost(QHostAddress::LocalHost, m_port);
}

void HttpConn::writeOut()
{
    if (m_done && !m_wrote) {
        m_wrote = true;
        m_sock.write(m_out);
    }
}

void HttpConn::onReadyRead()
{
    m_in += m_sock.readAll();
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0 || !m_done)
        return;
    const QByteArray head = m_in.left(end).toLower();
    const qsizetype cl = head.indexOf("content-length:");
    const qint64 len = cl < 0 ? 0 : head.mid(cl + 15, head.indexOf("\r\n", cl) - cl - 15).trimmed().toLongLong();
    if (m_in.size() < end + 4 + len)
        return;
    const int status = m_in.mid(9, 3).toInt();
    m_in.clear();
    if (head.contains("connection: close"))
        m_sock.disconnectFromHost();
    std::exchange(m_done, {})(status, true);
}

void HttpConn::fail()
{
    if (m_sock.state() != QAbstractSocket::UnconnectedState)
        m_sock.abort();
    if (m_done)
        std::exchange(m_done, {})(0, m_wrote);
}

} // namespace histbench

int main(int argc, char **argv)
{
    qputenv("QT_NO_GLIB", "1"); // as onair-server: the engine of --in-process runs on Qt's own dispatcher
    QCoreApplication app(argc, argv);
    const histbench::Options o = histbench::parseOptions(app.arguments());
    if (o.mode == QLatin1String("resume"))
        return histbench::runResume(app, o);
    if (o.mode == QLatin1String("cost"))
        return histbench::runCost(app, o);
    std::fprintf(stderr, "usage: onair-historybench --mode resume|cost [options] (see bench/historybench.cpp)\n");
    return 2;
}
