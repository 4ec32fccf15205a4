// Every limit refuses clearly (HTTP status + JSON before the upgrade, or a close code with a
// reason after it), is counted, and leaves other clients untouched.
#include "testsupport.h"

#include <QProcess>
#include <QTest>

using namespace onair;
using namespace onair::test;

class TestLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void maxListenersPerStream();
    void maxConnections();
    void maxStreams();
    void oversizedFrame_data();
    void oversizedFrame();
    void malformedJsonGetsErrorAndKeepsConnection_data();
    void malformedJsonGetsErrorAndKeepsConnection();
    void oversizedJsonCloses();
    void incompleteRequestHeadIsClosed();
    void optionsRejectNonsense();
};

void TestLimits::incompleteRequestHeadIsClosed()
{
    EngineConfig c = testConfig();
    c.handshakeTimeoutMs = 300;
    TestServer server(c);
    QTcpSocket slow; // slowloris: a request head that never ends
    slow.connectToHost(QHostAddress::LocalHost, server.port());
    QTRY_COMPARE(slow.state(), QAbstractSocket::ConnectedState);
    slow.write("GET /ws/listen/main HTTP/1.1\r\nHost: x\r\n");
    WsClient fine;
    QVERIFY(fine.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::UnconnectedState, 3000);
    QVERIFY(!fine.disconnected);
    QCOMPARE(server.engine().hub()->listenersOf(QStringLiteral("main")), 1);
}

