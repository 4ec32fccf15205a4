// Heartbeats: a client that never answers pings is closed and removed; one that does stays.
#include "testsupport.h"

#include <QTest>

using namespace onair;
using namespace onair::test;

class TestHeartbeat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void silentClientIsRemoved();
};

void TestHeartbeat::silentClientIsRemoved()
{
    EngineConfig c = testConfig();
    c.pingIntervalMs = 100;
    c.pingTimeoutMs = 300;
    TestServer server(c);
    WsClient alive; // QWebSocket answers pings on its own
    QVERIFY(alive.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    RawWsClient silent; // completes the handshake, then never reads or answers
    QCOMPARE(silent.open(server.port(), "/ws/listen/main"), 101);
    QTRY_COMPARE(server.engine().hub()->listenersOf(QStringLiteral("main")), 2);
    QTRY_COMPARE_WITH_TIMEOUT(server.engine().hub()->listenersOf(QStringLiteral("main")), 1, 3000);
    QCOMPARE(server.engine().metrics()->refusals(Refusal::HeartbeatTimeout), 1);
    QVERIFY(silent.waitEof(5000));
    // The answering client survives many intervals.
    quietPeriod(800);
    QVERIFY(!alive.disconnected);
    QCOMPARE(server.engine().hub()->listenersOf(QStringLiteral("main")), 1);
}

QTEST_GUILESS_MAIN(TestHeartbeat)
#include "tst_heartbeat.moc"
