#include "testsupport.h"

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
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>

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
    return mintToken(c, m_engine->hub()->secret());
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

HttpReply rawHttp(quint16 port, const QByteArray &request, int timeoutMs)
{
    // The engine under test usually shares this thread, so wait by spinning the event loop,
    // never with the blocking waitFor* calls.
    HttpReply r;
    QTcpSocket s;
    QElapsedTimer t;
    t.start();
    if (!connectLoopback(s, port, timeoutMs))
        return r;
    s.write(request);
    QByteArray all;
    (void)QTest::qWaitFor([&] { // on a timeout, what came so far
        all += s.readAll();
        const qsizetype headEnd = all.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return s.state() != QAbstractSocket::ConnectedState;
        const QByteArray head = all.left(headEnd);
        const qsizetype clPos = head.toLower().indexOf("content-length:");
        if (clPos >= 0) {
            const qsizetype eol = head.indexOf("\r\n", clPos);
            const int len = head.mid(clPos + 15, eol < 0 ? -1 : eol - clPos - 15).trimmed().toInt();
            return all.size() >= headEnd + 4 + len;
        }
        return head.startsWith("HTTP/1.1 101") || s.state() != QAbstractSocket::ConnectedState;
    }, int(qMax<qint64>(1, timeoutMs - t.elapsed())));
    const qsizetype headEnd = all.indexOf("\r\n\r\n");
    r.head = headEnd >= 0 ? all.left(headEnd) : all;
    r.body = headEnd >= 0 ? all.mid(headEnd + 4) : QByteArray();
    const QList<QByteArray> statusLine = r.head.left(r.head.indexOf("\r\n")).split(' ');
    if (statusLine.size() >= 2)
        r.status = statusLine[1].toInt();
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

QByteArray upgradeRequest(const QByteArray &target)
{
    return "GET " + target
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

bool RawWsClient::connectAndHandshake(quint16 port, const QByteArray &target, int receiveBuffer)
{
    if (receiveBuffer > 0) {
        // Qt stops reading from the kernel once its own buffer holds this much.
        socket.setReadBufferSize(receiveBuffer);
        socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, receiveBuffer);
    }
    connectLoopback(socket, port);
    socket.write(upgradeRequest(target));
    QByteArray head;
    (void)QTest::qWaitFor([&] {
        // Read only the head; leave WebSocket frames in the socket.
        while (socket.bytesAvailable() > 0 && !head.contains("\r\n\r\n"))
            head += socket.read(1);
        return head.contains("\r\n\r\n");
    }, 3000);
    return head.startsWith("HTTP/1.1 101");
}

} // namespace onair::test
