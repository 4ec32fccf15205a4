// The store on a real PostgreSQL 15 (a throwaway cluster started by scripts/pg-test-server.sh
// on a free loopback port): the shared schema and its migrations, concurrent replicas, one
// active banner under concurrent writers, and what happens when the server goes away and
// comes back, for the store itself and for onair-server over HTTP.
#include "auth/auth.h"
#include "store/sqlstore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSemaphore>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <algorithm>
#include <atomic>
#include <functional>

using namespace onair;
using namespace onair::test;

namespace {
// Set by pg-test-server.sh (its default); ':' and '@' must be percent-encoded in the URL.
const QString kPassword = QStringLiteral("onair:p@ss");
const QString kEncodedPassword = QStringLiteral("onair%3Ap%40ss");

// A connection of the test itself, beside the store's.
class Raw
{
public:
    explicit Raw(quint16 port)
        : m_name(QStringLiteral("raw-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
    {
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(port);
        db.setDatabaseName(QStringLiteral("onair"));
        db.setUserName(QStringLiteral("onair"));
        db.setPassword(kPassword);
        db.setConnectOptions(QStringLiteral("connect_timeout=3"));
        if (!db.open())
            qWarning("raw connection failed: %s", qPrintable(db.lastError().text()));
        QSqlQuery(db).exec(QStringLiteral("SET client_min_messages TO warning"));
    }
    ~Raw()
    {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    Q_DISABLE_COPY_MOVE(Raw)
    // The first column of the first row, or an invalid QVariant.
    QVariant value(const QString &sql)
    {
        QSqlQuery q(db);
        if (!q.exec(sql)) {
            qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return {};
        }
        return q.next() ? q.value(0) : QVariant();
    }
    bool exec(const QString &sql)
    {
        QSqlQuery q(db);
        if (q.exec(sql))
            return true;
        qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return false;
    }
    QSqlDatabase db;

private:
    QString m_name;
};
} // namespace

class TestPgStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void migratesToCurrentSchema();
    void replicasMigrateConcurrently();
    void oneActiveBanner();
    void concurrentWritersKeepOneActive();
    void retriesWhenAnotherWriterWins();
    void acknowledgementsAreIdempotent();
    void historyNewestFirst();
    void topicOffsetsAcrossReplicas();
    void describeHidesPassword();
    void urlOptions();
    void badUrlsFail();
    void deadHostFailsFast();
    void survivesServerRestart();
    void connectionDiesMidTransaction();
    void serverKeepsServingWhileDatabaseIsDown();

private:
    QString url() const
    {
        return QStringLiteral("postgresql://onair:%1@127.0.0.1:%2/onair").arg(kEncodedPassword).arg(m_port);
    }
    std::unique_ptr<SqlStore> openStore()
    {
        auto s = SqlStore::postgres(url());
        QString e;
        if (!s->open(&e))
            qWarning("open: %s", qPrintable(e));
        return s;
    }
    bool pg(const char *command)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedChannels);
        p.start(QStringLiteral("bash"), {m_script, QString::fromLatin1(command), m_dir.path(), QString::number(m_port)});
        return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }
    int count(const QString &where = QString())
    {
        Raw raw(m_port);
        return raw.value(QStringLiteral("SELECT COUNT(*) FROM broadcasts") + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where))
            .toInt();
    }

    QTemporaryDir m_dir;
    QString m_script;
    quint16 m_port = 0;
};

void TestPgStore::initTestCase()
{
    ONAIR_SKIP_WITHOUT("postgresql");
    m_script = QFileInfo(sourceDir() + QStringLiteral("/scripts/pg-test-server.sh")).absoluteFilePath();
    QVERIFY2(QFileInfo::exists(m_script), qPrintable(m_script));
    QVERIFY(m_dir.isValid());
    m_port = freePort();
    QVERIFY(m_port > 0);
    QVERIFY2(pg("start"), "pg-test-server.sh start failed");
    QVERIFY(pg("start")); // idempotent
    QVERIFY(pg("status"));
}

void TestPgStore::cleanupTestCase()
{
    if (m_port)
        pg("stop");
}

// Every test starts from an empty database (and a running server).
void TestPgStore::init()
{
    QVERIFY(pg("start"));
    Raw raw(m_port);
    QVERIFY(raw.exec(QStringLiteral("DROP TABLE IF EXISTS acknowledgements, broadcasts, audit_log, schema_version,"
                                     " topic_heads, topic_events, history_epoch, recordings, recording_wishes, language_channels CASCADE")));
}

