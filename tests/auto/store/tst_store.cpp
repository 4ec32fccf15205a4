// The SQLite store: migrations, banner lifecycle, idempotent acknowledgements, history, and
// everything surviving a reopen.
#include "store/sqlstore.h"
#include "testsupport.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace onair;
using namespace onair::test;

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
    void migratesV1WithTwoActiveBanners();
    void databaseAllowsOneActiveBanner();
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
    const Banner a = makeBanner(QStringLiteral("first"), 10), b = makeBanner(QStringLiteral("second"));
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
    const Banner a = makeBanner(QStringLiteral("x"));
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
        QVERIFY(s.insertActiveBanner(makeBanner(QString::number(i), 50 - i), &e));
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
    const Banner a = makeBanner(QStringLiteral("<script>alert(1)</script>'; DROP TABLE broadcasts; --"));
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

// A database as OnAir with schema 1 left it, with two active banners (possible then).
void TestStore::migratesV1WithTwoActiveBanners()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v1.db"));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        const QStringList schema1 = {
            QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL)"),
            QStringLiteral("INSERT INTO schema_version (version) VALUES (1)"),
            QStringLiteral("CREATE TABLE broadcasts (id TEXT PRIMARY KEY, message TEXT NOT NULL,"
                           " type TEXT NOT NULL CHECK (type IN ('info','warning','alert')), created_by TEXT NOT NULL,"
                           " created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 0, cleared_at TEXT)"),
            QStringLiteral("CREATE INDEX broadcasts_created_at ON broadcasts (created_at)"),
            QStringLiteral("CREATE TABLE acknowledgements (broadcast_id TEXT NOT NULL REFERENCES broadcasts (id),"
                           " identity TEXT NOT NULL, acknowledged_at TEXT NOT NULL, PRIMARY KEY (broadcast_id, identity))"),
            QStringLiteral("CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,"
                           " actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT)"),
            QStringLiteral("INSERT INTO broadcasts VALUES ('old', 'a', 'info', 'admin', '2024-01-01T10:00:00.000Z', 1, NULL)"),
            QStringLiteral("INSERT INTO broadcasts VALUES ('new', 'b', 'info', 'admin', '2024-01-01T11:00:00.000Z', 1, NULL)"),
            QStringLiteral("INSERT INTO broadcasts VALUES ('gone', 'c', 'info', 'admin', '2024-01-01T09:00:00.000Z', 0,"
                           " '2024-01-01T09:30:00.000Z')"),
            QStringLiteral("INSERT INTO acknowledgements VALUES ('new', 'u1', '2024-01-01T11:01:00.000Z')"),
        };
        for (const QString &stmt : schema1)
            QVERIFY2(q.exec(stmt), qPrintable(q.lastError().text()));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v1"));
    SqlStore s(path);
    QString e;
    QVERIFY2(s.open(&e), qPrintable(e));
    QCOMPARE(s.schemaVersion(&e).value_or(-1), SqlStore::kSchemaVersion);
    QCOMPARE(s.activeBanner(&e)->id, QStringLiteral("new"));
    const Banner old = s.banner(QStringLiteral("old"), &e).value();
    QVERIFY(!old.active);
    QCOMPARE(old.clearedAt, QDateTime::fromString(QStringLiteral("2024-01-01T11:00:00.000Z"), Qt::ISODateWithMs));
    QCOMPARE(s.banner(QStringLiteral("gone"), &e)->clearedAt,
             QDateTime::fromString(QStringLiteral("2024-01-01T09:30:00.000Z"), Qt::ISODateWithMs));
    QCOMPARE(s.acknowledgers(QStringLiteral("new"), &e).value(), QStringList{QStringLiteral("u1")});
    QCOMPARE(s.history(10, &e)->size(), 3);
    // and the migrated database works as a new one does
    const Banner b = makeBanner(QStringLiteral("after"));
    QVERIFY2(s.insertActiveBanner(b, &e), qPrintable(e));
    QCOMPARE(s.activeBanner(&e)->id, b.id);
    QVERIFY(!s.banner(QStringLiteral("new"), &e)->active);
}

// Migration 2: the database itself refuses a second active row, whoever writes it.
void TestStore::databaseAllowsOneActiveBanner()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a.db"));
    QString e;
    {
        SqlStore s(path);
        QVERIFY(s.open(&e));
        QVERIFY(s.insertActiveBanner(makeBanner(QStringLiteral("one")), &e));
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw2"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(!q.exec(QStringLiteral("INSERT INTO broadcasts (id, message, type, created_by, created_at, active) "
                                       "VALUES ('x', 'two', 'info', 'admin', '2030-01-01T00:00:00.000Z', 1)")));
        QVERIFY2(q.lastError().text().contains(QLatin1String("UNIQUE")), qPrintable(q.lastError().text()));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw2"));
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
