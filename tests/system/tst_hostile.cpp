// Hostile input over real sockets against the real onair-server binary (issue 7): broken and
// oversized WebSocket frames, invalid UTF-8, JSON bombs, bad stream ids, garbage and
// half-finished HTTP, oversized heads and bodies, foreign origins, connection churn and
// per-address rate limits. Every case asserts its defined answer (the close code of the
// server's close frame and the end of the TCP connection, or the HTTP status and JSON error),
// then that the server still answers /health. A bystander speaker -> listener pair runs on its
// own thread for the whole suite; the last test checks that it got every frame, in order.
//
// The attacker speaks raw POSIX sockets and builds every frame by hand (RawConnection,
// RawWsClient and clientFrame in tests/common/testsupport.h), so that each byte on
// the wire is the one the case names.
#include "testsupport.h"
#include "protocol/wsframe.h"

#include <QDir>
#include <QFile>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace onair;
using namespace onair::test;

namespace {

constexpr qint64 kMaxFrameBytes = 65536;   // the server's --max-frame-bytes (default)
constexpr qint64 kMaxJsonBytes = 131072;   // --max-json-bytes: room for a 100k '[' bomb
constexpr int kHandshakeTimeoutMs = 1000;  // --handshake-timeout
constexpr int kRequestTimeoutMs = 1000;    // --request-timeout
constexpr int kHttpIdleTimeoutMs = 1500;   // --http-idle-timeout

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

// ---- attacks the shared raw clients (testsupport) do not build ---------------------------

// A masked frame header that announces `len` bytes with the 64-bit length form (and sends none).
QByteArray bigLengthHeader(quint8 opcode, quint64 len)
{
    QByteArray f;
    f.append(char(0x80 | opcode));
    f.append(char(0x80 | 127));
    for (int i = 7; i >= 0; --i)
        f.append(char((len >> (8 * i)) & 0xFF));
    f.append("\x11\x22\x33\x44", 4);
    return f;
}

// A plain GET for the suite's own checks (the answer only).
HttpReply get(quint16 port, const QByteArray &path)
{
    return rawHttp(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

// Whether onair-server lists this flag in --help.
bool serverKnows(const QString &flag)
{
    QProcess p;
    p.start(serverBinary(), {QStringLiteral("--help")});
    p.waitForFinished(5000);
    return p.readAllStandardOutput().contains(flag.toUtf8());
}

// ---- the bystander: one speaker, one listener, its own thread -----------------------------

class Bystander final : public QObject
{
    Q_OBJECT
public:
    struct Report
    {
        qint64 sent = 0, received = 0, outOfOrder = 0;
        bool listenerClosed = false, speakerClosed = false;
        std::vector<qint64> latUs;
    };

    explicit Bystander(quint16 port) : m_port(port) {}

    // On its thread.
    void start()
    {
        m_speaker = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        m_listener = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        m_timer = new QTimer(this);
        m_timer->setTimerType(Qt::PreciseTimer);
        m_timer->setInterval(20); // 50 frames a second, like a 20 ms Opus stream
        connect(m_listener, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &b) {
            if (b.size() < 16)
                return;
            qint64 seq = 0, t0 = 0;
            std::memcpy(&seq, b.constData(), 8);
            std::memcpy(&t0, b.constData() + 8, 8);
            QMutexLocker lock(&m_mutex);
            if (seq != m_report.received)
                ++m_report.outOfOrder;
            ++m_report.received;
            m_report.latUs.push_back((nowNs() - t0) / 1000);
        });
        connect(m_listener, &QWebSocket::textMessageReceived, this, [this](const QString &t) {
            if (t.contains(QLatin1String("\"connected\"")))
                m_speaker->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/speak/bystander").arg(m_port)));
        });
        connect(m_listener, &QWebSocket::disconnected, this, [this] {
            QMutexLocker lock(&m_mutex);
            m_report.listenerClosed = true;
        });
        connect(m_speaker, &QWebSocket::connected, m_timer, qOverload<>(&QTimer::start));
        connect(m_speaker, &QWebSocket::disconnected, this, [this] {
            m_timer->stop();
            QMutexLocker lock(&m_mutex);
            m_report.speakerClosed = true;
        });
        connect(m_timer, &QTimer::timeout, this, [this] {
            QByteArray payload(160, 'b');
            qint64 seq;
            {
                QMutexLocker lock(&m_mutex);
                seq = m_report.sent++;
            }
            const qint64 t0 = nowNs();
            std::memcpy(payload.data(), &seq, 8);
            std::memcpy(payload.data() + 8, &t0, 8);
            m_speaker->sendBinaryMessage(payload);
        });
        m_listener->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/listen/bystander").arg(m_port)));
    }
    // On its thread.
    void stopSending() { m_timer->stop(); }
    void finish()
    {
        disconnect(m_speaker, nullptr, this, nullptr);
        disconnect(m_listener, nullptr, this, nullptr);
        m_speaker->abort();
        m_listener->abort();
    }
    Report report()
    {
        QMutexLocker lock(&m_mutex);
        return m_report;
    }

private:
    const quint16 m_port;
    QWebSocket *m_speaker = nullptr;
    QWebSocket *m_listener = nullptr;
    QTimer *m_timer = nullptr;
    QMutex m_mutex;
    Report m_report;
};

qint64 percentile(std::vector<qint64> v, double p)
{
    if (v.empty())
        return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

qint64 rssKb(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

int openFds(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size());
}

// ---- churn: many short connections, in parallel batches -----------------------------------

enum class ChurnKind { WsClose, WsReset, TcpClose, TcpReset };

struct ChurnResult
{
    int opened = 0;       // WebSocket upgrades answered 101
    int statuses[600] = {}; // other HTTP answers by status
    int silent = 0;       // no answer at all (bare TCP, or refused without one)
    int failed = 0;       // connect failed or the answer did not come in time
    QByteArray sample429; // one 429 answer, for the assertions
};

// Runs `total` connections of the kinds in `mix` (round robin), `parallel` at a time.
ChurnResult churn(quint16 port, int total, int parallel, const QList<ChurnKind> &mix)
{
    ChurnResult r;
    struct C
    {
        int fd = -1;
        ChurnKind kind;
        bool sent = false;
        QByteArray in;
        qint64 startMs = 0;
    };
    const QByteArray req = upgradeRequest("/ws/listen/churn", port);
    const QByteArray bye = clientFrame(OpClose, closePayload(1000));
    QElapsedTimer clock;
    clock.start();
    int started = 0;
    std::vector<C> live;
    auto finish = [&](C &c, bool reset) {
        if (reset) {
            const linger l{1, 0};
            ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        ::close(c.fd);
        c.fd = -1;
    };
    while (started < total || !live.empty()) {
        while (started < total && int(live.size()) < parallel) {
            C c;
            c.kind = mix[started % mix.size()];
            ++started;
            c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(port);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (c.fd < 0 || (::connect(c.fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 && errno != EINPROGRESS)) {
                ++r.failed;
                if (c.fd >= 0)
                    ::close(c.fd);
                continue;
            }
            c.startMs = clock.elapsed();
            live.push_back(std::move(c));
        }
        std::vector<pollfd> pfds(live.size());
        for (size_t i = 0; i < live.size(); ++i)
            pfds[i] = {live[i].fd, short(live[i].sent ? POLLIN : POLLOUT), 0};
        ::poll(pfds.data(), nfds_t(pfds.size()), 50);
        for (size_t i = 0; i < live.size(); ++i) {
            C &c = live[i];
            const bool tcpOnly = c.kind == ChurnKind::TcpClose || c.kind == ChurnKind::TcpReset;
            if (pfds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
                // Refused before we said anything: an answer may still be readable.
                char buf[4096];
                const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
                if (n > 0)
                    c.in.append(buf, n);
                const HttpReply h = parseHttp(c.in);
                if (h.status > 0 && h.status < 600)
                    ++r.statuses[h.status];
                else if (tcpOnly)
                    ++r.silent;
                else
                    ++r.failed;
                finish(c, false);
                continue;
            }
            if (!c.sent && (pfds[i].revents & POLLOUT)) {
                if (tcpOnly) {
                    // Connected; a beat to see whether the server answers unasked (429).
                    char buf[4096];
                    const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
                    if (n > 0) {
                        c.in.append(buf, n);
                        const HttpReply h = parseHttp(c.in);
                        if (h.status > 0 && h.status < 600)
                            ++r.statuses[h.status];
                        if (h.status == 429 && r.sample429.isEmpty())
                            r.sample429 = c.in;
                    } else {
                        ++r.silent;
                    }
                    finish(c, c.kind == ChurnKind::TcpReset);
                    continue;
                }
                ::send(c.fd, req.constData(), size_t(req.size()), MSG_NOSIGNAL);
                c.sent = true;
                continue;
            }
            if (c.sent && (pfds[i].revents & POLLIN)) {
                char buf[4096];
                const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
                if (n > 0)
                    c.in.append(buf, n);
                const qsizetype end = c.in.indexOf("\r\n\r\n");
                const HttpReply h = parseHttp(c.in);
                if (h.status == 101 && end >= 0 && c.in.size() > end + 4) {
                    // Upgraded and the server's first frame ("connected") is here.
                    ++r.opened;
                    if (c.kind == ChurnKind::WsClose)
                        ::send(c.fd, bye.constData(), size_t(bye.size()), MSG_NOSIGNAL);
                    finish(c, c.kind == ChurnKind::WsReset);
                    continue;
                }
                if (h.status != 101 && h.status > 0 && haveHttpAnswer(c.in)) {
                    if (h.status < 600)
                        ++r.statuses[h.status];
                    if (h.status == 429 && r.sample429.isEmpty())
                        r.sample429 = c.in;
                    finish(c, false);
                    continue;
                }
                if (n <= 0) {
                    ++r.failed;
                    finish(c, false);
                    continue;
                }
            }
            if (clock.elapsed() - c.startMs > 10000) {
                ++r.failed;
                finish(c, false);
            }
        }
        live.erase(std::remove_if(live.begin(), live.end(), [](const C &c) { return c.fd < 0; }), live.end());
    }
    return r;
}

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    // WebSocket framing
    void badFrames_data();
    void badFrames();
    void unmaskedClientFrame();
    void legitFragmentedMessages();
    void utf8SplitAcrossFragments();
    void stalledPartialFrame();
    // JSON control messages
    void jsonAbuse_data();
    void jsonAbuse();
    // upgrade paths
    void hostilePaths_data();
    void hostilePaths();
    // HTTP
    void garbageInsteadOfRequest_data();
    void garbageInsteadOfRequest();
    void malformedRequests_data();
    void malformedRequests();
    void headersTooLarge_data();
    void headersTooLarge();
    void slowlorisHead();
    void slowlorisCrowd();
    void slowBody();
    void bodyTooLarge();
    void bodyFlood_data();
    void bodyFlood();
    void connectionCloseHonoured();
    void origins_data();
    void origins();
    // churn
    void churnWithoutLimit();
    void churnRateLimited();

    void bystanderUnaffected(); // last: the whole suite ran while it played

private:
    void startServer(QProcess &p, const QStringList &extra, quint16 *port);
    int listenersOf(const QString &stream);

    QTemporaryDir m_dir;
    QProcess m_server;
    quint16 m_port = 0;
    bool m_leadFlags = false; // the server knows --request-timeout (the lead's acceptor work)
    QThread m_thread;
    Bystander *m_bystander = nullptr;
    int m_streamSeq = 0;
    QString nextStream() { return QStringLiteral("h%1").arg(++m_streamSeq); }
};

void TestHostile::startServer(QProcess &p, const QStringList &extra, quint16 *port)
{
    const QString data = m_dir.path() + QStringLiteral("/d%1").arg(QRandomGenerator::global()->generate());
    QDir().mkpath(data);
    p.setStandardErrorFile(data + QStringLiteral("/server.log"));
    *port = startServerProcess(p, QStringList{QStringLiteral("--open-speakers"), QStringLiteral("--data-dir"), data,
                                              QStringLiteral("--workers"), QStringLiteral("2")}
                                      + extra);
}

void TestHostile::initTestCase()
{
    ::signal(SIGPIPE, SIG_IGN);
    QVERIFY(m_dir.isValid());
    const QStringList base{QStringLiteral("--max-frame-bytes"), QString::number(kMaxFrameBytes),
                           QStringLiteral("--max-json-bytes"), QString::number(kMaxJsonBytes),
                           QStringLiteral("--handshake-timeout"), QString::number(kHandshakeTimeoutMs),
                           QStringLiteral("--max-connections"), QStringLiteral("15000"),
                           QStringLiteral("--max-listeners"), QStringLiteral("15000")};
    m_leadFlags = serverKnows(QStringLiteral("--request-timeout"));
    if (!m_leadFlags)
        qWarning("onair-server does not know --request-timeout yet: the HTTP timeout cases will fail");
    startServer(m_server,
                m_leadFlags ? base + QStringList{QStringLiteral("--request-timeout"), QString::number(kRequestTimeoutMs),
                                                 QStringLiteral("--http-idle-timeout"), QString::number(kHttpIdleTimeoutMs)}
                            : base,
                &m_port);
    QVERIFY(m_port != 0);

    m_bystander = new Bystander(m_port);
    m_bystander->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_bystander, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(m_bystander, &Bystander::start);
    QTRY_VERIFY_WITH_TIMEOUT(m_bystander->report().received >= 10, 10000);
}

void TestHostile::cleanup()
{
    // After every case: the server process lives and answers, the bystander still plays.
    QCOMPARE(m_server.state(), QProcess::Running);
    QCOMPARE(get(m_port, "/health").status, 200);
    const Bystander::Report r = m_bystander->report();
    QVERIFY(!r.listenerClosed);
    QVERIFY(!r.speakerClosed);
}

void TestHostile::cleanupTestCase()
{
    if (m_bystander)
        QMetaObject::invokeMethod(m_bystander, &Bystander::finish, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    if (m_server.state() == QProcess::Running) {
        ::kill(pid_t(m_server.processId()), SIGTERM);
        QVERIFY(m_server.waitForFinished(5000));
        QCOMPARE(m_server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_server.exitCode(), 0);
    }
}

int TestHostile::listenersOf(const QString &stream)
{
    const HttpReply h = get(m_port, "/health/connections");
    for (const QJsonValue &s : h.json().value(QLatin1String("streams")).toArray()) {
        if (s.toObject().value(QLatin1String("stream_id")).toString() == stream)
            return s.toObject().value(QLatin1String("listeners")).toInt();
    }
    return 0;
}

// ---- WebSocket framing ----------------------------------------------------------------------

void TestHostile::badFrames_data()
{
    QTest::addColumn<QString>("role"); // "speak" or "listen" (a listener may send text)
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("code");

    const QByteArray big(kMaxFrameBytes + 1, 'x');
    const QByteArray huge(kMaxJsonBytes + 1, 'x');
    QTest::addRow("binary over --max-frame-bytes") << "speak" << clientFrame(OpBinary, big) << 1009;
    QTest::addRow("binary over the message limit") << "speak" << clientFrame(OpBinary, huge) << 1009;
    QTest::addRow("text over --max-json-bytes") << "listen" << clientFrame(OpText, huge) << 1009;
    QTest::addRow("header announces 2^40 bytes") << "speak" << bigLengthHeader(OpBinary, quint64(1) << 40) << 1009;
    QTest::addRow("64-bit length with the top bit set") << "speak" << bigLengthHeader(OpBinary, quint64(1) << 63) << 1002;
    QTest::addRow("fragmented binary over the limit")
        << "speak" << clientFrame(OpBinary, QByteArray(70000, 'a'), false) + clientFrame(OpCont, QByteArray(70000, 'b')) << 1009;
    QTest::addRow("fragmented text over the limit")
        << "listen"
        << clientFrame(OpText, QByteArray(50000, 'a'), false) + clientFrame(OpCont, QByteArray(50000, 'b'), false)
               + clientFrame(OpCont, QByteArray(50000, 'c'))
        << 1009;
    QTest::addRow("invalid UTF-8: bad continuation") << "listen" << clientFrame(OpText, "{\"type\":\"\xC3\x28\"}") << 1007;
    QTest::addRow("invalid UTF-8: overlong '/'") << "listen" << clientFrame(OpText, "\xC0\xAF") << 1007;
    QTest::addRow("invalid UTF-8: surrogate") << "listen" << clientFrame(OpText, "\xED\xA0\x80") << 1007;
    QTest::addRow("invalid UTF-8: above U+10FFFF") << "listen" << clientFrame(OpText, "\xF4\x90\x80\x80") << 1007;
    QTest::addRow("invalid UTF-8: truncated at the end") << "listen" << clientFrame(OpText, "ping\xE2\x82") << 1007;
    QTest::addRow("invalid UTF-8: 0xFF") << "listen" << clientFrame(OpText, "\xFF") << 1007;
    QTest::addRow("invalid UTF-8 across fragments")
        << "listen" << clientFrame(OpText, "ab\xE2", false) + clientFrame(OpCont, "\x28\xA1") << 1007;
    QTest::addRow("continuation without a start") << "listen" << clientFrame(OpCont, "orphan") << 1002;
    QTest::addRow("new message inside a fragmented one")
        << "listen" << clientFrame(OpText, "{\"ty", false) + clientFrame(OpText, "pe\":1}") << 1002;
    QTest::addRow("ping with 126 bytes") << "listen" << clientFrame(OpPing, QByteArray(126, 'p')) << 1002;
    QTest::addRow("pong with 200 bytes") << "listen" << clientFrame(OpPong, QByteArray(200, 'p')) << 1002;
    QTest::addRow("close with 126 bytes") << "listen" << clientFrame(OpClose, closePayload(1000, QByteArray(124, 'c'))) << 1002;
    QTest::addRow("fragmented ping") << "listen" << clientFrame(OpPing, "a", false) << 1002;
    QTest::addRow("reserved data opcode 0x3") << "listen" << clientFrame(0x3, "x") << 1002;
    QTest::addRow("reserved control opcode 0xB") << "listen" << clientFrame(0xB, "x") << 1002;
    QTest::addRow("RSV1 set") << "listen" << clientFrame(OpText, "ping", true, true, 0x4) << 1002;
    QTest::addRow("RSV2 set") << "speak" << clientFrame(OpBinary, "data", true, true, 0x2) << 1002;
    QTest::addRow("RSV3 set") << "listen" << clientFrame(OpPing, "", true, true, 0x1) << 1002;
    QByteArray nonMinimal = clientFrame(OpText, "ping");
    nonMinimal = nonMinimal.left(1) + char(0x80 | 126) + QByteArray("\x00\x04", 2) + nonMinimal.mid(2);
    QTest::addRow("length 4 in the 16-bit form") << "listen" << nonMinimal << 1002;
    QTest::addRow("close with a 1-byte payload") << "listen" << clientFrame(OpClose, "\x03") << 1002;
    QTest::addRow("close with code 1005 (reserved)") << "listen" << clientFrame(OpClose, closePayload(1005)) << 1002;
    QTest::addRow("close with code 999") << "listen" << clientFrame(OpClose, closePayload(999)) << 1002;
    QTest::addRow("close with invalid UTF-8 reason") << "listen" << clientFrame(OpClose, closePayload(1000, "\xC3\x28")) << 1007;
    QTest::addRow("close echoed (well-formed)") << "listen" << clientFrame(OpClose, closePayload(1000, "bye")) << 1000;
}

void TestHostile::badFrames()
{
    QFETCH(QString, role);
    QFETCH(QByteArray, bytes);
    QFETCH(int, code);
    const QString stream = nextStream();
    RawWsClient ws;
    QCOMPARE(ws.open(m_port, QStringLiteral("/ws/%1/%2").arg(role, stream).toUtf8()), 101);
    QVERIFY(!ws.waitJson(QStringLiteral("connected")).isEmpty());
    ws.clearFrames();
    ws.send(bytes);
    QVERIFY2(ws.readUntil([&](const QByteArray &) { return ws.haveClose(); }, 5000),
             qPrintable(QStringLiteral("no close frame; eof %1, got %2 bytes").arg(ws.eof).arg(ws.in.size())));
    QString reason;
    QCOMPARE(ws.closeCode(&reason), code);
    qInfo().noquote() << "close" << code << reason;
    // The server ends the TCP connection itself, without waiting for the client's echo.
    QElapsedTimer t;
    t.start();
    QVERIFY2(ws.waitEof(5000), "the server kept the connection open after its close frame");
    qInfo().noquote() << "TCP closed" << t.elapsed() << "ms after the close frame";
    // And nothing is left behind: the stream takes a new client of the same role.
    QTRY_COMPARE_WITH_TIMEOUT(listenersOf(stream), 0, 5000);
    RawWsClient again;
    QCOMPARE(again.open(m_port, QStringLiteral("/ws/%1/%2").arg(role, stream).toUtf8()), 101);
    QVERIFY(!again.waitJson(QStringLiteral("connected")).isEmpty());
}

void TestHostile::unmaskedClientFrame()
{
    // RFC 6455 5.1: "The server MUST close the connection upon receiving a frame that is not
    // masked" (close 1002).
    RawWsClient ws;
    QCOMPARE(ws.open(m_port, "/ws/listen/" + nextStream().toUtf8()), 101);
    QVERIFY(!ws.waitJson(QStringLiteral("connected")).isEmpty());
    ws.clearFrames();
    ws.send(clientFrame(OpText, "{\"type\":\"ping\",\"t\":7}", true, false));
    ws.readUntil([&](const QByteArray &) { return ws.haveClose() || !ws.frames().isEmpty(); }, 3000);
    QEXPECT_FAIL("", "Qt 6.4's QWebSocket accepts unmasked client frames (no mask check in QWebSocketFrame); "
                     "reported to the lead, not patched here", Continue);
    QCOMPARE(ws.closeCode(), 1002);
}

void TestHostile::legitFragmentedMessages()
{
    const QString stream = nextStream();
    RawWsClient listener, speaker;
    QCOMPARE(listener.open(m_port, "/ws/listen/" + stream.toUtf8()), 101);
    QVERIFY(!listener.waitJson(QStringLiteral("connected")).isEmpty());
    QCOMPARE(speaker.open(m_port, "/ws/speak/" + stream.toUtf8()), 101);
    QVERIFY(!speaker.waitJson(QStringLiteral("connected")).isEmpty());
    QVERIFY(!listener.waitJson(QStringLiteral("speaker_joined")).isEmpty());
    listener.clearFrames();

    // Binary in three fragments with a ping in between: one frame for the listener.
    QByteArray audio(3000, 0);
    for (int i = 0; i < audio.size(); ++i)
        audio[i] = char(i * 7);
    speaker.send(clientFrame(OpBinary, audio.left(1000), false) + clientFrame(OpPing, "mid") + clientFrame(OpCont, audio.mid(1000, 1000), false)
                 + clientFrame(OpCont, audio.mid(2000)));
    QVERIFY(listener.readUntil([&](const QByteArray &) {
        for (const RawFrame &f : listener.frames())
            if (f.opcode == OpBinary)
                return true;
        return false;
    }, 5000));
    QList<QByteArray> binaries;
    for (const RawFrame &f : listener.frames())
        if (f.opcode == OpBinary)
            binaries.append(f.payload);
    QCOMPARE(binaries.size(), 1);
    QCOMPARE(binaries.first(), audio);
    // The interleaved ping was answered.
    QVERIFY(speaker.readUntil([&](const QByteArray &) {
        for (const RawFrame &f : speaker.frames())
            if (f.opcode == OpPong && f.payload == "mid")
                return true;
        return false;
    }, 5000));

    // A JSON ping in three text fragments, multi-byte characters whole in each fragment.
    const QByteArray json = QStringLiteral("{\"type\":\"ping\",\"t\":42,\"x\":\"\u00e9\u266b\"}").toUtf8();
    const qsizetype cut = json.indexOf("\"x\"");
    speaker.send(clientFrame(OpText, json.left(8), false) + clientFrame(OpCont, json.mid(8, cut - 8), false) + clientFrame(OpCont, json.mid(cut)));
    QCOMPARE(speaker.waitJson(QStringLiteral("pong")).value(QLatin1String("t")).toInt(), 42);
    QVERIFY(!speaker.haveClose());
    QVERIFY(!listener.haveClose());
}

void TestHostile::utf8SplitAcrossFragments()
{
    // RFC 6455 5.6: "a particular text frame might include a partial UTF-8 sequence; however,
    // the whole message MUST contain valid UTF-8". Here "\u00e9" (C3 A9) is split between two
    // fragments of a valid message.
    RawWsClient ws;
    QCOMPARE(ws.open(m_port, "/ws/listen/" + nextStream().toUtf8()), 101);
    QVERIFY(!ws.waitJson(QStringLiteral("connected")).isEmpty());
    const QByteArray json = QStringLiteral("{\"type\":\"ping\",\"t\":43,\"x\":\"\u00e9\"}").toUtf8();
    const qsizetype cut = json.indexOf("\xC3") + 1;
    ws.send(clientFrame(OpText, json.left(cut), false) + clientFrame(OpCont, json.mid(cut)));
    ws.readUntil([&](const QByteArray &) { return ws.haveClose() || ws.waitJson(QStringLiteral("pong"), 1).size(); }, 3000);
    QString reason;
    qInfo().noquote() << "close code" << ws.closeCode(&reason) << reason;
    QEXPECT_FAIL("", "Qt 6.4.2's QWebSocket closes with 1007 when a valid multi-byte character is split "
                     "between fragments (it checks each fragment's UTF-8 on its own); reported to the lead, not patched",
                 Continue);
    QCOMPARE(ws.waitJson(QStringLiteral("pong"), 1).value(QLatin1String("t")).toInt(), 43);
}

void TestHostile::stalledPartialFrame()
{
    // A frame that never completes (the header promises 60000 bytes, 10 come) must not hold
    // up the worker thread that reads it: the bystander keeps playing meanwhile (checked at
    // the end), and a listener on every worker still gets a fresh stream's frames.
    const QString stream = nextStream();
    QList<RawWsClient *> stallers;
    for (int i = 0; i < 4; ++i) { // at least one per worker (round robin)
        auto *s = new RawWsClient;
        stallers.append(s);
        QCOMPARE(s->open(m_port, "/ws/listen/" + nextStream().toUtf8()), 101);
        QVERIFY(!s->waitJson(QStringLiteral("connected")).isEmpty());
        QByteArray partial = clientFrame(OpBinary, QByteArray(60000, 'z'));
        s->send(partial.left(14 + 10));
    }
    RawWsClient speaker;
    QList<RawWsClient *> listeners;
    for (int i = 0; i < 2; ++i) {
        auto *l = new RawWsClient;
        listeners.append(l);
        QCOMPARE(l->open(m_port, "/ws/listen/" + stream.toUtf8()), 101);
        QVERIFY(!l->waitJson(QStringLiteral("connected")).isEmpty());
    }
    QCOMPARE(speaker.open(m_port, "/ws/speak/" + stream.toUtf8()), 101);
    QElapsedTimer t;
    t.start();
    for (RawWsClient *l : std::as_const(listeners))
        l->clearFrames();
    speaker.send(clientFrame(OpBinary, "fresh"));
    for (RawWsClient *l : std::as_const(listeners)) {
        QVERIFY(l->readUntil([&](const QByteArray &) {
            for (const RawFrame &f : l->frames())
                if (f.opcode == OpBinary)
                    return true;
            return false;
        }, 10000));
    }
    const qint64 ms = t.elapsed();
    qInfo() << "frame delivered past 4 stalled partial frames in" << ms << "ms";
    QVERIFY2(ms < 2000, qPrintable(QStringLiteral("a stalled partial frame held a worker for %1 ms").arg(ms)));
    // The stalled senders are closed eventually (Qt gives up on the frame) or stay harmless.
    for (RawWsClient *s : std::as_const(stallers)) {
        s->waitEof(100);
        delete s;
    }
    qDeleteAll(listeners);
}

// ---- JSON control messages ------------------------------------------------------------------

void TestHostile::jsonAbuse_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QString>("error");

    QTest::addRow("100k '[' nesting bomb") << "listen" << QByteArray(100000, '[') << "invalid_json";
    QByteArray deep;
    for (int i = 0; i < 10000; ++i)
        deep += "{\"a\":";
    deep += "1" + QByteArray(10000, '}');
    QTest::addRow("deep {\"a\":{\"a\":...}}") << "listen" << deep << "invalid_json";
    QTest::addRow("deep but closed arrays") << "listen" << QByteArray(2000, '[') + QByteArray(2000, ']') << "invalid_json";
    QTest::addRow("truncated JSON") << "listen" << QByteArray("{\"type\":\"pi") << "invalid_json";
    QTest::addRow("trailing garbage") << "listen" << QByteArray("{\"type\":\"ping\"}xyz") << "invalid_json";
    // Qt's JSON parser takes raw control characters inside strings (RFC 8259 wants them escaped):
    // harmless, the type is then simply unknown.
    QTest::addRow("raw NUL inside a string") << "listen" << QByteArray("{\"type\":\"a\0b\"}", 14) << "unknown_type";
    QTest::addRow("array, not an object") << "listen" << QByteArray("[1,2,3]") << "not_an_object";
    // QJsonDocument::fromJson takes only an object or an array at the top level.
    QTest::addRow("bare string") << "listen" << QByteArray("\"hello\"") << "invalid_json";
    QTest::addRow("bare number") << "listen" << QByteArray("12") << "invalid_json";
    QTest::addRow("empty object") << "listen" << QByteArray("{}") << "missing_type";
    QTest::addRow("number out of double range") << "listen" << QByteArray("{\"type\":\"ping\",\"t\":1e400}") << "invalid_json";
    QTest::addRow("type is a number") << "listen" << QByteArray("{\"type\":7}") << "missing_type";
    QTest::addRow("type is true") << "listen" << QByteArray("{\"type\":true}") << "missing_type";
    QTest::addRow("type is an array") << "listen" << QByteArray("{\"type\":[\"ping\"]}") << "missing_type";
    QTest::addRow("type is null") << "listen" << QByteArray("{\"type\":null}") << "missing_type";
    QTest::addRow("type is empty") << "listen" << QByteArray("{\"type\":\"\"}") << "missing_type";
    QTest::addRow("unknown type") << "listen" << QByteArray("{\"type\":\"rm -rf\"}") << "unknown_type";
    QTest::addRow("unknown type, 10k characters") << "listen" << "{\"type\":\"" + QByteArray(10000, 'q') + "\"}" << "unknown_type";
    QTest::addRow("type with an escaped lone surrogate") << "listen" << QByteArray("{\"type\":\"\\ud800\"}") << "unknown_type";
    QTest::addRow("type with an escaped NUL") << "listen" << QByteArray("{\"type\":\"ping\\u0000\"}") << "unknown_type";
    QTest::addRow("duplicate keys") << "listen" << QByteArray("{\"type\":\"x\",\"type\":\"y\"}") << "unknown_type";
    QTest::addRow("hello from a listener") << "listen" << QByteArray("{\"type\":\"hello\",\"format\":{\"codec\":\"pcm\"}}") << "unknown_type";
    QTest::addRow("hello: format a string") << "speak" << QByteArray("{\"type\":\"hello\",\"format\":\"pcm\"}") << "invalid_hello";
    QTest::addRow("hello: huge sample rate")
        << "speak" << QByteArray("{\"type\":\"hello\",\"format\":{\"codec\":\"pcm\",\"sample_rate\":1e308}}") << "invalid_hello";
    QTest::addRow("hello: channels -1")
        << "speak" << QByteArray("{\"type\":\"hello\",\"format\":{\"codec\":\"opus\",\"channels\":-1}}") << "invalid_hello";
    QTest::addRow("hello: bitrate a string")
        << "speak" << QByteArray("{\"type\":\"hello\",\"format\":{\"codec\":\"opus\",\"bitrate\":\"max\"}}") << "invalid_hello";
    QTest::addRow("hello: codec nested bomb")
        << "speak" << "{\"type\":\"hello\",\"format\":{\"codec\":" + QByteArray(500, '[') + QByteArray(500, ']') + "}}"
        << "invalid_hello";
    QTest::addRow("mark: id 1e308") << "speak" << QByteArray("{\"type\":\"mark\",\"id\":1e308,\"t\":1}") << "invalid_mark";
    QTest::addRow("mark: id -1") << "speak" << QByteArray("{\"type\":\"mark\",\"id\":-1,\"t\":1}") << "invalid_mark";
    QTest::addRow("mark: id 1.5") << "speak" << QByteArray("{\"type\":\"mark\",\"id\":1.5,\"t\":1}") << "invalid_mark";
    QTest::addRow("mark: t a string") << "speak" << QByteArray("{\"type\":\"mark\",\"id\":1,\"t\":\"now\"}") << "invalid_mark";
    QTest::addRow("mark: t 1e300") << "speak" << QByteArray("{\"type\":\"mark\",\"id\":1,\"t\":1e300}") << "invalid_mark";
    QTest::addRow("subscribe: topics a string") << "events" << QByteArray("{\"type\":\"subscribe\",\"topics\":\"all\"}") << "invalid_topics";
    QTest::addRow("subscribe: path traversal topic")
        << "events" << QByteArray("{\"type\":\"subscribe\",\"topics\":[\"../../etc\"]}") << "invalid_topic";
    QTest::addRow("subscribe: unicode topic")
        << "events" << QStringLiteral("{\"type\":\"subscribe\",\"topics\":[\"project:\U0001F3A4\"]}").toUtf8() << "invalid_topic";
    QTest::addRow("subscribe: number topic") << "events" << QByteArray("{\"type\":\"subscribe\",\"topics\":[12]}") << "invalid_topic";
    QTest::addRow("subscribe: nested topic") << "events" << QByteArray("{\"type\":\"subscribe\",\"topics\":[[\"all\"]]}") << "invalid_topic";
    QByteArray many = "{\"type\":\"subscribe\",\"topics\":[";
    for (int i = 0; i < 1000; ++i)
        many += (i ? ",\"p:" : "\"p:") + QByteArray::number(i) + '"';
    many += "]}";
    QTest::addRow("subscribe: 1000 topics") << "events" << many << "too_many_topics";
    QTest::addRow("acknowledge: id an object")
        << "events" << QByteArray("{\"type\":\"acknowledge_broadcast\",\"broadcast_id\":{}}") << "unknown_broadcast";
}

void TestHostile::jsonAbuse()
{
    QFETCH(QString, role);
    QFETCH(QByteArray, message);
    QFETCH(QString, error);
    const QByteArray target = role == QLatin1String("events") ? QByteArray("/ws/events")
                                                               : QStringLiteral("/ws/%1/%2").arg(role, nextStream()).toUtf8();
    RawWsClient ws;
    QCOMPARE(ws.open(m_port, target), 101);
    QVERIFY(!ws.waitJson(QStringLiteral("connected")).isEmpty());
    ws.clearFrames();
    ws.send(clientFrame(OpText, message));
    const QJsonObject e = ws.waitJson(QStringLiteral("error"));
    QVERIFY2(!e.isEmpty(), qPrintable(QStringLiteral("no error message; close code %1").arg(ws.closeCode())));
    QCOMPARE(e.value(QLatin1String("error")).toString(), error);
    QVERIFY(e.value(QLatin1String("message")).isString());
    qInfo().noquote() << error << ":" << e.value(QLatin1String("message")).toString().left(100);
    // The connection is still usable.
    ws.send(clientFrame(OpText, "{\"type\":\"ping\",\"t\":5}"));
    QCOMPARE(ws.waitJson(QStringLiteral("pong")).value(QLatin1String("t")).toInt(), 5);
    QVERIFY(!ws.haveClose());
}

// ---- upgrade paths -------------------------------------------------------------------------

void TestHostile::hostilePaths_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<bool>("upgrade");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    const char *ws[] = {"/ws/listen/", "/ws/speak/"};
    for (const char *prefix : ws) {
        const QByteArray p(prefix);
        QTest::addRow("%s encoded traversal", prefix) << p + "..%2F..%2Fetc%2Fpasswd" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s raw traversal", prefix) << p + "../../etc/passwd" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s '..'", prefix) << p + ".." << true << 400 << "invalid_stream_id";
        QTest::addRow("%s encoded '..'", prefix) << p + "%2e%2e" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s double-encoded traversal", prefix) << p + "%252e%252e%252fetc" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s overlong '.' (C0 AE)", prefix) << p + "%C0%AE%C0%AE" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s emoji", prefix) << p + "%F0%9F%8E%A4" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s raw UTF-8 bytes", prefix) << p + "caf\xC3\xA9" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s fullwidth A", prefix) << p + "%EF%BC%A1" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s encoded NUL", prefix) << p + "a%00b" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s encoded slash", prefix) << p + "a%2Fb" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s backslash", prefix) << p + "a%5Cb" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s 65 characters", prefix) << p + QByteArray(65, 'a') << true << 400 << "invalid_stream_id";
        QTest::addRow("%s 4000 characters", prefix) << p + QByteArray(4000, 'a') << true << 400 << "invalid_stream_id";
        QTest::addRow("%s empty", prefix) << p << true << 400 << "invalid_stream_id";
        QTest::addRow("%s bad percent escape", prefix) << p + "ab%zz" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s CRLF injection", prefix) << p + "a%0D%0ASet-Cookie:x" << true << 400 << "invalid_stream_id";
        QTest::addRow("%s space", prefix) << p + "a%20b" << true << 400 << "invalid_stream_id";
    }
    // An encoded '/' makes the page path one no route matches; still an invalid id (no file read).
    QTest::addRow("page: traversal") << QByteArray("/listen/..%2F..%2Fetc") << false << 400 << "invalid_stream_id";
    QTest::addRow("speak page: traversal") << QByteArray("/speak/a%2Fb") << false << 400 << "invalid_stream_id";
    QTest::addRow("page: '..'") << QByteArray("/listen/..") << false << 400 << "invalid_stream_id";
    QTest::addRow("page: emoji") << QByteArray("/speak/%F0%9F%8E%A4") << false << 400 << "invalid_stream_id";
    QTest::addRow("asset: traversal") << QByteArray("/assets/..%2F..%2Fetc%2Fpasswd") << false << 404 << "not_found";
    QTest::addRow("api: traversal in a banner id") << QByteArray("/api/broadcasts/..%2F..%2Fx/ack") << false << 404 << "not_found";
    QTest::addRow("unknown ws path") << QByteArray("/ws/..%2Fhealth") << true << 404 << "not_found";
}

