#include "testsupport.h"

#include "protocol/wsframe.h"

#include <QDir>
#include <QFileInfo>

#include <QStandardPaths>

#include <QCoreApplication>
#include <QDateTime>
#include <QTcpServer>
#include <QUuid>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace onair::test {

EngineConfig testConfig()
{
    EngineConfig c;
    c.port = 0;
    c.bindAddress = QHostAddress::LocalHost;
    c.workers = 2;
    c.shutdownGraceMs = 500;
    c.openSpeakers = true; // the engine tests are about audio; auth has its own tests
    return c;
}

bool RedisServer::start(const QStringList &extraArgs)
{
    const QString bin = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (bin.isEmpty())
        return false;
    m_extraArgs = extraArgs;
    m_proc.setProgram(bin);
    m_proc.setArguments(QStringList{QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--bind"),
                                    QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                                    QStringLiteral("--appendonly"), QStringLiteral("no"), QStringLiteral("--dir"),
                                    QDir::tempPath()}
                        + extraArgs);
    m_proc.setProcessChannelMode(QProcess::MergedChannels);
    m_proc.start();
    if (!m_proc.waitForStarted(5000))
        return false;
    return QTest::qWaitFor([this] {
        const QByteArray pong = cli({QStringLiteral("PING")}).trimmed();
        return pong == "PONG" || pong.startsWith("NOAUTH"); // up (with or without a password)
    }, 10000);
}

void RedisServer::kill()
{
    if (m_proc.state() != QProcess::NotRunning) {
        m_proc.kill();
        m_proc.waitForFinished(5000);
    }
}

QByteArray RedisServer::cli(const QStringList &args) const
{
    QProcess p;
    p.start(QStringLiteral("redis-cli"), QStringList{QStringLiteral("-p"), QString::number(m_port)} + args);
    p.waitForFinished(5000);
    return p.readAllStandardOutput();
}

QString missingTool(const QString &tool)
{
    bool present = false;
    if (tool == QLatin1String("postgresql")) {
        const QString bin = qEnvironmentVariable("ONAIR_PG_BIN", QStringLiteral("/usr/lib/postgresql/15/bin"));
        present = QFileInfo(bin + QStringLiteral("/pg_ctl")).isExecutable();
    } else {
        present = !QStandardPaths::findExecutable(tool).isEmpty();
    }
    return present ? QString()
                   : QStringLiteral("needs %1, which is not installed here (scripts/deps.sh test installs it)").arg(tool);
}

void quietPeriod(int ms)
{
    QTest::qWait(ms);
}

quint16 freePort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    return s.serverPort();
}

Banner makeBanner(const QString &message, int secondsAgo)
{
    Banner b;
    b.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    b.message = message;
    b.type = QStringLiteral("info");
    b.createdBy = QStringLiteral("admin");
    b.createdAt = QDateTime::currentDateTimeUtc().addSecs(-secondsAgo);
    return b;
}

QString serverBinary()
{
    const QString env = qEnvironmentVariable("ONAIR_SERVER_BIN");
    return env.isEmpty() ? QCoreApplication::applicationDirPath() + QStringLiteral("/../app/onair-server") : env;
}

QString sourceDir()
{
    const QString env = qEnvironmentVariable("ONAIR_SOURCE_DIR");
    if (!env.isEmpty())
        return env;
    return QFileInfo(QStringLiteral(__FILE__)).absoluteDir().filePath(QStringLiteral("../.."));
}

quint16 startServerProcess(QProcess &process, const QStringList &args)
{
    process.start(serverBinary(), QStringList{QStringLiteral("--port"), QStringLiteral("0")} + args);
    if (!process.waitForStarted())
        return 0;
    QByteArray line;
    const bool gotLine = QTest::qWaitFor([&] {
        line += process.readAllStandardOutput();
        return line.contains('\n');
    }, 5000);
    if (!gotLine || !line.startsWith("OnAir listening on http://"))
        return 0;
    return quint16(line.mid(line.lastIndexOf(':') + 1).trimmed().toUInt());
}