void TestPgStore::migratesToCurrentSchema()
{
    auto s = SqlStore::postgres(url());
    QVERIFY(s->isPostgres());
    QString e;
    QVERIFY2(s->open(&e), qPrintable(e));
    QCOMPARE(s->schemaVersion(&e).value_or(-1), SqlStore::kSchemaVersion);
    QVERIFY2(s->open(&e), qPrintable(e)); // idempotent
    QCOMPARE(s->schemaVersion(&e).value_or(-1), SqlStore::kSchemaVersion);
    auto again = openStore(); // a second replica finds the schema in place
    QCOMPARE(again->schemaVersion(&e).value_or(-1), SqlStore::kSchemaVersion);

    Raw raw(m_port);
    QCOMPARE(raw.value(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), 1);
    QCOMPARE(raw.value(QStringLiteral("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'broadcasts_one_active'")).toInt(), 1);
    // the AUTOINCREMENT column became a sequence-backed bigint
    QCOMPARE(raw.value(QStringLiteral("SELECT data_type FROM information_schema.columns "
                                      "WHERE table_name = 'audit_log' AND column_name = 'id'")).toString(),
             QStringLiteral("bigint"));
    QVERIFY(s->audit(QStringLiteral("ops"), QStringLiteral("test"), QStringLiteral("x"), &e));
    QVERIFY(s->audit(QStringLiteral("ops"), QStringLiteral("test"), QStringLiteral("y"), &e));
    QCOMPARE(raw.value(QStringLiteral("SELECT MAX(id) - MIN(id) FROM audit_log")).toInt(), 1);
    // the database refuses a second active row whoever writes it
    QVERIFY(s->insertActiveBanner(makeBanner(QStringLiteral("one")), &e));
    QVERIFY(!QSqlQuery(raw.db).exec(QStringLiteral("INSERT INTO broadcasts (id, message, type, created_by, created_at, active) "
                                                   "VALUES ('x', 'two', 'info', 'admin', '2030-01-01T00:00:00.000Z', 1)")));
}

// Replicas starting at once against an empty database: one migrates, the others wait for it.
void TestPgStore::replicasMigrateConcurrently()
{
    for (int round = 0; round < 5; ++round) {
        if (round > 0)
            init();
        auto a = SqlStore::postgres(url());
        auto b = SqlStore::postgres(url());
        QSemaphore go;
        QString errA, errB;
        bool okA = false, okB = false;
        std::unique_ptr<QThread> ta(QThread::create([&] { go.acquire(); okA = a->open(&errA); }));
        std::unique_ptr<QThread> tb(QThread::create([&] { go.acquire(); okB = b->open(&errB); }));
        ta->start();
        tb->start();
        go.release(2);
        QVERIFY(ta->wait(30000));
        QVERIFY(tb->wait(30000));
        QVERIFY2(okA, qPrintable(errA));
        QVERIFY2(okB, qPrintable(errB));
        QString e;
        QCOMPARE(a->schemaVersion(&e).value_or(-1), SqlStore::kSchemaVersion);
        QCOMPARE(b->schemaVersion(&e).value_or(-1), SqlStore::kSchemaVersion);
        Raw raw(m_port);
        QCOMPARE(raw.value(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), 1);
    }
}

void TestPgStore::oneActiveBanner()
{
    auto s = openStore();
    QString e;
    QVERIFY(!s->activeBanner(&e)->isValid());
    const Banner a = makeBanner(QStringLiteral("first"), 10), b = makeBanner(QStringLiteral("second"));
    QVERIFY2(s->insertActiveBanner(a, &e), qPrintable(e));
    QVERIFY2(s->insertActiveBanner(b, &e), qPrintable(e));
    QCOMPARE(s->activeBanner(&e)->id, b.id);
    QCOMPARE(s->banner(a.id, &e)->active, false);
    QVERIFY(s->banner(a.id, &e)->clearedAt.isValid());
    QVERIFY(!s->banner(QStringLiteral("no-such-banner"), &e)->isValid());
    bool cleared = false;
    QVERIFY(s->clearActive(QDateTime::currentDateTimeUtc(), &cleared, &e));
    QVERIFY(cleared);
    QVERIFY(!s->activeBanner(&e)->isValid());
    QVERIFY(s->clearActive(QDateTime::currentDateTimeUtc(), &cleared, &e));
    QVERIFY(!cleared);
    QCOMPARE(s->history(10, &e)->size(), 2);
    const Banner c = makeBanner(QStringLiteral("<script>alert(1)</script>'; DROP TABLE broadcasts; -- \\ ' \" ?  $1"));
    QVERIFY2(s->insertActiveBanner(c, &e), qPrintable(e));
    QCOMPARE(s->activeBanner(&e)->message, c.message); // data, stored verbatim
}