void TestHostile::hostilePaths()
{
    QFETCH(QByteArray, target);
    QFETCH(bool, upgrade);
    QFETCH(int, status);
    QFETCH(QString, error);
    const QByteArray request = upgrade ? ::upgradeRequest(target, m_port)
                                       : "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    const HttpReply h = rawHttp(m_port, QList<QByteArray>{request}, 5000, false);
    QCOMPARE(h.status, status);
    QCOMPARE(h.json().value(QLatin1String("error")).toString(), error);
    QVERIFY(h.json().value(QLatin1String("message")).isString());
}

// ---- HTTP ----------------------------------------------------------------------------------

void TestHostile::garbageInsteadOfRequest_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QByteArray noise(600, 0);
    QRandomGenerator rng(7);
    for (int i = 0; i < noise.size(); ++i)
        noise[i] = char(rng.bounded(256));
    noise.replace("\r\n\r\n", "....");
    QTest::addRow("binary noise") << noise;
    QTest::addRow("binary noise, then CRLFCRLF") << noise + "\r\n\r\n";
    // A TLS 1.2 ClientHello on the plain port (record header, handshake header, random).
    QByteArray hello = QByteArray::fromHex("160301006a0100006603035f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817000"
                                           "0020c02bc02fc02cc030cca9cca8c013c014009c009d002f0035000a0100001d0000000e000c0000096c6f63"
                                           "616c686f7374000b00020100");
    QTest::addRow("TLS ClientHello") << hello;
    QTest::addRow("request line without a version") << QByteArray("GET /\r\n\r\n");
    QTest::addRow("request line of spaces") << QByteArray("     \r\n\r\n");
    QTest::addRow("only CRLFs") << QByteArray("\r\n\r\n\r\n\r\n");
}

