// The WebSocket endpoints over real loopback sockets: accept, stream id extraction, refusals
// (data-driven), the speaker's hello, the legacy /ws round trip.
#include "testsupport.h"

#include <QJsonArray>
#include <QTest>

using namespace onair;
using namespace onair::test;

class TestEndpoints : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void listenerGetsConnected();
    void speakerJoinAndLeaveAreAnnounced();
    void refusedRequests_data();
    void refusedRequests();
    void secondSpeakerIsRefusedWithReason();
    void speakerHelloBecomesFormat();
    void invalidHelloGetsError();
    void textPingGetsPong();
    void legacyRoundTrip();

private:
    std::unique_ptr<TestServer> m_server;
};

void TestEndpoints::listenerGetsConnected()
{
    WsClient l;
    QVERIFY(l.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/Room_B-2.en"))));
    const QJsonObject c = l.lastJsonOfType(QStringLiteral("connected"));
    QCOMPARE(c.value(QLatin1String("stream_id")).toString(), QStringLiteral("Room_B-2.en"));
    QCOMPARE(c.value(QLatin1String("role")).toString(), QStringLiteral("listener"));
    QCOMPARE(c.value(QLatin1String("speaker_live")).toBool(), false);
    QVERIFY(c.value(QLatin1String("format")).isNull());
    QCOMPARE(m_server->engine().hub()->listenersOf(QStringLiteral("Room_B-2.en")), 1);
}

void TestEndpoints::speakerJoinAndLeaveAreAnnounced()
{
    WsClient l;
    QVERIFY(l.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    {
        WsClient s;
        QVERIFY(s.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/main"))));
        QCOMPARE(s.lastJsonOfType(QStringLiteral("connected")).value(QLatin1String("role")).toString(),
                 QStringLiteral("speaker"));
        QVERIFY(l.waitJsonType(QStringLiteral("speaker_joined")));
        QTRY_VERIFY(m_server->engine().hub()->hasSpeaker(QStringLiteral("main")));
        WsClient late;
        QVERIFY(late.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
        QCOMPARE(late.lastJsonOfType(QStringLiteral("connected")).value(QLatin1String("speaker_live")).toBool(), true);
        s.socket.close();
        QVERIFY(late.waitJsonType(QStringLiteral("speaker_left")));
    }
    QVERIFY(l.waitJsonType(QStringLiteral("speaker_left")));
    QTRY_VERIFY(!m_server->engine().hub()->hasSpeaker(QStringLiteral("main")));
}

void TestEndpoints::refusedRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addRow("listen-bad-char") << upgradeRequest("/ws/listen/a%20b") << 400 << QStringLiteral("invalid_stream_id");
    QTest::addRow("speak-bad-char") << upgradeRequest("/ws/speak/a$b") << 400 << QStringLiteral("invalid_stream_id");
    QTest::addRow("listen-65-chars") << upgradeRequest("/ws/listen/" + QByteArray(65, 'x')) << 400 << QStringLiteral("invalid_stream_id");
    QTest::addRow("traversal-encoded") << upgradeRequest("/ws/listen/..%2F..%2Fetc") << 400 << QStringLiteral("invalid_stream_id");
    QTest::addRow("unicode-id") << upgradeRequest("/ws/listen/caf%C3%A9") << 400 << QStringLiteral("invalid_stream_id");
    QTest::addRow("dot-dot") << upgradeRequest("/ws/listen/..") << 400 << QStringLiteral("invalid_stream_id");
    QTest::addRow("unknown-ws-path") << upgradeRequest("/ws/shout/main") << 404 << QStringLiteral("not_found");
    QTest::addRow("unknown-root-path") << upgradeRequest("/stream") << 404 << QStringLiteral("not_found");
    QTest::addRow("plain-get-on-ws") << QByteArray("GET /ws/listen/main HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                     << 426 << QStringLiteral("upgrade_required");
    QTest::addRow("plain-get-unknown") << QByteArray("GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                       << 404 << QStringLiteral("not_found");
}

void TestEndpoints::refusedRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, error);
    const HttpReply r = rawHttp(m_server->port(), request);
    QCOMPARE(r.status, status);
    QVERIFY2(r.head.toLower().contains("content-type: application/json"), r.head.constData());
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), error);
    QVERIFY(!r.json().value(QLatin1String("message")).toString().isEmpty());
    QCOMPARE(m_server->engine().hub()->snapshot().size(), 0); // nothing was created
    // The server is still up and serving.
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/health")).status, 200);
}

void TestEndpoints::secondSpeakerIsRefusedWithReason()
{
    WsClient first;
    QVERIFY(first.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/main"))));
    WsClient second;
    second.socket.open(m_server->ws(QStringLiteral("/ws/speak/main")));
    QVERIFY(second.waitDisconnected());
    QCOMPARE(second.closeCode, 4409);
    QVERIFY2(second.closeReason.contains(QLatin1String("taken")), qPrintable(second.closeReason));
    QVERIFY(second.closeReason.contains(QLatin1String("main")));
    // The first speaker is unaffected and still relays.
    WsClient l;
    QVERIFY(l.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    first.socket.sendBinaryMessage("still here");
    QVERIFY(l.waitBinary(1));
    QCOMPARE(l.binary.first(), QByteArray("still here"));
    QCOMPARE(m_server->engine().metrics()->refusals(Refusal::StreamTaken), 1);
}

void TestEndpoints::speakerHelloBecomesFormat()
{
    WsClient l;
    QVERIFY(l.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    WsClient s;
    QVERIFY(s.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/main"))));
    s.socket.sendTextMessage(QStringLiteral(
        R"({"type":"hello","format":{"codec":"pcm","sample_rate":48000,"channels":1,"sample_format":"s16le","frame_ms":20}})"));
    QVERIFY(s.waitJsonType(QStringLiteral("format_accepted")));
    QVERIFY(l.waitJsonType(QStringLiteral("format")));
    const QJsonObject f = l.lastJsonOfType(QStringLiteral("format")).value(QLatin1String("format")).toObject();
    QCOMPARE(f.value(QLatin1String("codec")).toString(), QStringLiteral("pcm"));
    QCOMPARE(f.value(QLatin1String("sample_rate")).toInt(), 48000);
    // A listener joining later learns the format in its connected message.
    WsClient late;
    QVERIFY(late.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    QCOMPARE(late.lastJsonOfType(QStringLiteral("connected")).value(QLatin1String("format")).toObject(), f);
}

void TestEndpoints::invalidHelloGetsError()
{
    WsClient s;
    QVERIFY(s.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/main"))));
    s.socket.sendTextMessage(QStringLiteral(R"({"type":"hello","format":{"codec":"mp3"}})"));
    QVERIFY(s.waitJsonType(QStringLiteral("error")));
    QCOMPARE(s.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(),
             QStringLiteral("invalid_hello"));
    QVERIFY(!s.disconnected);
    QVERIFY(m_server->engine().hub()->snapshot().first().format.isEmpty());
}

void TestEndpoints::textPingGetsPong()
{
    WsClient l;
    QVERIFY(l.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    l.socket.sendTextMessage(QStringLiteral("ping"));
    QTRY_VERIFY(l.texts.contains(QStringLiteral("pong")));
    l.socket.sendTextMessage(QStringLiteral(R"({"type":"ping"})"));
    QVERIFY(l.waitJsonType(QStringLiteral("pong")));
}

void TestEndpoints::legacyRoundTrip()
{
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    WsClient a, b;
    QVERIFY(a.open(m_server->ws(QStringLiteral("/ws"))));
    QVERIFY(b.open(m_server->ws(QStringLiteral("/ws"))));
    QList<QByteArray> sent;
    for (int i = 0; i < 20; ++i) {
        QByteArray frame(320, Qt::Uninitialized);
        for (int j = 0; j < frame.size(); ++j)
            frame[j] = char((i * 31 + j) & 0xFF);
        sent.append(frame);
        a.socket.sendBinaryMessage(frame);
    }
    QVERIFY(a.waitBinary(20));
    QCOMPARE(a.binary, sent);     // processed (passthrough) audio back, same order
    quietPeriod(); // anything for the others would arrive now
    QVERIFY(b.binary.isEmpty());  // 1-to-1: nobody else hears it
    QVERIFY(listener.binary.isEmpty());
}

QTEST_GUILESS_MAIN(TestEndpoints)
#include "tst_endpoints.moc"
