// The engine's in-process API that the desktop app uses: a local speaker (the microphone, no
// network hop) and a local listener (the monitor), against real WebSocket clients.
#include "testsupport.h"
#include "fanout/hub.h"
#include "fanout/streamfeed.h"

#include <QMutex>
#include <QTest>

using namespace onair;
using namespace onair::test;

class TestLocal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void localSpeakerReachesWebSocketListeners();
    void localFeedHearsWebSocketSpeaker();
    void localSpeakerRespectsOneSpeakerPerStream();
};

void TestLocal::localSpeakerReachesWebSocketListeners()
{
    TestServer server;
    WsClient l;
    QVERIFY(l.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/desk"))));
    QString err;
    const QJsonObject fmt{{QStringLiteral("codec"), QStringLiteral("pcm")}, {QStringLiteral("sample_rate"), 48000},
                          {QStringLiteral("channels"), 1}, {QStringLiteral("sample_format"), QStringLiteral("s16le")},
                          {QStringLiteral("frame_ms"), 20}};
    QVERIFY2(server.engine().startLocalSpeaker(QStringLiteral("desk"), fmt, &err), qPrintable(err));
    QVERIFY(l.waitJsonType(QStringLiteral("speaker_joined")));
    QVERIFY(l.waitJsonType(QStringLiteral("format")));
    QList<QByteArray> sent;
    for (int i = 0; i < 30; ++i) {
        sent.append(QByteArray(1920, char(i)));
        server.engine().publishLocal(QStringLiteral("desk"), sent.last());
    }
    QVERIFY(l.waitBinary(30));
    QCOMPARE(l.binary, sent);
    QCOMPARE(server.engine().hub()->snapshot().first().framesIn, 30);
    QCOMPARE(server.engine().hub()->snapshot().first().speakerAddress, QStringLiteral("local microphone"));
    server.engine().stopLocalSpeaker(QStringLiteral("desk"));
    QVERIFY(l.waitJsonType(QStringLiteral("speaker_left")));
    server.engine().publishLocal(QStringLiteral("desk"), "late"); // off air: dropped
    quietPeriod(); // the dropped frame would arrive now
    QCOMPARE(l.binary.size(), 30);
}

void TestLocal::localFeedHearsWebSocketSpeaker()
{
    TestServer server;
    QMutex mutex;
    QList<QByteArray> heard;
    QStringList messages;
    StreamFeed feed(server.engine().hub(), QStringLiteral("main"), [&](bool audio, const QByteArray &payload) {
        QMutexLocker lock(&mutex);
        if (audio)
            heard.append(payload);
        else
            messages.append(QString::fromUtf8(payload));
    });
    QVERIFY(!feed.refresh()); // no such stream yet: nothing to attach to
    WsClient s;
    QVERIFY(s.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/main"))));
    QVERIFY(feed.refresh());
    QVERIFY(!feed.refresh()); // the same stream: nothing new
    for (int i = 0; i < 10; ++i)
        s.socket.sendBinaryMessage(QByteArray(100 + i, 'a' + char(i)));
    QTRY_COMPARE([&] { QMutexLocker lock(&mutex); return heard.size(); }(), 10);
    {
        QMutexLocker lock(&mutex);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(heard[i], QByteArray(100 + i, 'a' + char(i)));
    }
    // A feed is not a listener: payloads, not frames, and no one counted.
    QCOMPARE(server.engine().hub()->listenersOf(QStringLiteral("main")), 0);
    s.socket.close();
    QTRY_VERIFY([&] { QMutexLocker lock(&mutex); return messages.join(u' ').contains(QLatin1String("speaker_left")); }());
}

void TestLocal::localSpeakerRespectsOneSpeakerPerStream()
{
    TestServer server;
    WsClient s;
    QVERIFY(s.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/main"))));
    QString err;
    QVERIFY(!server.engine().startLocalSpeaker(QStringLiteral("main"), {}, &err));
    QVERIFY2(err.contains(QLatin1String("already has a speaker")), qPrintable(err));
    QVERIFY(!server.engine().startLocalSpeaker(QStringLiteral("bad id"), {}, &err));
    QVERIFY(server.engine().startLocalSpeaker(QStringLiteral("other"), {}, &err));
    WsClient second; // and a remote speaker cannot take the local one's stream
    second.socket.open(server.ws(QStringLiteral("/ws/speak/other")));
    QVERIFY(second.waitDisconnected());
    QCOMPARE(second.closeCode, 4409);
}

QTEST_GUILESS_MAIN(TestLocal)
#include "tst_local.moc"