void TestHostile::garbageInsteadOfRequest()
{
    QFETCH(QByteArray, bytes);
    const HttpReply h = rawHttp(m_port, bytes, 5000, true);
    qInfo().noquote() << "status" << h.status << "after" << h.ms << "ms, closed" << h.closed << h.body.left(100);
    QCOMPARE(h.status, 400);
    QCOMPARE(h.json().value(QLatin1String("error")).toString(), QStringLiteral("bad_request"));
    QVERIFY(h.closed);
    QVERIFY2(h.ms < kHandshakeTimeoutMs, "garbage must be answered at once, not at the handshake timeout");
}

void TestHostile::malformedRequests_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addRow("header without a colon") << QByteArray("GET /health HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n") << 400 << "bad_request";
    QTest::addRow("folded header") << QByteArray("GET /health HTTP/1.1\r\nHost: x\r\n  folded\r\n\r\n") << 400 << "bad_request";
    QTest::addRow("LF without CR") << QByteArray("GET /health HTTP/1.1\nHost: x\n\r\n\r\n") << 400 << "bad_request";
    QTest::addRow("HTTP/9.9") << QByteArray("GET /health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n") << 505 << "http_version_not_supported";
    QTest::addRow("NUL in the request line") << QByteArray("GET /hea\0lth HTTP/1.1\r\nHost: x\r\n\r\n", 34) << 400 << "bad_request";
    QTest::addRow("absolute URL to elsewhere") << QByteArray("GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n") << 400 << "bad_request";
    QTest::addRow("negative Content-Length")
        << QByteArray("POST /api/publish HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n") << 400 << "bad_request";
    QTest::addRow("Content-Length 2^64")
        << QByteArray("POST /api/publish HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551616\r\n\r\n") << 400 << "bad_request";
    // Two different lengths: the classic request-smuggling vector behind a proxy.
    QTest::addRow("two Content-Lengths")
        << QByteArray("POST /api/publish HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}") << 400 << "bad_request";
    QTest::addRow("chunked body (not accepted)")
        << QByteArray("POST /api/publish HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n") << 411 << "length_required";
    QTest::addRow("second request on the connection is garbage")
        << QByteArray("GET /health HTTP/1.1\r\nHost: x\r\n\r\n\x16\x03\x01garbage\r\n\r\n") << 400 << "bad_request";
}