// Two replicas (two stores, two connections) creating banners at the same time, many times.
void TestPgStore::concurrentWritersKeepOneActive()
{
    auto a = openStore();
    auto b = openStore();
    constexpr int kEach = 100;
    std::atomic<int> failures{0};
    std::atomic<int> bad{0};
    QString firstError;
    QMutex errorMutex;
    QSemaphore go;
    const auto writer = [&](SqlStore *s, const QString &who) {
        go.acquire();
        for (int i = 0; i < kEach; ++i) {
            QString e;
            if (!s->insertActiveBanner(makeBanner(who + QString::number(i)), &e)) {
                ++failures;
                QMutexLocker lock(&errorMutex);
                if (firstError.isEmpty())
                    firstError = e;
            }
            if (i % 10 == 0) { // readers see exactly one active banner meanwhile
                const std::optional<Banner> active = s->activeBanner(&e);
                if (!active || !active->isValid())
                    ++bad;
            }
        }
    };
    std::unique_ptr<QThread> ta(QThread::create(writer, a.get(), QStringLiteral("a")));
    std::unique_ptr<QThread> tb(QThread::create(writer, b.get(), QStringLiteral("b")));
    ta->start();
    tb->start();
    go.release(2);
    QVERIFY(ta->wait(120000));
    QVERIFY(tb->wait(120000));
    QVERIFY2(failures == 0, qPrintable(firstError));
    QCOMPARE(bad.load(), 0);
    QCOMPARE(count(), 2 * kEach);
    QCOMPARE(count(QStringLiteral("active = 1")), 1);
    QCOMPARE(count(QStringLiteral("active = 0 AND cleared_at IS NULL")), 0);
    QString e;
    QCOMPARE(a->activeBanner(&e)->id, b->activeBanner(&e)->id);
}

// A writer that does not serialize through the store's lock (an older replica, a manual
// fix) holds an uncommitted active row; our INSERT waits on the unique index, fails with a
// unique violation once that commits, and the store runs its transaction again.
void TestPgStore::retriesWhenAnotherWriterWins()
{
    auto s = openStore();
    QString e;
    QVERIFY(s->insertActiveBanner(makeBanner(QStringLiteral("before"), 5), &e));
    Raw other(m_port);
    QVERIFY(other.exec(QStringLiteral("BEGIN")));
    QVERIFY(other.exec(QStringLiteral("UPDATE broadcasts SET active = 0 WHERE active = 1")));
    QVERIFY(other.exec(QStringLiteral("INSERT INTO broadcasts (id, message, type, created_by, created_at, active) "
                                      "VALUES ('other', 'o', 'info', 'admin', '2030-01-01T00:00:00.000Z', 1)")));
    const Banner mine = makeBanner(QStringLiteral("mine"));
    bool ok = false;
    QString err;
    std::unique_ptr<QThread> t(QThread::create([&] { ok = s->insertActiveBanner(mine, &err); }));
    t->start();
    {
        Raw watcher(m_port); // wait until the store's statement waits for the other transaction
        QTRY_VERIFY_WITH_TIMEOUT(watcher.value(QStringLiteral("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")).toInt() > 0, 10000);
    }
    QVERIFY(other.exec(QStringLiteral("COMMIT")));
    QVERIFY(t->wait(10000));
    QVERIFY2(ok, qPrintable(err));
    QCOMPARE(s->activeBanner(&e)->id, mine.id);
    QCOMPARE(count(QStringLiteral("active = 1")), 1);
    QCOMPARE(count(), 3);
}