TestServer::TestServer(EngineConfig config, ProcessorFactory factory, InterpretationBackends backends)
{
    if (config.dataDir.isEmpty()) {
        m_dir = std::make_unique<QTemporaryDir>();
        config.dataDir = m_dir->path();
    }
    m_engine = std::make_unique<Engine>(config);
    if (factory)
        m_engine->setProcessorFactory(std::move(factory));
    if (!backends.isEmpty())
        m_engine->setInterpretationBackends(std::move(backends));
    QString error;
    if (!m_engine->start(&error))
        qFatal("test server did not start: %s", qPrintable(error));
}

TestServer::~TestServer()
{
    m_engine.reset(); // before its data directory goes
}

QByteArray TestServer::token(Role role, const QString &sub, const QStringList &streams, qint64 ttlSecs) const
{
    TokenClaims c;
    c.sub = sub;
    c.role = role;
    c.streams = streams;
    c.iat = QDateTime::currentSecsSinceEpoch();
    c.exp = c.iat + ttlSecs;
    return mintToken(c, m_engine->secret());
}

QUrl TestServer::ws(const QString &path) const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port()).arg(path));
}

WsClient::WsClient()
{
    connect(&socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &b) { binary.append(b); });
    connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &t) {
        texts.append(t);
        const QJsonDocument d = QJsonDocument::fromJson(t.toUtf8());
        if (d.isObject())
            json.append(d.object());
    });
    connect(&socket, &QWebSocket::disconnected, this, [this] {
        disconnected = true;
        closeCode = socket.closeCode();
        closeReason = socket.closeReason();
    });
}

WsClient::~WsClient()
{
    socket.abort();
}

bool WsClient::open(const QUrl &url, int timeoutMs)
{
    QSignalSpy spy(&socket, &QWebSocket::connected);
    socket.open(url);
    return spy.wait(timeoutMs) || spy.count() > 0;
}

bool WsClient::openAndWaitConnected(const QUrl &url, int timeoutMs)
{
    return open(url, timeoutMs) && waitJsonType(QStringLiteral("connected"), timeoutMs);
}

bool WsClient::waitBinary(int count, int timeoutMs)
{
    return QTest::qWaitFor([&] { return binary.size() >= count || disconnected; }, timeoutMs) && binary.size() >= count;
}

bool WsClient::waitJsonType(const QString &type, int timeoutMs)
{
    return QTest::qWaitFor([&] {
        return std::any_of(json.cbegin(), json.cend(),
                           [&](const QJsonObject &o) { return o.value(QLatin1String("type")).toString() == type; });
    }, timeoutMs);
}

bool WsClient::waitDisconnected(int timeoutMs)
{
    return QTest::qWaitFor([this] { return disconnected; }, timeoutMs);
}

bool WsClient::subscribe(const QStringList &topics)
{
    const int before = int(json.size());
    socket.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
        {QStringLiteral("type"), QStringLiteral("subscribe")},
        {QStringLiteral("topics"), QJsonArray::fromStringList(topics)}}).toJson(QJsonDocument::Compact)));
    return QTest::qWaitFor([&] {
        return std::any_of(json.cbegin() + before, json.cend(), [](const QJsonObject &o) {
            return o.value(QLatin1String("type")).toString() == QLatin1String("subscribed");
        });
    }, 5000);
}

QJsonObject WsClient::lastJsonOfType(const QString &type) const
{
    for (auto it = json.crbegin(); it != json.crend(); ++it) {
        if (it->value(QLatin1String("type")).toString() == type)
            return *it;
    }
    return {};
}

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray HttpReply::header(const QByteArray &name) const
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

