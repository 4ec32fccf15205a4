// The engine's in-process API that the desktop app uses: a local speaker (the microphone, no
// network hop) and a local listener (the monitor), against real WebSocket clients.
#include "testsupport.h"
#include "protocol/wsframe.h"

#include <QMutex>
#include <QTest>

using namespace onair;
using namespace onair::test;

class TestLocal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void localSpeakerReachesWebSocketListeners();
    void localListenerHearsWebSocketSpeaker();
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

void TestLocal::localListenerHearsWebSocketSpeaker()
{
    TestServer server;
    QMutex mutex;
    QList<QByteArray> heard;
    const quint64 id = server.engine().addLocalListener(QStringLiteral("main"), [&](const QByteArray &frames) {
        QMutexLocker lock(&mutex);
        for (const ServerFrame &f : splitServerFrames(frames)) {
            if (f.opcode == WsOpcode::Binary)
                heard.append(f.payload);
        }
    });
    QVERIFY(id > 0);
    QTRY_COMPARE(server.engine().hub()->listenersOf(QStringLiteral("main")), 1);
    WsClient s;
    QVERIFY(s.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/main"))));
    for (int i = 0; i < 10; ++i)
        s.socket.sendBinaryMessage(QByteArray(100 + i, 'a' + char(i)));
    QTRY_COMPARE([&] { QMutexLocker lock(&mutex); return heard.size(); }(), 10);
    {
        QMutexLocker lock(&mutex);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(heard[i], QByteArray(100 + i, 'a' + char(i)));
    }
    server.engine().removeLocalListener(id);
    QTRY_COMPARE(server.engine().hub()->listenersOf(QStringLiteral("main")), 0);
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