void TestPgStore::acknowledgementsAreIdempotent()
{
    auto s = openStore();
    QString e;
    const Banner a = makeBanner(QStringLiteral("x"));
    QVERIFY(s->insertActiveBanner(a, &e));
    QVERIFY(s->acknowledge(a.id, QStringLiteral("u1"), QDateTime::currentDateTimeUtc(), &e));
    QVERIFY(s->acknowledge(a.id, QStringLiteral("u1"), QDateTime::currentDateTimeUtc().addSecs(5), &e));
    QVERIFY(s->acknowledge(a.id, QStringLiteral("u2"), QDateTime::currentDateTimeUtc(), &e));
    QStringList who = s->acknowledgers(a.id, &e).value();
    who.sort();
    QCOMPARE(who, (QStringList{QStringLiteral("u1"), QStringLiteral("u2")}));
    e.clear();
    QVERIFY(!s->acknowledge(QStringLiteral("no-such-banner"), QStringLiteral("u1"), QDateTime::currentDateTimeUtc(), &e));
    QVERIFY2(e.contains(QLatin1String("foreign key")), qPrintable(e));
    QVERIFY(s->acknowledge(a.id, QStringLiteral("u3"), QDateTime::currentDateTimeUtc(), &e)); // the connection is fine
    auto other = openStore(); // a second replica sees the same acknowledgements
    QCOMPARE(other->acknowledgers(a.id, &e)->size(), 3);
}

// Two replicas (stores) append to the same topics at once: the database hands out each offset
// once, in one sequence per topic, and both see the same epoch.
void TestPgStore::topicOffsetsAcrossReplicas()
{
    auto a = openStore();
    auto b = openStore();
    QString e;
    QCOMPARE(a->historyEpoch(&e).value_or(QString()), b->historyEpoch(&e).value_or(QStringLiteral("other")));
    QMutex mutex;
    QList<qint64> offsets[2];
    std::atomic<int> failures{0};
    auto append = [&](SqlStore *store) {
        for (int i = 0; i < 100; ++i) {
            QList<TopicEvent> batch;
            for (int t = 0; t < 2; ++t)
                batch.append({QStringLiteral("project:%1").arg(t), 0, QString(), 1000 + i, QJsonObject{{QStringLiteral("i"), i}}});
            QString err;
            if (!store->appendEvents(batch, &err)) {
                failures.fetch_add(1);
                continue;
            }
            QMutexLocker lock(&mutex);
            for (int t = 0; t < 2; ++t)
                offsets[t].append(batch[t].offset);
        }
    };
    QThread *ta = QThread::create(append, a.get());
    QThread *tb = QThread::create(append, b.get());
    ta->start();
    tb->start();
    ta->wait();
    tb->wait();
    delete ta;
    delete tb;
    QCOMPARE(failures.load(), 0);
    for (int t = 0; t < 2; ++t) {
        std::sort(offsets[t].begin(), offsets[t].end());
        QCOMPARE(offsets[t].size(), 200);
        QCOMPARE(offsets[t].first(), 1);
        QCOMPARE(offsets[t].last(), 200); // 1..200, each once
        QVERIFY(std::adjacent_find(offsets[t].begin(), offsets[t].end()) == offsets[t].end());
    }
    const auto page = b->readEvents(QStringLiteral("project:1"), 195, 0, 10, &e);
    QVERIFY2(page, qPrintable(e));
    QCOMPARE(page->head, 200);
    QCOMPARE(page->events.size(), 5);
}

void TestPgStore::historyNewestFirst()
{
    auto s = openStore();
    QString e;
    for (int i = 0; i < 5; ++i)
        QVERIFY(s->insertActiveBanner(makeBanner(QString::number(i), 50 - i), &e));
    const QList<Banner> h = s->history(3, &e).value();
    QCOMPARE(h.size(), 3);
    QCOMPARE(h[0].message, QStringLiteral("4"));
    QCOMPARE(h[1].message, QStringLiteral("3"));
    QCOMPARE(h[2].message, QStringLiteral("2"));
    QVERIFY(h[0].active);
    QVERIFY(!h[1].active);
    QCOMPARE(s->countCreatedSince(QDateTime::currentDateTimeUtc().addMSecs(-48500), &e).value(), 3);
}

