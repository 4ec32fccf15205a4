// Recording under faults, against the real onair-server binary (docs/recording.md, issue 20):
//  1. kill -9 while recording: the file plays (ffprobe) to within a second of the kill, its
//     timeline is valid up to its last line, and the next start lists it as interrupted.
//  2. A full disk (a 16 KiB tmpfs mounted over the recordings folder): the recording stops with
//     the reason in /health, the stream's status and the log; the listener loses no frame.
#include "testsupport.h"

#include "auth/auth.h"
#include "recording/recordings.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/mount.h>

using namespace onair;
using namespace onair::test;

namespace {
const QByteArray kSecret = "recording-faults-secret-0123456789abcdef";

QByteArray adminToken()
{
    TokenClaims c;
    c.sub = QStringLiteral("operator");
    c.role = Role::Admin;
    c.iat = QDateTime::currentSecsSinceEpoch();
    c.exp = c.iat + 3600;
    return mintToken(c, kSecret);
}

double ffprobeSeconds(const QString &path, QByteArray *err)
{
    QProcess p;
    p.start(QStringLiteral("ffprobe"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-show_entries"),
                                        QStringLiteral("format=duration"), QStringLiteral("-of"),
                                        QStringLiteral("default=nw=1:nk=1"), path});
    p.waitForFinished(30000);
    *err = p.readAllStandardError();
    return p.readAllStandardOutput().trimmed().toDouble();
}

QStringList serverArgs(const QString &dataDir)
{
    return {QStringLiteral("--data-dir"), dataDir, QStringLiteral("--secret"), QString::fromLatin1(kSecret),
            QStringLiteral("--open-speakers")};
}

QUrl wsUrl(quint16 port, const QString &path)
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(path));
}
} // namespace

class TestRecordingFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void kill9();
    void fullDisk();
};