void TestHostile::malformedRequests()
{
    // RFC 9112: a malformed request line or header field or an invalid or repeated
    // Content-Length is answered 400 and the connection closed.
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(QString, error);
    HttpReply h = rawHttp(m_port, bytes, 5000, true);
    if (h.status == 200) { // the pipelined case: the refusal follows the first answer
        const qsizetype next = h.body.indexOf("HTTP/1.1 ");
        QVERIFY(next > 0);
        h = parseHttp(h.body.mid(next));
        h.closed = true;
    }
    qInfo().noquote() << "status" << h.status << "closed" << h.closed << h.body.left(100);
    QCOMPARE(h.status, status);
    QCOMPARE(h.json().value(QLatin1String("error")).toString(), error);
    QVERIFY(h.closed);
}

void TestHostile::headersTooLarge_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<bool>("complete");
    const QByteArray big(20000, 'h');
    QTest::addRow("one huge header, complete") << "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n" << true;
    QByteArray many = "GET /health HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 2000; ++i)
        many += "X-H" + QByteArray::number(i) + ": 1234567890\r\n";
    QTest::addRow("2000 headers") << many + "\r\n" << true;
    QTest::addRow("huge header, never ends") << "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + big << false;
    QTest::addRow("huge request line") << "GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n" << true;
    QTest::addRow("huge upgrade request") << upgradeRequest("/ws/listen/main", 1, "X-Big: " + big + "\r\n") << true;
}