void TestPgStore::describeHidesPassword()
{
    auto s = SqlStore::postgres(url());
    const QString d = s->describe();
    QCOMPARE(d, QStringLiteral("postgresql://onair@127.0.0.1:%1/onair").arg(m_port));
    QVERIFY(!d.contains(QLatin1String("p@ss")));
    QVERIFY(!d.contains(QLatin1String("p%40ss")));
    QCOMPARE(createStore(url(), m_dir.path())->describe(), d);
    QVERIFY(createStore(QString(), m_dir.path())->describe().startsWith(QLatin1String("sqlite:")));
    // without a port: PostgreSQL's default
    QCOMPARE(SqlStore::postgres(QStringLiteral("postgres://u:secret@db.example/x"))->describe(),
             QStringLiteral("postgresql://u@db.example:5432/x"));
}

// libpq options in the URL's query reach the connection.
void TestPgStore::urlOptions()
{
    auto s = SqlStore::postgres(url() + QStringLiteral("?sslmode=disable&connect_timeout=2&application_name=onair%20test"));
    QString e;
    QVERIFY2(s->open(&e), qPrintable(e));
    Raw raw(m_port);
    QCOMPARE(raw.value(QStringLiteral("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'onair test'")).toInt(), 1);
}

void TestPgStore::badUrlsFail()
{
    for (const QString &u : {QStringLiteral("postgresql://onair@127.0.0.1:%1/").arg(m_port),
                             QStringLiteral("postgresql:///onair"),
                             QStringLiteral("postgresql://onair@127.0.0.1:%1/onair?host=elsewhere").arg(m_port),
                             QStringLiteral("postgresql://onair@127.0.0.1:%1/onair?x=a;b").arg(m_port)}) {
        auto s = SqlStore::postgres(u);
        QString e;
        QVERIFY2(!s->open(&e), qPrintable(u));
        QVERIFY2(!e.isEmpty(), qPrintable(u));
        QVERIFY(!s->insertActiveBanner(makeBanner(QStringLiteral("x")), &e));
    }
    auto wrongPassword = SqlStore::postgres(QStringLiteral("postgresql://onair:nope@127.0.0.1:%1/onair").arg(m_port));
    QString e;
    QVERIFY(!wrongPassword->open(&e));
    QVERIFY2(e.contains(QLatin1String("password authentication failed")), qPrintable(e));
    QVERIFY2(!e.contains(QLatin1String("nope")), qPrintable(e));
}

// A server that does not answer at all (a black-holed address) fails the call within the
// connect timeout, not after minutes.
void TestPgStore::deadHostFailsFast()
{
    auto s = SqlStore::postgres(QStringLiteral("postgresql://onair:x@10.255.255.1:5432/onair"));
    QElapsedTimer t;
    t.start();
    QString e;
    QVERIFY(!s->open(&e));
    QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
    QVERIFY2(e.startsWith(QLatin1String("cannot connect to postgresql://onair@10.255.255.1:5432/onair")), qPrintable(e));
}

