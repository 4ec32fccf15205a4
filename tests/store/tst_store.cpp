// The SQLite store: migrations, banner lifecycle, idempotent acknowledgements, history, and
// everything surviving a reopen.
#include "sqlstore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace onair;

namespace {
Banner banner(const QString &message, int secondsAgo = 0)
{
    Banner b;
    b.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    b.message = message;
    b.type = QStringLiteral("info");
    b.createdBy = QStringLiteral("admin");
    b.createdAt = QDateTime::currentDateTimeUtc().addSecs(-secondsAgo);
    return b;
}
} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void migratesToCurrentSchema();
    void oneActiveBanner();
    void acknowledgementsAreIdempotent();
    void historyNewestFirst();
    void survivesReopen();
    void refusesNewerSchema();
};

void TestStore::migratesToCurrentSchema()
{
    QTemporaryDir dir;
    SqlStore s(dir.filePath(QStringLiteral("a.db")));
    QString e;
    QVERIFY2(s.open(&e), qPrintable(e));
    QCOMPARE(s.schemaVersion(&e).value_or(-1), SqlStore::kSchemaVersion);
    QVERIFY2(s.open(&e), qPrintable(e)); // idempotent
    QCOMPARE(s.schemaVersion(&e).value_or(-1), SqlStore::kSchemaVersion);
}

void TestStore::oneActiveBanner()
{
    QTemporaryDir dir;
    SqlStore s(dir.filePath(QStringLiteral("a.db")));
    QString e;
    QVERIFY(s.open(&e));
    QVERIFY(!s.activeBanner(&e)->isValid());
    const Banner a = banner(QStringLiteral("first"), 10), b = banner(QStringLiteral("second"));
    QVERIFY(s.insertActiveBanner(a, &e));
    QVERIFY(s.insertActiveBanner(b, &e));
    QCOMPARE(s.activeBanner(&e)->id, b.id);
    QCOMPARE(s.banner(a.id, &e)->active, false);
    QVERIFY(s.banner(a.id, &e)->clearedAt.isValid());
    bool cleared = false;
    QVERIFY(s.clearActive(QDateTime::currentDateTimeUtc(), &cleared, &e));
    QVERIFY(cleared);
    QVERIFY(!s.activeBanner(&e)->isValid());
    QVERIFY(s.clearActive(QDateTime::currentDateTimeUtc(), &cleared, &e));
    QVERIFY(!cleared);
    QCOMPARE(s.history(10, &e)->size(), 2); // kept as history
}

void TestStore::acknowledgementsAreIdempotent()
{
    QTemporaryDir dir;
    SqlStore s(dir.filePath(QStringLiteral("a.db")));
    QString e;
    QVERIFY(s.open(&e));
    const Banner a = banner(QStringLiteral("x"));
    QVERIFY(s.insertActiveBanner(a, &e));
    QVERIFY(s.acknowledge(a.id, QStringLiteral("u1"), QDateTime::currentDateTimeUtc(), &e));
    QVERIFY(s.acknowledge(a.id, QStringLiteral("u1"), QDateTime::currentDateTimeUtc(), &e));
    QVERIFY(s.acknowledge(a.id, QStringLiteral("u2"), QDateTime::currentDateTimeUtc(), &e));
    QStringList who = s.acknowledgers(a.id, &e).value();
    who.sort();
    QCOMPARE(who, (QStringList{QStringLiteral("u1"), QStringLiteral("u2")}));
    QVERIFY(!s.acknowledge(QStringLiteral("no-such-banner"), QStringLiteral("u1"), QDateTime::currentDateTimeUtc(), &e));
}

void TestStore::historyNewestFirst()
{
    QTemporaryDir dir;
    SqlStore s(dir.filePath(QStringLiteral("a.db")));
    QString e;
    QVERIFY(s.open(&e));
    for (int i = 0; i < 5; ++i)
        QVERIFY(s.insertActiveBanner(banner(QString::number(i), 50 - i), &e));
    const QList<Banner> h = s.history(3, &e).value();
    QCOMPARE(h.size(), 3);
    QCOMPARE(h[0].message, QStringLiteral("4"));
    QCOMPARE(h[2].message, QStringLiteral("2"));
    QCOMPARE(s.countCreatedSince(QDateTime::currentDateTimeUtc().addMSecs(-48500), &e).value(), 3);
}

void TestStore::survivesReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a.db"));
    const Banner a = banner(QStringLiteral("<script>alert(1)</script>'; DROP TABLE broadcasts; --"));
    QString e;
    {
        SqlStore s(path);
        QVERIFY(s.open(&e));
        QVERIFY(s.insertActiveBanner(a, &e));
        QVERIFY(s.acknowledge(a.id, QStringLiteral("u1"), QDateTime::currentDateTimeUtc(), &e));
    }
    SqlStore s(path);
    QVERIFY(s.open(&e));
    const Banner back = s.activeBanner(&e).value();
    QCOMPARE(back.id, a.id);
    QCOMPARE(back.message, a.message); // data, stored verbatim
    QCOMPARE(s.acknowledgers(a.id, &e).value(), QStringList{QStringLiteral("u1")});
}

void TestStore::refusesNewerSchema()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a.db"));
    QString e;
    {
        SqlStore s(path);
        QVERIFY(s.open(&e));
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("UPDATE schema_version SET version = 99")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    SqlStore s(path);
    QVERIFY(!s.open(&e));
    QVERIFY2(e.contains(QLatin1String("newer")), qPrintable(e));
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