void TestHostile::headersTooLarge()
{
    QFETCH(QByteArray, request);
    const HttpReply h = rawHttp(m_port, request, 5000, true);
    qInfo().noquote() << "status" << h.status << "after" << h.ms << "ms" << h.body.left(100);
    QCOMPARE(h.status, 431);
    QCOMPARE(h.json().value(QLatin1String("error")).toString(), QStringLiteral("headers_too_large"));
    QVERIFY(h.closed);
}

void TestHostile::slowlorisHead()
{
    // One byte a second: the head is not complete within --handshake-timeout.
    const QByteArray req("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QList<QByteArray> bytes;
    for (int i = 0; i < 5; ++i)
        bytes.append(req.mid(i, 1));
    const HttpReply h = rawHttp(m_port, bytes, 6000, true, 1000);
    qInfo().noquote() << "status" << h.status << "after" << h.ms << "ms";
    QCOMPARE(h.status, 408);
    QCOMPARE(h.json().value(QLatin1String("error")).toString(), QStringLiteral("request_timeout"));
    QVERIFY(h.closed);
    QVERIFY(h.ms >= kHandshakeTimeoutMs - 100);
}

void TestHostile::slowlorisCrowd()
{
    // 500 half-sent heads at once (HTTP and upgrades): all are ended by the timeout, none
    // stays, and a real client is served meanwhile.
    std::vector<std::unique_ptr<RawConnection>> crowd;
    const qint64 pid = m_server.processId();
    const int fdsBefore = openFds(pid);
    for (int i = 0; i < 500; ++i) {
        auto c = std::make_unique<RawConnection>();
        QVERIFY(c->connectTo(m_port));
        c->send(i % 2 ? QByteArray("GET /health HTTP/1.1\r\nHost: x\r\n") : QByteArray("GET /ws/listen/main HTTP/1.1\r\nUpgrade: websoc"));
        crowd.push_back(std::move(c));
    }
    RawWsClient fine;
    QCOMPARE(fine.open(m_port, "/ws/listen/" + nextStream().toUtf8()), 101);
    QVERIFY(!fine.waitJson(QStringLiteral("connected")).isEmpty());
    int ended = 0, answered408 = 0;
    QElapsedTimer t;
    t.start();
    for (auto &c : crowd) {
        c->waitEof(int(qMax<qint64>(1, 8000 - t.elapsed())));
        ended += c->eof ? 1 : 0;
        answered408 += parseHttp(c->in).status == 408 ? 1 : 0;
    }
    qInfo() << ended << "of 500 slow heads ended in" << t.elapsed() << "ms," << answered408 << "with 408";
    QCOMPARE(ended, 500);
    crowd.clear();
    QTRY_VERIFY_WITH_TIMEOUT(openFds(pid) <= fdsBefore + 2, 5000);
    QVERIFY(!fine.haveClose());
    QCOMPARE(answered408, 500);
}

void TestHostile::slowBody()
{
    if (!m_leadFlags)
        QFAIL("onair-server has no --request-timeout yet (the lead's acceptor work)");
    const QByteArray head("POST /api/broadcasts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Content-Length: 100\r\n\r\n{\"message\":");
    const HttpReply h = rawHttp(m_port, QList<QByteArray>{head}, kRequestTimeoutMs + 4000, true);
    qInfo().noquote() << "status" << h.status << "after" << h.ms << "ms";
    QCOMPARE(h.status, 408);
    QCOMPARE(h.json().value(QLatin1String("error")).toString(), QStringLiteral("request_timeout"));
    QVERIFY(h.closed);
    QVERIFY(h.ms >= kRequestTimeoutMs - 100);
}

void TestHostile::bodyTooLarge()
{
    // Refused from the head alone: the body is never sent.
    const QByteArray head("POST /api/broadcasts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Content-Length: 1000000000\r\n\r\n");
    const HttpReply h = rawHttp(m_port, QList<QByteArray>{head}, 3000, true);
    qInfo().noquote() << "status" << h.status << "after" << h.ms << "ms";
    QCOMPARE(h.status, 413);
    QCOMPARE(h.json().value(QLatin1String("error")).toString(), QStringLiteral("body_too_large"));
    QVERIFY(h.ms < 2000);
}

void TestHostile::bodyFlood_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("chunked");
    const QByteArray post("POST /api/broadcasts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n");
    QTest::addRow("Content-Length 1 GB") << post + "Content-Length: 1000000000\r\n\r\n" << false;
    QTest::addRow("GET with a 1 GB body") << QByteArray("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n") << false;
    QTest::addRow("chunked, no length") << post + "Transfer-Encoding: chunked\r\n\r\n" << true;
}