// PostgreSQL stops: every call fails quickly with an error and writes nothing. It comes back:
// the same store object works again, without a restart.
void TestPgStore::survivesServerRestart()
{
    auto s = openStore();
    QString e;
    const Banner a = makeBanner(QStringLiteral("before"), 5);
    QVERIFY(s->insertActiveBanner(a, &e));
    QVERIFY(s->acknowledge(a.id, QStringLiteral("u1"), QDateTime::currentDateTimeUtc(), &e));

    QVERIFY(pg("stop"));
    const Banner lost = makeBanner(QStringLiteral("while down"));
    const auto failsFast = [&](const char *what, const std::function<bool(QString *)> &call) {
        QElapsedTimer t;
        t.start();
        QString err;
        const bool ok = call(&err);
        qInfo("%s while PostgreSQL is down: %lld ms, \"%s\"", what, t.elapsed(), qPrintable(err));
        return !ok && !err.isEmpty() && t.elapsed() < 5000;
    };
    QVERIFY(failsFast("insertActiveBanner", [&](QString *err) { return s->insertActiveBanner(lost, err); }));
    QVERIFY(failsFast("acknowledge", [&](QString *err) {
        return s->acknowledge(a.id, QStringLiteral("u2"), QDateTime::currentDateTimeUtc(), err);
    }));
    QVERIFY(failsFast("activeBanner", [&](QString *err) { return s->activeBanner(err).has_value(); }));
    QVERIFY(failsFast("history", [&](QString *err) { return s->history(10, err).has_value(); }));
    QVERIFY(failsFast("clearActive", [&](QString *err) {
        bool cleared = false;
        return s->clearActive(QDateTime::currentDateTimeUtc(), &cleared, err);
    }));
    QVERIFY(failsFast("acknowledgers", [&](QString *err) { return s->acknowledgers(a.id, err).has_value(); }));
    QVERIFY(failsFast("schemaVersion", [&](QString *err) { return s->schemaVersion(err).has_value(); }));
    QVERIFY(failsFast("audit", [&](QString *err) { return s->audit(QStringLiteral("ops"), QStringLiteral("x"), {}, err); }));
    e.clear();
    QVERIFY(!s->insertActiveBanner(lost, &e));
    QVERIFY2(e.contains(QLatin1String("postgresql://onair@127.0.0.1")), qPrintable(e));
    QVERIFY2(!e.contains(QLatin1String("p@ss")), qPrintable(e));

    QVERIFY(pg("start"));
    // the same object, a read first
    const std::optional<Banner> active = s->activeBanner(&e);
    QVERIFY2(active, qPrintable(e));
    QCOMPARE(active->id, a.id);
    const QList<Banner> h = s->history(10, &e).value();
    QCOMPARE(h.size(), 1); // nothing of the failed calls was written
    QCOMPARE(s->acknowledgers(a.id, &e).value(), QStringList{QStringLiteral("u1")});
    QCOMPARE(count(QStringLiteral("active = 1")), 1);

    // a restart between two calls: the idle connection is dead; the next write reconnects
    // and goes through on its first call
    QVERIFY(pg("stop"));
    QVERIFY(pg("start"));
    const Banner b = makeBanner(QStringLiteral("after"));
    QVERIFY2(s->insertActiveBanner(b, &e), qPrintable(e));
    QVERIFY(pg("stop"));
    QVERIFY(pg("start"));
    QVERIFY2(s->acknowledge(b.id, QStringLiteral("u2"), QDateTime::currentDateTimeUtc(), &e), qPrintable(e));
    QVERIFY(pg("stop"));
    QVERIFY(pg("start"));
    const std::optional<QList<Banner>> after = s->history(10, &e); // and a read likewise
    QVERIFY2(after, qPrintable(e));
    QCOMPARE(after->size(), 2);
    QCOMPARE(after->at(0).id, b.id);
    QVERIFY(!after->at(1).active);
    QCOMPARE(s->acknowledgers(b.id, &e).value(), QStringList{QStringLiteral("u2")});
    QCOMPARE(count(QStringLiteral("active = 1")), 1);
}

// The store's connection is killed while its write transaction waits for a row lock (before
// COMMIT): the transaction is run again once on a new connection. Killed twice: the call
// fails, and nothing of it is written.
void TestPgStore::connectionDiesMidTransaction()
{
    auto s = openStore();
    QString e;
    const Banner a = makeBanner(QStringLiteral("a"), 5);
    QVERIFY(s->insertActiveBanner(a, &e));
    Raw locker(m_port);
    Raw killer(m_port);
    // The backend waiting for a lock (the store's insert), or 0.
    const auto waitingPid = [&] {
        return killer.value(QStringLiteral("SELECT pid FROM pg_locks WHERE NOT granted LIMIT 1")).toInt();
    };
    const auto killWaiter = [&](int previousPid) {
        int pid = 0;
        if (!QTest::qWaitFor([&] { pid = waitingPid(); return pid > 0 && pid != previousPid; }, 10000))
            return 0;
        killer.value(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid));
        return pid;
    };

    QVERIFY(locker.exec(QStringLiteral("BEGIN")));
    QVERIFY(locker.exec(QStringLiteral("SELECT id FROM broadcasts WHERE active = 1 FOR UPDATE")));
    const Banner b = makeBanner(QStringLiteral("b"));
    bool ok = false;
    QString err;
    std::unique_ptr<QThread> t(QThread::create([&] { ok = s->insertActiveBanner(b, &err); }));
    t->start();
    const int firstPid = killWaiter(0);
    QVERIFY(firstPid > 0);
    {   // the retry waits on a new connection
        int pid = 0;
        QTRY_VERIFY_WITH_TIMEOUT((pid = waitingPid(), pid > 0 && pid != firstPid), 10000);
    }
    QVERIFY(locker.exec(QStringLiteral("COMMIT")));
    QVERIFY(t->wait(10000));
    QVERIFY2(ok, qPrintable(err));
    QCOMPARE(s->activeBanner(&e)->id, b.id);
    QCOMPARE(count(), 2);

    QVERIFY(locker.exec(QStringLiteral("BEGIN")));
    QVERIFY(locker.exec(QStringLiteral("SELECT id FROM broadcasts WHERE active = 1 FOR UPDATE")));
    const Banner c = makeBanner(QStringLiteral("c"));
    t.reset(QThread::create([&] { ok = s->insertActiveBanner(c, &err); }));
    t->start();
    const int pid1 = killWaiter(0);
    QVERIFY(pid1 > 0);
    QVERIFY(killWaiter(pid1) > 0);
    QVERIFY(t->wait(10000));
    QVERIFY(!ok);
    QVERIFY2(err.contains(QLatin1String("was lost")), qPrintable(err));
    QVERIFY(locker.exec(QStringLiteral("ROLLBACK")));
    QCOMPARE(count(), 2);
    QVERIFY(!s->banner(c.id, &e)->isValid());
    QCOMPARE(s->activeBanner(&e)->id, b.id);
    const Banner d = makeBanner(QStringLiteral("d"));
    QVERIFY2(s->insertActiveBanner(d, &e), qPrintable(e));
    QCOMPARE(count(QStringLiteral("active = 1")), 1);
}