bool haveHttpAnswer(const QByteArray &in)
{
    const qsizetype end = in.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QByteArray head = in.left(end).toLower();
    const qsizetype cl = head.indexOf("content-length:");
    if (cl < 0)
        return head.startsWith("http/1.1 101");
    const qsizetype eol = head.indexOf("\r\n", cl);
    const qint64 len = head.mid(cl + 15, eol < 0 ? -1 : eol - cl - 15).trimmed().toLongLong();
    return in.size() >= end + 4 + len;
}

HttpReply parseHttp(const QByteArray &in)
{
    HttpReply r;
    const qsizetype end = in.indexOf("\r\n\r\n");
    r.head = end >= 0 ? in.left(end) : in;
    r.body = end >= 0 ? in.mid(end + 4) : QByteArray();
    const QList<QByteArray> status = r.head.left(r.head.indexOf("\r\n")).split(' ');
    if (status.size() >= 2 && status[0].startsWith("HTTP/"))
        r.status = status[1].toInt();
    return r;
}

ToneSpeaker::ToneSpeaker(const QUrl &speakUrl, double hz, bool opus, double amplitude)
    : m_hz(hz), m_opus(opus), m_amplitude(amplitude)
{
    QString err;
    m_encoder.open(OpusSettings{}, &err);
    m_ok = m_client.openAndWaitConnected(speakUrl);
    const QJsonObject format = opus ? m_encoder.format()
                                    : QJsonObject{{QStringLiteral("codec"), QStringLiteral("pcm")},
                                                  {QStringLiteral("sample_rate"), 48000},
                                                  {QStringLiteral("channels"), 1},
                                                  {QStringLiteral("sample_format"), QStringLiteral("s16le")},
                                                  {QStringLiteral("frame_ms"), 20}};
    m_client.socket.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("hello")},
                                                                                {QStringLiteral("format"), format}})
                                                          .toJson(QJsonDocument::Compact)));
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ToneSpeaker::send);
    m_clock.start();
    m_timer.start(5);
}

void ToneSpeaker::stop()
{
    m_timer.stop();
    m_client.socket.close();
}

void ToneSpeaker::send()
{
    // Keep pace with the wall clock, whatever the timer's jitter.
    while (m_sent * 20 <= m_clock.elapsed()) {
        QByteArray pcm(960 * 2, Qt::Uninitialized);
        auto *p = reinterpret_cast<qint16 *>(pcm.data());
        for (int i = 0; i < 960; ++i, ++m_n)
            p[i] = qint16(std::lround(m_amplitude * 32767 * std::sin(2 * M_PI * m_hz * double(m_n) / 48000)));
        if (m_opus) {
            for (const QByteArray &packet : m_encoder.encode(pcm)) {
                sentPackets.insert(packet);
                m_client.socket.sendBinaryMessage(packet);
            }
        } else {
            m_client.socket.sendBinaryMessage(pcm);
        }
        ++m_sent;
    }
}

bool connectLoopback(QTcpSocket &socket, quint16 port, int timeoutMs)
{
    socket.connectToHost(QHostAddress::LocalHost, port);
    return QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, timeoutMs);
}

HttpReply readAnswerUntilClosed(QAbstractSocket &socket, int timeoutMs)
{
    QByteArray all;
    (void)QTest::qWaitFor([&] {
        all += socket.readAll();
        return socket.state() != QAbstractSocket::ConnectedState;
    }, timeoutMs);
    all += socket.readAll();
    HttpReply r = parseHttp(all);
    r.closed = socket.state() != QAbstractSocket::ConnectedState;
    return r;
}

HttpReply httpGet(quint16 port, const QString &path, const QByteArray &extraHeaders)
{
    return rawHttp(port, "GET " + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                   + extraHeaders + "\r\n");
}

HttpReply httpSend(quint16 port, const QByteArray &method, const QString &path, const QByteArray &body,
                   const QByteArray &extraHeaders, const QByteArray &contentType)
{
    QByteArray req = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!contentType.isEmpty())
        req += "Content-Type: " + contentType + "\r\n";
    req += "Content-Length: " + QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
    return rawHttp(port, req);
}

