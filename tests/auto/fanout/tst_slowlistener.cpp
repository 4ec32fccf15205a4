// A listener that stops reading is skipped ("skip to live", counted as drops) and then closed
// as a slow consumer, while the other listeners keep receiving every frame on time.
#include "testsupport.h"

#include <QElapsedTimer>
#include <QTest>

using namespace onair;
using namespace onair::test;

class TestSlowListener : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stalledListenerIsSkippedThenClosed();
};

void TestSlowListener::stalledListenerIsSkippedThenClosed()
{
    EngineConfig c = testConfig();
    c.slowSoftBytes = 64 * 1024;
    c.slowHardBytes = 512 * 1024;
    c.slowGraceMs = 500;
    c.maxFrameBytes = 64 * 1024;
    TestServer server(c);

    WsClient good1, good2;
    QVERIFY(good1.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    QVERIFY(good2.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    RawWsClient stalled;
    QCOMPARE(stalled.open(server.port(), "/ws/listen/main", {}, 4096), 101);
    QTRY_COMPARE(server.engine().hub()->listenersOf(QStringLiteral("main")), 3);
    WsClient speaker;
    QVERIFY(speaker.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/main"))));

    // 60 KB frames at ~100/s: the stalled socket's kernel buffers fill within a second.
    QElapsedTimer clock;
    clock.start();
    QHash<qint64, qint64> sentAt; // frame number -> ms
    QHash<qint64, qint64> worst;  // listener index -> worst lag in ms
    int index = 0;
    for (auto *l : {&good1, &good2}) {
        QObject::connect(&l->socket, &QWebSocket::binaryMessageReceived, l,
                         [&, key = index++](const QByteArray &b) {
                             qint64 n = 0;
                             memcpy(&n, b.constData(), sizeof n);
                             worst[key] = qMax(worst.value(key), clock.elapsed() - sentAt.value(n));
                         });
    }
    constexpr int kFrames = 250;
    for (qint64 i = 0; i < kFrames; ++i) {
        QByteArray f(60000, char(i));
        memcpy(f.data(), &i, sizeof i);
        sentAt.insert(i, clock.elapsed());
        speaker.socket.sendBinaryMessage(f);
        QTest::qWait(10); // pacing: 100 frames a second, not a synchronisation
    }
    QVERIFY(good1.waitBinary(kFrames, 10000));
    QVERIFY(good2.waitBinary(kFrames, 10000));
    qInfo() << "worst lag of healthy listeners (ms):" << worst.value(0) << worst.value(1);
    QVERIFY2(worst.value(0) < 500 && worst.value(1) < 500, "healthy listeners were delayed");

    const auto snap = server.engine().hub()->snapshot();
    QVERIFY2(snap.first().drops > 0, "the stalled listener was never skipped");
    QTRY_COMPARE_WITH_TIMEOUT(server.engine().metrics()->refusals(Refusal::SlowConsumer), 1, 5000);
    QTRY_COMPARE(server.engine().hub()->listenersOf(QStringLiteral("main")), 2);
    QVERIFY(!good1.disconnected && !good2.disconnected);
    // Every frame reached the healthy listeners, in order.
    for (qint64 i = 0; i < kFrames; ++i) {
        qint64 n = 0;
        memcpy(&n, good1.binary[int(i)].constData(), sizeof n);
        QCOMPARE(n, i);
    }
}

QTEST_GUILESS_MAIN(TestSlowListener)
#include "tst_slowlistener.moc"