// bodyFlood: a length over the limit is 413 body_too_large; a chunked body, whose length
// nobody knows in advance, is 411 length_required.

void TestHostile::bodyFlood()
{
    // One unauthenticated client streams a body far over --max-body-bytes: the server must
    // refuse it (413) instead of buffering it. Before the fix QHttpServer kept every byte
    // (400 MB sent = +800 MB of server memory).
    QFETCH(QByteArray, head);
    QFETCH(bool, chunked);
    const qint64 pid = m_server.processId();
    const qint64 before = rssKb(pid);
    RawConnection c;
    QVERIFY(c.connectTo(m_port));
    const timeval tv{1, 0};
    ::setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    c.send(head);
    c.readUntil(haveHttpAnswer, 300); // a length over the limit is refused from the head alone
    const QByteArray mb(1 << 20, 'x');
    const QByteArray piece = chunked ? "100000\r\n" + mb + "\r\n" : mb;
    qint64 sentMb = 0;
    while (!haveHttpAnswer(c.in) && !c.eof && sentMb < 64) {
        if (!c.send(piece))
            break;
        ++sentMb;
        c.readSome(0); // read an early answer before a reset could discard it
    }
    c.readUntil(haveHttpAnswer, 2000);
    const HttpReply h = parseHttp(c.in);
    const qint64 grownMb = (rssKb(pid) - before) / 1024;
    qInfo().noquote() << "sent" << sentMb << "MB; status" << h.status << "; server memory grew by" << grownMb << "MB";
    QVERIFY2(grownMb < 32, qPrintable(QStringLiteral("the server buffered the body: +%1 MB").arg(grownMb)));
    QCOMPARE(h.status, chunked ? 411 : 413);
    QCOMPARE(h.json().value(QLatin1String("error")).toString(),
             chunked ? QStringLiteral("length_required") : QStringLiteral("body_too_large"));
    QVERIFY(c.waitEof(3000));
}