QByteArray bearer(const QByteArray &token)
{
    return "Authorization: Bearer " + token + "\r\n";
}

QByteArray upgradeRequest(const QByteArray &target, quint16 port, const QByteArray &extraHeaders)
{
    const QByteArray host = port ? "127.0.0.1:" + QByteArray::number(port) : QByteArray("127.0.0.1");
    return "GET " + target + " HTTP/1.1\r\nHost: " + host
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + extraHeaders + "\r\n";
}

QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool fin, bool masked, quint8 rsv)
{
    QByteArray f;
    f.append(char((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0F)));
    const quint64 len = quint64(payload.size());
    const char maskBit = masked ? char(0x80) : char(0);
    if (len < 126) {
        f.append(char(maskBit | char(len)));
    } else if (len <= 0xFFFF) {
        f.append(char(maskBit | 126));
        f.append(char(len >> 8));
        f.append(char(len & 0xFF));
    } else {
        f.append(char(maskBit | 127));
        for (int i = 7; i >= 0; --i)
            f.append(char((len >> (8 * i)) & 0xFF));
    }
    if (!masked)
        return f + payload;
    const quint32 key = QRandomGenerator::global()->generate() | 0x01010101u; // never all zero
    const char k[4] = {char(key >> 24), char(key >> 16), char(key >> 8), char(key)};
    f.append(k, 4);
    QByteArray body = payload;
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = char(body[i] ^ k[i % 4]);
    return f + body;
}

QByteArray closePayload(quint16 code, const QByteArray &reason)
{
    QByteArray p;
    p.append(char(code >> 8));
    p.append(char(code & 0xFF));
    return p + reason;
}

bool RawConnection::connectTo(quint16 port, int receiveBuffer)
{
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    if (receiveBuffer > 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // A loopback connect completes in the kernel's backlog, before the server accepts.
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0)
        return false;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); // waits below spin the event loop
    return true;
}

namespace {
// Waits up to `timeoutMs` for `events` on `fd`, spinning the Qt event loop in slices of at most
// 5 ms (the engine under test may share this thread); true when they came.
bool pollSpinning(int fd, short events, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    for (;;) {
        QCoreApplication::processEvents();
        pollfd p{fd, events, 0};
        const int slice = int(std::clamp<qint64>(timeoutMs - t.elapsed(), 0, 5));
        if (::poll(&p, 1, slice) > 0)
            return true;
        if (t.elapsed() >= timeoutMs)
            return false;
    }
}
} // namespace

bool RawConnection::send(const QByteArray &bytes)
{
    qsizetype off = 0;
    while (off < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.constData() + off, size_t(bytes.size() - off), MSG_NOSIGNAL);
        if (n > 0) {
            off += n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!pollSpinning(fd, POLLOUT, 5000))
                return false; // the peer stopped reading
        } else {
            return false; // a peer that closed early is not an error of the test
        }
    }
    return true;
}

bool RawConnection::readUntil(const std::function<bool(const QByteArray &)> &pred, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!pred(in)) {
        if (eof)
            return false;
        const int left = int(timeoutMs - t.elapsed());
        if (left <= 0)
            return false;
        readSome(left);
    }
    return true;
}

bool RawConnection::waitEof(int timeoutMs)
{
    readUntil([](const QByteArray &) { return false; }, timeoutMs);
    return eof;
}

void RawConnection::readSome(int timeoutMs)
{
    if (fd < 0 || !pollSpinning(fd, POLLIN, timeoutMs))
        return;
    char buf[65536];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
        in.append(buf, n);
    } else if (n == 0) {
        eof = true;
    } else if (errno != EINTR && errno != EAGAIN) {
        eof = true;
        reset = errno == ECONNRESET;
    }
}

void RawConnection::rst()
{
    if (fd < 0)
        return;
    const linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close();
}

void RawConnection::close()
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

