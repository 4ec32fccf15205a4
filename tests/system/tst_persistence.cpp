// Nothing created or acknowledged is lost when the server process is killed hard (SIGKILL)
// and restarted on the same data directory.
#include "testsupport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>

#include <csignal>

using namespace onair;
using namespace onair::test;

class TestPersistence : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void survivesKill9();
};

void TestPersistence::survivesKill9()
{
    QTemporaryDir data;
    QProcess token;
    token.start(serverBinary(), {QStringLiteral("token"), QStringLiteral("--role"), QStringLiteral("admin"),
                                 QStringLiteral("--data-dir"), data.path()});
    QVERIFY(token.waitForFinished(5000));
    const QByteArray admin = bearer(token.readAllStandardOutput().trimmed());

    QString id;
    {
        QProcess server;
        const quint16 port = startServerProcess(server, {QStringLiteral("--data-dir"), data.path()});
        QVERIFY(port > 0);
        const HttpReply created = httpSend(port, "POST", QStringLiteral("/api/broadcasts"),
                                           R"({"message":"Doors close at 21:00","type":"warning"})", admin);
        QCOMPARE(created.status, 201);
        id = created.json().value(QLatin1String("id")).toString();
        QCOMPARE(httpSend(port, "POST", QStringLiteral("/api/broadcasts/%1/ack").arg(id), {}, "X-Client-Id: erin\r\n").status, 200);
        WsClient frank; // acknowledged over WebSocket: the reply follows the commit
        QVERIFY(frank.openAndWaitConnected(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/listen/main?client_id=frank").arg(port))));
        QVERIFY(frank.waitJsonType(QStringLiteral("active_broadcast")));
        frank.socket.sendTextMessage(QStringLiteral(R"({"type":"acknowledge_broadcast","broadcast_id":"%1"})").arg(id));
        QVERIFY(frank.waitJsonType(QStringLiteral("broadcast_acknowledged")));
        QTRY_COMPARE(httpGet(port, QStringLiteral("/api/broadcasts/stats"), admin).json()
                         .value(QLatin1String("acknowledged")).toInt(), 2);
        ::kill(pid_t(server.processId()), SIGKILL);
        QVERIFY(server.waitForFinished(3000));
        QCOMPARE(server.exitStatus(), QProcess::CrashExit);
    }
    QProcess server;
    const quint16 port = startServerProcess(server, {QStringLiteral("--data-dir"), data.path()});
    QVERIFY(port > 0);
    const HttpReply active = httpGet(port, QStringLiteral("/api/broadcasts/active"), "X-Client-Id: gina\r\n");
    QCOMPARE(active.json().value(QLatin1String("id")).toString(), id);
    QCOMPARE(active.json().value(QLatin1String("message")).toString(), QStringLiteral("Doors close at 21:00"));
    for (const char *who : {"erin", "frank"})
        QCOMPARE(httpGet(port, QStringLiteral("/api/broadcasts/active"), QByteArray("X-Client-Id: ") + who + "\r\n").body.trimmed(),
                 QByteArray("null"));
    WsClient erin;
    QVERIFY(erin.openAndWaitConnected(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/listen/main?client_id=erin").arg(port))));
    quietPeriod(); // an acknowledged banner must not come again
    QVERIFY(erin.lastJsonOfType(QStringLiteral("active_broadcast")).isEmpty());
    server.terminate();
    QVERIFY(server.waitForFinished(3000));
}

QTEST_GUILESS_MAIN(TestPersistence)
#include "tst_persistence.moc"