void TestHostile::connectionCloseHonoured()
{
    // RFC 9112 9.6: a server that receives "Connection: close" closes the connection after its
    // answer (QHttpServer 6.4 does not; the acceptor does it for it).
    RawConnection c;
    QVERIFY(c.connectTo(m_port));
    c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QVERIFY(c.readUntil(haveHttpAnswer, 5000));
    QCOMPARE(parseHttp(c.in).status, 200);
    QElapsedTimer t;
    t.start();
    c.waitEof(500);
    qInfo() << "closed" << c.eof << "after" << t.elapsed() << "ms";
    // QHttpServer 6.4 alone would keep it open; the acceptor's guard closes it once answered.
    QVERIFY2(c.eof, "the connection stayed open after a Connection: close request");
}

void TestHostile::origins_data()
{
    QTest::addColumn<QByteArray>("origin"); // %1 = the port
    QTest::addColumn<int>("status");
    QTest::addRow("none (not a browser)") << QByteArray() << 101;
    QTest::addRow("own origin") << QByteArray("http://127.0.0.1:%1") << 101;
    QTest::addRow("foreign origin") << QByteArray("http://evil.example") << 403;
    QTest::addRow("same host, other port") << QByteArray("http://127.0.0.1:1") << 403;
    QTest::addRow("own host as a suffix") << QByteArray("http://127.0.0.1:%1.evil.example") << 403;
    QTest::addRow("null") << QByteArray("null") << 403;
}

