// End-to-end broadcasting (seed 000, step 7C.2): several streams at once, each listener gets
// exactly its own stream's frames, byte-identical and in order; speakers get none back.
#include "testsupport.h"

#include <QTest>

using namespace onair;
using namespace onair::test;

namespace {
QByteArray frameFor(char stream, int i, int size = 160)
{
    QByteArray f(size, Qt::Uninitialized);
    for (int j = 0; j < size; ++j)
        f[j] = char((stream * 13 + i * 7 + j) & 0xFF);
    f[0] = stream;
    f[1] = char(i & 0xFF);
    f[2] = char((i >> 8) & 0xFF);
    return f;
}
} // namespace

class TestBroadcast : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }
    void twoStreamsIsolatedByteIdenticalInOrder();
    void listenerLeavingMidBroadcast();
    void speakerLeavingIsAnnounced();
    void manyListenersAcrossWorkers();
    void listenerBeforeSpeakerAndRawAudioWithoutHello();

private:
    std::unique_ptr<TestServer> m_server;
};

void TestBroadcast::twoStreamsIsolatedByteIdenticalInOrder()
{
    WsClient l1a, l1b, l2a;
    QVERIFY(l1a.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/test-1"))));
    QVERIFY(l1b.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/test-1"))));
    QVERIFY(l2a.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/test-2"))));
    WsClient s1, s2;
    QVERIFY(s1.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/test-1"))));
    QVERIFY(s2.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/test-2"))));

    constexpr int kFrames = 200;
    QList<QByteArray> sent1, sent2;
    for (int i = 0; i < kFrames; ++i) {
        sent1.append(frameFor('A', i, 160 + i % 7));
        sent2.append(frameFor('B', i, 3840)); // a 20 ms 48 kHz stereo s16 frame
        s1.socket.sendBinaryMessage(sent1.last());
        s2.socket.sendBinaryMessage(sent2.last());
        if (i % 20 == 0)
            QTest::qWait(1); // pacing: lets the sockets drain, not a synchronisation
    }
    QVERIFY(l1a.waitBinary(kFrames));
    QVERIFY(l1b.waitBinary(kFrames));
    QVERIFY(l2a.waitBinary(kFrames));
    quietPeriod(); // anything extra would arrive now
    QCOMPARE(l1a.binary, sent1);
    QCOMPARE(l1b.binary, sent1);
    QCOMPARE(l2a.binary, sent2);
    QVERIFY(s1.binary.isEmpty());
    QVERIFY(s2.binary.isEmpty());

    const auto snap = m_server->engine().hub()->snapshot();
    QCOMPARE(snap.size(), 2);
    QCOMPARE(snap[0].id, QStringLiteral("test-1"));
    QCOMPARE(snap[0].framesIn, kFrames);
    QCOMPARE(snap[0].framesOut, 2 * kFrames);
    QCOMPARE(snap[1].framesOut, kFrames);
    QCOMPARE(snap[0].drops + snap[1].drops, 0);
}

void TestBroadcast::listenerLeavingMidBroadcast()
{
    WsClient stay;
    auto leave = std::make_unique<WsClient>();
    QVERIFY(stay.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/test-1"))));
    QVERIFY(leave->openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/test-1"))));
    WsClient s;
    QVERIFY(s.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/test-1"))));
    QList<QByteArray> sent;
    for (int i = 0; i < 100; ++i) {
        sent.append(frameFor('C', i));
        s.socket.sendBinaryMessage(sent.last());
        if (i == 40) {
            leave->socket.abort(); // vanishes without a close handshake
            leave.reset();
        }
        QTest::qWait(1); // pacing, as above
    }
    QVERIFY(stay.waitBinary(100));
    QCOMPARE(stay.binary, sent);
    QTRY_COMPARE(m_server->engine().hub()->listenersOf(QStringLiteral("test-1")), 1);
    QVERIFY(!s.disconnected);
}

void TestBroadcast::speakerLeavingIsAnnounced()
{
    WsClient l1, l2;
    QVERIFY(l1.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/test-1"))));
    QVERIFY(l2.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/test-1"))));
    auto s = std::make_unique<WsClient>();
    QVERIFY(s->openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/test-1"))));
    s->socket.sendBinaryMessage(frameFor('D', 0));
    QVERIFY(l1.waitBinary(1));
    s->socket.abort();
    s.reset();
    QVERIFY(l1.waitJsonType(QStringLiteral("speaker_left")));
    QVERIFY(l2.waitJsonType(QStringLiteral("speaker_left")));
    QVERIFY(!l1.disconnected); // listeners stay for the next speaker
    WsClient next;
    QVERIFY(next.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/test-1"))));
    next.socket.sendBinaryMessage(frameFor('D', 1));
    QVERIFY(l2.waitBinary(2));
    QCOMPARE(l2.binary.last(), frameFor('D', 1));
}

void TestBroadcast::manyListenersAcrossWorkers()
{
    constexpr int kListeners = 200;
    std::vector<std::unique_ptr<WsClient>> listeners;
    for (int i = 0; i < kListeners; ++i) {
        listeners.push_back(std::make_unique<WsClient>());
        listeners.back()->socket.open(m_server->ws(QStringLiteral("/ws/listen/big")));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_server->engine().hub()->listenersOf(QStringLiteral("big")), kListeners, 10000);
    const auto s = m_server->engine().hub()->find(QStringLiteral("big"));
    QVERIFY(s->perWorker[0].load() > 0 && s->perWorker[1].load() > 0); // sharded over both
    WsClient sp;
    QVERIFY(sp.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/big"))));
    QList<QByteArray> sent;
    for (int i = 0; i < 50; ++i) {
        sent.append(frameFor('E', i));
        sp.socket.sendBinaryMessage(sent.last());
        QTest::qWait(2); // pacing, as above
    }
    for (auto &l : listeners) {
        QVERIFY(l->waitBinary(50, 10000));
        QCOMPARE(l->binary, sent);
    }
}

void TestBroadcast::listenerBeforeSpeakerAndRawAudioWithoutHello()
{
    WsClient l;
    QVERIFY(l.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/early"))));
    QTRY_COMPARE(m_server->engine().hub()->listenersOf(QStringLiteral("early")), 1);
    WsClient s;
    QVERIFY(s.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/early"))));
    QVERIFY(l.waitJsonType(QStringLiteral("speaker_joined")));
    s.socket.sendBinaryMessage(QByteArray("\x00\x00\x01\x00", 4)); // no hello: relayed as-is
    QVERIFY(l.waitBinary(1));
    QCOMPARE(l.binary.first(), QByteArray("\x00\x00\x01\x00", 4));
    // The format said after speaker_joined is null (the default PCM), and no other follows.
    const QJsonObject said = l.lastJsonOfType(QStringLiteral("format"));
    QVERIFY(said.contains(QLatin1String("format")));
    QVERIFY(said.value(QLatin1String("format")).isNull());
}

QTEST_GUILESS_MAIN(TestBroadcast)
#include "tst_broadcast.moc"
