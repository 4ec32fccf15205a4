// File monitoring (seed 003): created, modified and deleted files become events on
// file_events, and <project>/<conversation>.jsonl also on its project and conversation.
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace onair;
using namespace onair::test;

class TestFileWatch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void changesBecomeEvents();
    void missingDirectoryIsAnError();
};

namespace {
QStringList seen(const WsClient &c)
{
    QStringList out;
    for (const QJsonObject &o : c.json) {
        if (o.value(QLatin1String("type")).toString() != QLatin1String("event"))
            continue;
        const QJsonObject d = o.value(QLatin1String("data")).toObject();
        out.append(o.value(QLatin1String("topic")).toString() + u' ' + d.value(QLatin1String("kind")).toString() + u' '
                   + d.value(QLatin1String("path")).toString());
    }
    return out;
}
} // namespace

void TestFileWatch::changesBecomeEvents()
{
    QTemporaryDir watched;
    QFile pre(watched.filePath(QStringLiteral("existing.txt")));
    QVERIFY(pre.open(QIODevice::WriteOnly));
    pre.write("before start");
    pre.close();
    EngineConfig c = testConfig();
    c.watchDirs = {watched.path()};
    TestServer server(c);

    WsClient files, project, conversation, other;
    for (WsClient *w : {&files, &project, &conversation, &other})
        QVERIFY(w->openAndWaitConnected(server.ws(QStringLiteral("/ws/events"))));
    QVERIFY(files.subscribe({QStringLiteral("file_events")}));
    QVERIFY(project.subscribe({QStringLiteral("project:p1")}));
    QVERIFY(conversation.subscribe({QStringLiteral("conversation:c9")}));
    QVERIFY(other.subscribe({QStringLiteral("project:p2")}));

    // A new directory is no event of its own, but from then on it is watched: a file made in
    // it is announced (once the watcher has the directory, so what follows is not raced).
    QVERIFY(QDir(watched.path()).mkdir(QStringLiteral("p1")));
    QFile marker(watched.filePath(QStringLiteral("p1/marker.txt")));
    QVERIFY(marker.open(QIODevice::WriteOnly));
    marker.close();
    QTRY_VERIFY(seen(files).contains(QStringLiteral("file_events created p1/marker.txt")));
    QVERIFY(!seen(files).contains(QStringLiteral("file_events created p1")));
    QVERIFY(seen(project).isEmpty()); // not <project>/<conversation>.jsonl
    QFile f(watched.filePath(QStringLiteral("p1/c9.jsonl")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"n\":1}\n");
    f.close();
    QTRY_VERIFY(seen(files).contains(QStringLiteral("file_events created p1/c9.jsonl")));
    QTRY_VERIFY(seen(project).contains(QStringLiteral("project:p1 created p1/c9.jsonl")));
    QTRY_VERIFY(seen(conversation).contains(QStringLiteral("conversation:c9 created p1/c9.jsonl")));
    const QJsonObject ev = files.lastJsonOfType(QStringLiteral("event")).value(QLatin1String("data")).toObject();
    QCOMPARE(ev.value(QLatin1String("size")).toInt(), 8);
    QVERIFY(QDateTime::fromString(ev.value(QLatin1String("time")).toString(), Qt::ISODateWithMs).isValid());

    QVERIFY(f.open(QIODevice::Append));
    f.write("{\"n\":2}\n");
    f.close();
    QTRY_VERIFY(seen(files).contains(QStringLiteral("file_events modified p1/c9.jsonl")));
    QTRY_VERIFY(seen(project).contains(QStringLiteral("project:p1 modified p1/c9.jsonl")));

    QFile ex(watched.filePath(QStringLiteral("existing.txt")));
    QVERIFY(ex.open(QIODevice::Append));
    ex.write(" and after");
    ex.close();
    QTRY_VERIFY(seen(files).contains(QStringLiteral("file_events modified existing.txt")));

    QVERIFY(QFile::remove(watched.filePath(QStringLiteral("p1/c9.jsonl"))));
    QTRY_VERIFY(seen(files).contains(QStringLiteral("file_events deleted p1/c9.jsonl")));
    QTRY_VERIFY(seen(conversation).contains(QStringLiteral("conversation:c9 deleted p1/c9.jsonl")));
    quietPeriod(); // a stray event for project:p2, or a second "deleted", would arrive now
    QVERIFY(seen(other).isEmpty());
    QCOMPARE(seen(files).count(QStringLiteral("file_events deleted p1/c9.jsonl")), 1); // once, not per watch
}

void TestFileWatch::missingDirectoryIsAnError()
{
    EngineConfig c = testConfig();
    QTemporaryDir data;
    c.dataDir = data.path();
    c.watchDirs = {QStringLiteral("/nonexistent/onair-watch")};
    Engine engine(c);
    QString error;
    QVERIFY(!engine.start(&error));
    QVERIFY2(error.contains(QLatin1String("not a directory")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestFileWatch)
#include "tst_filewatch.moc"
