// SIGTERM on the real onair-server binary: every client gets close 1001, exit code 0 within 2 s.
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace onair;
using namespace onair::test;

class TestShutdown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sigtermClosesClientsWith1001_data();
    void sigtermClosesClientsWith1001();

private:
    QTemporaryDir m_dir;
};

void TestShutdown::sigtermClosesClientsWith1001_data()
{
    QTest::addColumn<int>("sig");
    QTest::addRow("SIGTERM") << int(SIGTERM);
    QTest::addRow("SIGINT") << int(SIGINT);
}

void TestShutdown::sigtermClosesClientsWith1001()
{
    QFETCH(int, sig);
    QProcess server;
    QElapsedTimer t;
    const quint16 port = startServerProcess(server, {QStringLiteral("--open-speakers"), QStringLiteral("--data-dir"), m_dir.path()});
    QVERIFY(port > 0);

    WsClient l1, l2, s;
    const QString base = QStringLiteral("ws://127.0.0.1:%1").arg(port);
    QVERIFY(l1.openAndWaitConnected(QUrl(base + QStringLiteral("/ws/listen/main"))));
    QVERIFY(l2.openAndWaitConnected(QUrl(base + QStringLiteral("/ws/listen/other"))));
    QVERIFY(s.openAndWaitConnected(QUrl(base + QStringLiteral("/ws/speak/main"))));

    t.restart();
    ::kill(pid_t(server.processId()), sig);
    QVERIFY(l1.waitDisconnected(3000));
    QVERIFY(l2.waitDisconnected(3000));
    QVERIFY(s.waitDisconnected(3000));
    QCOMPARE(l1.closeCode, 1001);
    QCOMPARE(l2.closeCode, 1001);
    QCOMPARE(s.closeCode, 1001);
    if (server.state() != QProcess::NotRunning)
        QVERIFY(server.waitForFinished(3000));
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestShutdown)
#include "tst_shutdown.moc"