HttpReply rawHttp(quint16 port, const QList<QByteArray> &pieces, int timeoutMs, bool waitClose, int gapMs)
{
    RawConnection c;
    HttpReply r;
    if (!c.connectTo(port))
        return r;
    QElapsedTimer t;
    t.start();
    for (const QByteArray &p : pieces) {
        if (!c.send(p))
            break;
        if (gapMs > 0) {
            c.readUntil(haveHttpAnswer, gapMs);
            if (haveHttpAnswer(c.in) || c.eof)
                break;
        }
    }
    c.readUntil(haveHttpAnswer, int(qMax<qint64>(1, timeoutMs - t.elapsed())));
    const qint64 ms = t.elapsed();
    const bool closed = c.eof || (waitClose && c.waitEof(2000));
    r = parseHttp(c.in); // with what came until the close (a pipelined second answer)
    r.ms = ms;
    r.closed = closed;
    return r;
}

HttpReply rawHttp(quint16 port, const QByteArray &request, int timeoutMs, bool waitClose)
{
    return rawHttp(port, QList<QByteArray>{request}, timeoutMs, waitClose);
}

int RawWsClient::open(quint16 port, const QByteArray &target, const QByteArray &extraHeaders, int receiveBuffer)
{
    if (!connectTo(port, receiveBuffer))
        return 0;
    send(upgradeRequest(target, port, extraHeaders));
    readUntil(haveHttpAnswer, 5000);
    const qsizetype end = in.indexOf("\r\n\r\n");
    if (end < 0)
        return 0;
    answer = parseHttp(in.left(end + 4));
    in.remove(0, end + 4);
    if (answer.status != 101) { // the refusal's body stays with the answer
        answer.body = in;
        in.clear();
    }
    return answer.status;
}

QList<RawFrame> RawWsClient::frames() const
{
    QList<RawFrame> out;
    for (const ServerFrame &f : splitServerFrames(in))
        out.append({quint8(f.opcode), f.payload});
    return out;
}

QJsonObject RawWsClient::waitJson(const QString &type, int timeoutMs)
{
    QJsonObject found;
    readUntil([&](const QByteArray &) {
        for (const RawFrame &f : frames()) {
            if (f.opcode != OpText)
                continue;
            const QJsonObject o = QJsonDocument::fromJson(f.payload).object();
            if (o.value(QLatin1String("type")).toString() == type) {
                found = o;
                return true;
            }
        }
        return false;
    }, timeoutMs);
    return found;
}

QByteArray RawWsClient::waitText(const QByteArray &text, int timeoutMs)
{
    const auto has = [&] {
        const QList<RawFrame> all = frames();
        return std::any_of(all.cbegin(), all.cend(), [&](const RawFrame &f) { return f.opcode == OpText && f.payload == text; });
    };
    readUntil([&](const QByteArray &) { return has(); }, timeoutMs);
    return has() ? text : QByteArray();
}

int RawWsClient::closeCode(QString *reason) const
{
    for (const RawFrame &f : frames()) {
        if (f.opcode != OpClose)
            continue;
        if (f.payload.size() < 2)
            return 1005;
        if (reason)
            *reason = QString::fromUtf8(f.payload.mid(2));
        return (quint8(f.payload[0]) << 8) | quint8(f.payload[1]);
    }
    return -1;
}

QHash<QString, QList<qint64>> eventOffsets(const WsClient &c, qsizetype from)
{
    QHash<QString, QList<qint64>> out;
    for (qsizetype i = from; i < c.json.size(); ++i) {
        const QJsonObject &o = c.json.at(i);
        if (o.value(QLatin1String("type")).toString() == QLatin1String("event") && o.contains(QLatin1String("offset")))
            out[o.value(QLatin1String("topic")).toString()].append(qint64(o.value(QLatin1String("offset")).toDouble()));
    }
    return out;
}

QList<qint64> offsetRange(qint64 from, qint64 to)
{
    QList<qint64> out;
    for (qint64 i = from; i <= to; ++i)
        out.append(i);
    return out;
}

} // namespace onair::test