void TestHostile::origins()
{
    QFETCH(QByteArray, origin);
    QFETCH(int, status);
    const QByteArray o = QByteArray(origin).replace("%1", QByteArray::number(m_port));
    RawWsClient ws;
    const int got = ws.open(m_port, "/ws/listen/" + nextStream().toUtf8(), o.isEmpty() ? QByteArray() : "Origin: " + o + "\r\n");
    QCOMPARE(got, status);
    if (status == 403) {
        QCOMPARE(ws.answer.json().value(QLatin1String("error")).toString(), QStringLiteral("origin_not_allowed"));
    }
}

// ---- churn ---------------------------------------------------------------------------------

void TestHostile::churnWithoutLimit()
{
    // 10,000 connections: WebSocket listeners that close properly or reset, and bare TCP
    // connects that send nothing and close or reset. Loopback is exempt from the rate limit.
    const qint64 pid = m_server.processId();
    QTRY_COMPARE_WITH_TIMEOUT(listenersOf(QStringLiteral("churn")), 0, 5000);
    const int fdsBefore = openFds(pid);
    QElapsedTimer t;
    t.start();
    const ChurnResult r = churn(m_port, 10000, 200,
                                {ChurnKind::WsClose, ChurnKind::WsReset, ChurnKind::TcpClose, ChurnKind::WsClose,
                                 ChurnKind::TcpReset});
    const qint64 ms = t.elapsed();
    int other = 0;
    for (int s = 0; s < 600; ++s)
        other += r.statuses[s];
    qInfo() << "churn: 10000 connections in" << ms << "ms:" << r.opened << "upgraded," << r.silent
            << "bare," << other << "other answers," << r.failed << "failed";
    QCOMPARE(r.opened, 6000);
    QCOMPARE(r.silent, 4000);
    QCOMPARE(r.failed, 0);
    // Everything is released: no listener left, no descriptor leaked.
    QTRY_COMPARE_WITH_TIMEOUT(listenersOf(QStringLiteral("churn")), 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(openFds(pid) <= fdsBefore + 2, 10000);
    qInfo() << "server fds before" << fdsBefore << "after" << openFds(pid);
}

void TestHostile::churnRateLimited()
{
    if (!serverKnows(QStringLiteral("--connect-burst")))
        QFAIL("onair-server does not know --rate-limit-exempt / --connect-rate / --connect-burst yet (the lead's acceptor work)");
    QProcess limited;
    quint16 port = 0;
    startServer(limited, {QStringLiteral("--rate-limit-exempt"), QStringLiteral("none"), QStringLiteral("--connect-rate"),
                          QStringLiteral("50"), QStringLiteral("--connect-burst"), QStringLiteral("100")},
                &port);
    QVERIFY(port != 0);
    const qint64 pid = limited.processId();
    const int fdsBefore = openFds(pid);
    QElapsedTimer t;
    t.start();
    const ChurnResult r = churn(port, 10000, 200, {ChurnKind::WsClose, ChurnKind::WsReset, ChurnKind::TcpClose});
    const qint64 ms = t.elapsed();
    qInfo() << "rate-limited churn: 10000 connections in" << ms << "ms:" << r.opened << "upgraded," << r.statuses[429]
            << "x 429," << r.silent << "silent," << r.failed << "failed";
    QVERIFY(r.statuses[429] > 5000);
    QVERIFY(r.opened >= 50 && r.opened < 2000); // the burst and the refill, not everything
    // Under TSan (scripts/sanitize.sh) the server is ~10x slower and a few of the 10,000 time
    // out or are reset before their 429 is read (seen: 21); allow 0.5% there, none otherwise.
    if (qEnvironmentVariableIsSet("ONAIR_SANITIZER"))
        QVERIFY2(r.failed <= 50, qPrintable(QString::number(r.failed)));
    else
        QCOMPARE(r.failed, 0);
    const HttpReply sample = parseHttp(r.sample429);
    QCOMPARE(sample.status, 429);
    QVERIFY(!sample.header("Retry-After").isEmpty());
    QCOMPARE(sample.json().value(QLatin1String("error")).toString(), QStringLiteral("rate_limited"));
    QVERIFY(sample.json().value(QLatin1String("retry_after")).toInt() >= 1);
    // The limited server is fine: once the window passes, it serves again. (On a loaded
    // machine the server may still be accepting the churn's queued connections, each of which
    // takes a token, so this can take a while.)
    QCOMPARE(limited.state(), QProcess::Running);
    {
        QElapsedTimer w;
        w.start();
        bool served = false;
        QTimer probe; // every probe takes a token: ask twice a second, not at QTRY's pace
        connect(&probe, &QTimer::timeout, this, [&] { served = served || get(port, "/health").status == 200; });
        probe.start(500);
        QTRY_VERIFY_WITH_TIMEOUT(served, 40000);
        qInfo() << "the rate-limited server served /health again after" << w.elapsed() << "ms";
    }
    QTRY_VERIFY_WITH_TIMEOUT(openFds(pid) <= fdsBefore + 2, 10000);
    ::kill(pid_t(pid), SIGTERM);
    QVERIFY(limited.waitForFinished(5000));
    QCOMPARE(limited.exitCode(), 0);
}

void TestHostile::bystanderUnaffected()
{
    QMetaObject::invokeMethod(m_bystander, &Bystander::stopSending, Qt::BlockingQueuedConnection);
    const qint64 sent = m_bystander->report().sent;
    QTRY_COMPARE_WITH_TIMEOUT(m_bystander->report().received, sent, 5000);
    const Bystander::Report r = m_bystander->report();
    QCOMPARE(r.outOfOrder, 0);
    QVERIFY(!r.listenerClosed);
    QVERIFY(!r.speakerClosed);
    const qint64 p50 = percentile(r.latUs, 0.5), p99 = percentile(r.latUs, 0.99), max = percentile(r.latUs, 1.0);
    qInfo().noquote() << QStringLiteral("bystander: %1 frames, all in order; latency p50 %2 ms, p99 %3 ms, max %4 ms")
                             .arg(sent)
                             .arg(double(p50) / 1000, 0, 'f', 2)
                             .arg(double(p99) / 1000, 0, 'f', 2)
                             .arg(double(max) / 1000, 0, 'f', 1);
    // Generous: the suite hammers a 2-core machine; a worker blocked on an attacker (seconds)
    // would show here. Tight numbers belong to bench/attack.sh.
    QVERIFY2(max < 2000 * 1000, "a bystander frame took more than 2 s");
}

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