void TestRecordingFaults::kill9()
{
    ONAIR_SKIP_WITHOUT("ffprobe");
    QTemporaryDir data;
    const QByteArray admin = bearer(adminToken());
    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const quint16 port = startServerProcess(server, serverArgs(data.path()) << QStringLiteral("--record")
                                                                            << QStringLiteral("main"));
    QVERIFY(port);
    ToneSpeaker speaker(wsUrl(port, QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(speaker.ok());
    QTRY_VERIFY_WITH_TIMEOUT(httpGet(port, QStringLiteral("/api/streams/main/recording"), admin).json()
                                 .value(QLatin1String("recording")).toBool(), 5000);
    QTest::qWait(3500);
    const HttpReply st = httpGet(port, QStringLiteral("/api/streams/main/recording"), admin);
    const qint64 elapsedAtKill = st.json().value(QLatin1String("elapsed_ms")).toInteger();
    const QString id = st.json().value(QLatin1String("id")).toString();
    ::kill(pid_t(server.processId()), SIGKILL);
    QVERIFY(server.waitForFinished(5000));
    speaker.stop();

    const QString folder = data.path() + QStringLiteral("/recordings/main/");
    const QStringList files = QDir(folder).entryList({QStringLiteral("*.ogg")});
    QCOMPARE(files.size(), 1);
    QByteArray err;
    const double seconds = ffprobeSeconds(folder + files.first(), &err);
    qInfo("killed at %lld ms of recording; ffprobe reads %.3f s (%s)", elapsedAtKill, seconds, err.constData());
    QVERIFY2(seconds * 1000 >= double(elapsedAtKill) - 1000 && seconds * 1000 <= double(elapsedAtKill) + 500,
             qPrintable(QStringLiteral("%1 s after %2 ms").arg(seconds).arg(elapsedAtKill)));
    // The timeline: every whole line parses; it starts with "start".
    QFile timeline(folder + files.first().chopped(4) + QStringLiteral(".jsonl"));
    QVERIFY(timeline.open(QIODevice::ReadOnly));
    const QByteArray text = timeline.readAll();
    QVERIFY(text.endsWith('\n')); // lines reach the file whole
    const QList<QByteArray> lines = text.trimmed().split('\n');
    QVERIFY(lines.size() >= 3);
    for (const QByteArray &line : lines)
        QVERIFY2(QJsonDocument::fromJson(line).isObject(), line.constData());
    QCOMPARE(QJsonDocument::fromJson(lines.first()).object().value(QLatin1String("type")).toString(), QStringLiteral("start"));

    // The next start: interrupted, with the duration the file has.
    QProcess again;
    again.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const quint16 port2 = startServerProcess(again, serverArgs(data.path()));
    QVERIFY(port2);
    const HttpReply detail = httpGet(port2, QStringLiteral("/api/recordings/") + id, admin);
    QCOMPARE(detail.status, 200);
    const QJsonObject rec = detail.json().value(QLatin1String("recording")).toObject();
    QCOMPARE(rec.value(QLatin1String("state")).toString(), QStringLiteral("interrupted"));
    QVERIFY2(std::abs(double(rec.value(QLatin1String("duration_ms")).toInteger()) - seconds * 1000) <= 50,
             detail.body.constData());
    QCOMPARE(httpGet(port2, QStringLiteral("/api/recordings/%1.ogg").arg(id), admin).status, 200);
    again.terminate();
    QVERIFY(again.waitForFinished(10000));
}

void TestRecordingFaults::fullDisk()
{
    QTemporaryDir data;
    const QString recordings = data.path() + QStringLiteral("/recordings");
    QVERIFY(QDir().mkpath(recordings));
    // A tiny filesystem of its own: it fills within seconds while the rest of the disk is fine.
    if (::mount("tmpfs", recordings.toLocal8Bit().constData(), "tmpfs", 0, "size=16k") != 0)
        QSKIP(qPrintable(QStringLiteral("mounting a 16 KiB tmpfs needs root (CAP_SYS_ADMIN): %1")
                             .arg(QString::fromLocal8Bit(strerror(errno)))));
    const auto unmount = qScopeGuard([&] { ::umount2(recordings.toLocal8Bit().constData(), MNT_DETACH); });
    const QByteArray admin = bearer(adminToken());
    QProcess server;
    const quint16 port = startServerProcess(server, serverArgs(data.path()));
    QVERIFY(port);
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(wsUrl(port, QStringLiteral("/ws/listen/main"))));
    ToneSpeaker speaker(wsUrl(port, QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(speaker.ok());
    const HttpReply on = httpSend(port, "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":true})", admin);
    QCOMPARE(on.status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(!httpGet(port, QStringLiteral("/api/streams/main/recording"), admin).json()
                                  .value(QLatin1String("error")).toString().isEmpty(), 20000);
    const QJsonObject st = httpGet(port, QStringLiteral("/api/streams/main/recording"), admin).json();
    qInfo("the recording stopped: %s", qPrintable(st.value(QLatin1String("error")).toString()));
    QVERIFY(!st.value(QLatin1String("recording")).toBool());
    QVERIFY(st.value(QLatin1String("error")).toString().contains(QLatin1String("No space left"), Qt::CaseInsensitive));
    const QJsonObject component = httpGet(port, QStringLiteral("/health")).json().value(QLatin1String("components"))
                                      .toObject().value(QLatin1String("recording")).toObject();
    QCOMPARE(component.value(QLatin1String("status")).toString(), QStringLiteral("degraded"));
    // The archive says why.
    const QJsonObject row = httpGet(port, QStringLiteral("/api/recordings"), admin).json()
                                .value(QLatin1String("recordings")).toArray().first().toObject();
    QCOMPARE(row.value(QLatin1String("state")).toString(), QStringLiteral("failed"));
    QVERIFY(!row.value(QLatin1String("reason")).toString().isEmpty());
    // The broadcast went on: every frame the speaker sent reached the listener.
    QTest::qWait(1000);
    speaker.stop();
    QTRY_COMPARE_WITH_TIMEOUT(qint64(listener.binary.size()), speaker.framesSent(), 3000);
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    // The log said it, once.
    const QByteArray log = server.readAllStandardError() + server.readAllStandardOutput();
    QCOMPARE(log.count("stopped: "), 1);
}

QTEST_GUILESS_MAIN(TestRecordingFaults)
#include "tst_recordingfaults.moc"