void TestLimits::maxListenersPerStream()
{
    EngineConfig c = testConfig();
    c.maxListenersPerStream = 2;
    TestServer server(c);
    WsClient a, b;
    QVERIFY(a.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    QVERIFY(b.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    const HttpReply r = rawHttp(server.port(), upgradeRequest("/ws/listen/main"));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), QStringLiteral("stream_full"));
    QVERIFY(r.json().value(QLatin1String("message")).toString().contains(QLatin1String("2")));
    WsClient other;
    QVERIFY(other.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/second"))));
    QCOMPARE(server.engine().metrics()->refusals(Refusal::MaxListeners), 1);
    QVERIFY(!a.disconnected && !b.disconnected);
}

void TestLimits::maxConnections()
{
    EngineConfig c = testConfig();
    c.maxConnections = 3;
    TestServer server(c);
    WsClient a, b, s;
    QVERIFY(a.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/x"))));
    QVERIFY(b.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/y"))));
    QVERIFY(s.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/x"))));
    const HttpReply r = rawHttp(server.port(), upgradeRequest("/ws/listen/z"));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), QStringLiteral("server_full"));
    QCOMPARE(server.engine().metrics()->refusals(Refusal::MaxConnections), 1);
    // HTTP still works at the connection limit.
    QCOMPARE(httpGet(server.port(), QStringLiteral("/health")).status, 200);
    // A freed slot is usable again.
    b.socket.close();
    QTRY_COMPARE(server.engine().hub()->connections(), 2);
    WsClient d;
    QVERIFY(d.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/z"))));
}

void TestLimits::maxStreams()
{
    EngineConfig c = testConfig();
    c.maxStreams = 2;
    TestServer server(c);
    WsClient a, b;
    QVERIFY(a.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/one"))));
    QVERIFY(b.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/two"))));
    const HttpReply r = rawHttp(server.port(), upgradeRequest("/ws/listen/three"));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), QStringLiteral("too_many_streams"));
    WsClient c2;
    QVERIFY(c2.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/one")))); // existing stream: fine
}

void TestLimits::oversizedFrame_data()
{
    QTest::addColumn<int>("size");
    QTest::addRow("over-frame-limit") << 2000;
    QTest::addRow("over-every-limit") << 100000;
}

void TestLimits::oversizedFrame()
{
    QFETCH(int, size);
    EngineConfig c = testConfig();
    c.maxFrameBytes = 1024;
    TestServer server(c);
    WsClient l, otherL, s, other;
    QVERIFY(l.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/a"))));
    QVERIFY(otherL.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/b"))));
    QVERIFY(s.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/a"))));
    QVERIFY(other.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/b"))));
    s.socket.sendBinaryMessage(QByteArray(1024, 'k')); // exactly at the limit: fine
    QVERIFY(l.waitBinary(1));
    s.socket.sendBinaryMessage(QByteArray(size, 'x'));
    QVERIFY(s.waitDisconnected());
    QCOMPARE(s.closeCode, 1009);
    QVERIFY(!s.closeReason.isEmpty());
    QCOMPARE(l.binary.size(), 1); // the oversized frame reached nobody
    other.socket.sendBinaryMessage("fine");
    QVERIFY(otherL.waitBinary(1));
    QVERIFY(!l.disconnected);
}

void TestLimits::malformedJsonGetsErrorAndKeepsConnection_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    QTest::addRow("broken-json") << QStringLiteral("{oops") << QStringLiteral("invalid_json");
    QTest::addRow("json-array") << QStringLiteral("[1]") << QStringLiteral("not_an_object");
    QTest::addRow("no-type") << QStringLiteral(R"({"format":1})") << QStringLiteral("missing_type");
    QTest::addRow("unknown-type") << QStringLiteral(R"({"type":"launch_rockets"})") << QStringLiteral("unknown_type");
    QTest::addRow("nesting-bomb") << QString(5000, u'[') << QStringLiteral("invalid_json");
    QTest::addRow("invalid-hello") << QStringLiteral(R"({"type":"hello","format":"wav"})") << QStringLiteral("invalid_hello");
}

void TestLimits::malformedJsonGetsErrorAndKeepsConnection()
{
    QFETCH(QString, text);
    QFETCH(QString, error);
    TestServer server;
    WsClient l, s;
    QVERIFY(l.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/a"))));
    QVERIFY(s.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/a"))));
    s.socket.sendTextMessage(text);
    QVERIFY(s.waitJsonType(QStringLiteral("error")));
    QCOMPARE(s.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(), error);
    s.socket.sendBinaryMessage("after");
    QVERIFY(l.waitBinary(1));
    QCOMPARE(l.binary.first(), QByteArray("after"));
    QVERIFY(!s.disconnected);
    QVERIFY(l.lastJsonOfType(QStringLiteral("error")).isEmpty()); // listeners never see it
}

void TestLimits::oversizedJsonCloses()
{
    EngineConfig c = testConfig();
    c.maxJsonBytes = 64;
    TestServer server(c);
    WsClient l;
    QVERIFY(l.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/a"))));
    l.socket.sendTextMessage(QStringLiteral(R"({"type":"ping","pad":")") + QString(100, u'x') + QStringLiteral("\"}"));
    QVERIFY(l.waitDisconnected());
    QCOMPARE(l.closeCode, 1009);
    QVERIFY(l.closeReason.contains(QLatin1String("64")));
    QCOMPARE(server.engine().metrics()->refusals(Refusal::JsonTooLarge), 1);
}

void TestLimits::optionsRejectNonsense()
{
    // Flags are parsed by the same code in both binaries; bad values are refused, not clamped.
    QProcess p;
    p.start(serverBinary(), {QStringLiteral("--max-listeners"), QStringLiteral("zero")});
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardError().contains("--max-listeners"));
    p.start(serverBinary(), {QStringLiteral("--help")});
    QVERIFY(p.waitForFinished(5000));
    const QByteArray help = p.readAllStandardOutput();
    for (const char *flag : {"--port", "--bind", "--workers", "--max-listeners", "--max-connections",
                             "--max-frame-bytes", "--max-json-bytes", "--max-streams", "--ping-interval",
                             "--ping-timeout", "--data-dir", "ONAIR_PORT"})
        QVERIFY2(help.contains(flag), flag);
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