// onair-server on PostgreSQL: creating a banner while the database is down is a 503
// store_unavailable, the active banner is still served from memory, the server stays up, and
// once PostgreSQL is back creating works again; the history holds exactly the 201s.
void TestPgStore::serverKeepsServingWhileDatabaseIsDown()
{
    QTemporaryDir data;
    const QByteArray secret = "pgstore-test-secret-0123456789";
    TokenClaims c;
    c.sub = QStringLiteral("ops");
    c.role = Role::Admin;
    c.iat = QDateTime::currentSecsSinceEpoch();
    c.exp = c.iat + 3600;
    const QByteArray admin = bearer(mintToken(c, secret));

    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const quint16 port = startServerProcess(server, {QStringLiteral("--database"), url(), QStringLiteral("--secret"),
                                                     QString::fromLatin1(secret), QStringLiteral("--data-dir"), data.path()});
    QVERIFY2(port > 0, "onair-server did not start on PostgreSQL");
    const auto create = [&](const char *message) {
        return httpSend(port, "POST", QStringLiteral("/api/broadcasts"),
                        QByteArray(R"({"message":")") + message + R"(","type":"warning"})", admin);
    };
    const HttpReply first = create("first");
    QCOMPARE(first.status, 201);
    const QString firstId = first.json().value(QLatin1String("id")).toString();

    QVERIFY(pg("stop"));
    QElapsedTimer t;
    t.start();
    const HttpReply refused = create("while down");
    QCOMPARE(refused.status, 503);
    QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(refused.json().value(QLatin1String("error")).toString(), QStringLiteral("store_unavailable"));
    QCOMPARE(create("again while down").status, 503);
    const HttpReply active = httpGet(port, QStringLiteral("/api/broadcasts/active"), "X-Client-Id: gina\r\n");
    QCOMPARE(active.status, 200);
    QCOMPARE(active.json().value(QLatin1String("id")).toString(), firstId);
    QCOMPARE(httpGet(port, QStringLiteral("/health")).status, 200);
    QCOMPARE(httpGet(port, QStringLiteral("/api/broadcasts"), admin).status, 503);
    QCOMPARE(server.state(), QProcess::Running);

    QVERIFY(pg("start"));
    const HttpReply second = create("second");
    QCOMPARE(second.status, 201);
    const QString secondId = second.json().value(QLatin1String("id")).toString();
    const HttpReply history = httpGet(port, QStringLiteral("/api/broadcasts?limit=50"), admin);
    QCOMPARE(history.status, 200);
    QStringList ids;
    const QJsonArray list = history.json().value(QLatin1String("broadcasts")).toArray();
    for (const QJsonValue &v : list)
        ids.append(v.toObject().value(QLatin1String("id")).toString());
    QCOMPARE(ids, (QStringList{secondId, firstId}));
    QCOMPARE(httpGet(port, QStringLiteral("/api/broadcasts/active"), "X-Client-Id: gina\r\n")
                 .json().value(QLatin1String("id")).toString(), secondId);
    server.terminate();
    QVERIFY(server.waitForFinished(5000));
}

QTEST_GUILESS_MAIN(TestPgStore)
#include "tst_pgstore.moc"
