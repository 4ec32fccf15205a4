#include "store/sqlstore.h"
#include "store/sqlsupport.h"

#include "core/logging.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>

#include <algorithm>
#include <iterator>
#include <limits>
#include <numeric>

namespace onair {

namespace {
using namespace sqlsupport;

Banner readBanner(const QSqlQuery &q)
{
    Banner b;
    b.id = q.value(0).toString();
    b.message = q.value(1).toString();
    b.type = q.value(2).toString();
    b.createdBy = q.value(3).toString();
    b.createdAt = fromIso(q.value(4));
    b.active = q.value(5).toInt() != 0;
    b.clearedAt = fromIso(q.value(6));
    b.state = q.value(7).toString();
    b.startsAt = fromIso(q.value(8));
    b.expiresAt = fromIso(q.value(9));
    return b;
}

const char *kBannerColumns = "id, message, type, created_by, created_at, active, cleared_at, state, starts_at, expires_at";


// PostgreSQL advisory lock keys: one migration at a time across replicas, one banner writer
// at a time across replicas.
constexpr qint64 kMigrationLock = 0x4f6e416972'0001;
constexpr qint64 kBannerLock = 0x4f6e416972'0002;
// A concurrent writer that does not take kBannerLock (an older replica) can still make our
// INSERT hit broadcasts_one_active; the transaction is then run again.
constexpr int kConflictRetries = 3;
const QLatin1String kUniqueViolation("23505");
// Two replicas' transactions waiting on each other's rows: PostgreSQL aborts one; run it again.
const QLatin1String kDeadlockDetected("40P01");
const QLatin1String kSerializationFailure("40001");

// Each entry moves the schema from version i to i + 1; never edit a shipped one. Written in
// SQLite's dialect; SqlStore::sql() translates for PostgreSQL.
const char *const kMigrations[] = {
    "CREATE TABLE broadcasts ("
    " id TEXT PRIMARY KEY,"
    " message TEXT NOT NULL,"
    " type TEXT NOT NULL CHECK (type IN ('info','warning','alert')),"
    " created_by TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " active INTEGER NOT NULL DEFAULT 0,"
    " cleared_at TEXT);"
    "CREATE INDEX broadcasts_created_at ON broadcasts (created_at);"
    "CREATE TABLE acknowledgements ("
    " broadcast_id TEXT NOT NULL REFERENCES broadcasts (id),"
    " identity TEXT NOT NULL,"
    " acknowledged_at TEXT NOT NULL,"
    " PRIMARY KEY (broadcast_id, identity));"
    "CREATE TABLE audit_log ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " detail TEXT);",
    // 2: at most one active banner, enforced by the database. Older databases may hold several
    // active rows: all but the newest become inactive, cleared when the newest was created.
    "UPDATE broadcasts SET active = 0,"
    " cleared_at = COALESCE(cleared_at, (SELECT MAX(n.created_at) FROM broadcasts n WHERE n.active = 1))"
    " WHERE active = 1 AND EXISTS (SELECT 1 FROM broadcasts n WHERE n.active = 1 AND"
    " (n.created_at > broadcasts.created_at OR (n.created_at = broadcasts.created_at AND n.id > broadcasts.id)));"
    "CREATE UNIQUE INDEX broadcasts_one_active ON broadcasts (active) WHERE active = 1;",
    // 3: the topics' durable history. Offsets come from topic_heads (never reused, also after
    // pruning); the epoch names this database's history (%EPOCH% is a fresh UUID).
    "CREATE TABLE topic_heads ("
    " topic TEXT PRIMARY KEY,"
    " head BIGINT NOT NULL);"
    "CREATE TABLE topic_events ("
    " topic TEXT NOT NULL,"
    " event_offset BIGINT NOT NULL,"
    " stored_ms BIGINT NOT NULL,"
    " data TEXT NOT NULL,"
    " PRIMARY KEY (topic, event_offset));"
    "CREATE INDEX topic_events_stored ON topic_events (stored_ms);"
    "CREATE TABLE history_epoch (epoch TEXT NOT NULL);"
    "INSERT INTO history_epoch (epoch) VALUES ('%EPOCH%');",
    // 4: banners' life (issue 19): scheduled ones wait for starts_at, expires_at clears them.
    // `active` stays the one-active guard; `state` says why a banner is not active.
    "ALTER TABLE broadcasts ADD COLUMN state TEXT NOT NULL DEFAULT 'cleared'"
    " CHECK (state IN ('scheduled','active','cleared','expired','cancelled'));"
    "UPDATE broadcasts SET state = 'active' WHERE active = 1;"
    "ALTER TABLE broadcasts ADD COLUMN starts_at TEXT;"
    "ALTER TABLE broadcasts ADD COLUMN expires_at TEXT;"
    "CREATE INDEX broadcasts_state ON broadcasts (state, starts_at);",
    // 5: recordings (issue 20): one row per file, and the streams someone asked to record.
    "CREATE TABLE recordings ("
    " id TEXT PRIMARY KEY,"
    " stream TEXT NOT NULL,"
    " replica TEXT NOT NULL,"
    " started_at TEXT NOT NULL,"
    " ended_at TEXT,"
    " duration_ms BIGINT NOT NULL DEFAULT 0,"
    " bytes BIGINT NOT NULL DEFAULT 0,"
    " state TEXT NOT NULL CHECK (state IN ('recording','finished','interrupted','failed')),"
    " reason TEXT,"
    " path TEXT NOT NULL);"
    "CREATE INDEX recordings_stream ON recordings (stream, started_at);"
    "CREATE INDEX recordings_started ON recordings (started_at);"
    "CREATE TABLE recording_wishes ("
    " stream TEXT PRIMARY KEY,"
    " since TEXT NOT NULL);",
    // 6: language channels (issue 21): declared channels and what each falls back to while no
    // interpreter speaks on it.
    "CREATE TABLE language_channels ("
    " channel TEXT PRIMARY KEY,"
    " fallback TEXT NOT NULL CHECK (fallback IN ('machine','original','silence')),"
    " since TEXT NOT NULL);",
};
static_assert(std::size(kMigrations) == SqlStore::kSchemaVersion);

// The connections this thread added (thread ids are reused once a thread has finished).
thread_local QSet<QString> t_connections;

// libpq keywords a URL's query may not set: they come from the URL itself.
bool reservedOption(const QString &key)
{
    for (const char *k : {"host", "hostaddr", "port", "dbname", "user", "password", "service"}) {
        if (key == QLatin1String(k))
            return true;
    }
    return false;
}

// A value for a libpq conninfo string (QPSQL joins the options with spaces).
QString conninfoValue(QString v)
{
    v.replace(u'\\', QLatin1String("\\\\"));
    v.replace(u'\'', QLatin1String("\\'"));
    return u'\'' + v + u'\'';
}
} // namespace

SqlStore::SqlStore(QString sqlitePath)
    : SqlStore(Dialect::Sqlite, std::move(sqlitePath))
{
}

SqlStore::SqlStore(Dialect dialect, QString target)
    : m_dialect(dialect)
    , m_path(dialect == Dialect::Sqlite ? target : QString())
    , m_prefix(QStringLiteral("onair-store-") + QUuid::createUuid().toString(QUuid::WithoutBraces) + u'-')
{
    if (dialect == Dialect::Sqlite)
        return;
    const QUrl url(target);
    if (!url.isValid() || (url.scheme() != QLatin1String("postgresql") && url.scheme() != QLatin1String("postgres"))) {
        m_configError = QStringLiteral("not a postgresql://user:password@host:port/dbname URL");
        return;
    }
    m_host = url.host(QUrl::FullyDecoded);
    m_port = url.port(5432);
    m_dbName = url.path(QUrl::FullyDecoded).mid(1);
    m_user = url.userName(QUrl::FullyDecoded);
    m_password = url.password(QUrl::FullyDecoded);
    if (m_host.isEmpty() || m_dbName.isEmpty() || m_dbName.contains(u'/')) {
        m_configError = QStringLiteral("a postgresql:// URL needs a host and a database name (postgresql://user:password@host:port/dbname)");
        return;
    }
    static const QRegularExpression keyword(QStringLiteral("^[a-z_]+$"));
    QStringList options;
    bool hasConnectTimeout = false, hasTcpUserTimeout = false;
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (!keyword.match(key).hasMatch() || reservedOption(key) || value.contains(u';')) {
            m_configError = QStringLiteral("unsupported connection option '%1' in the database URL").arg(key);
            return;
        }
        hasConnectTimeout |= key == QLatin1String("connect_timeout");
        hasTcpUserTimeout |= key == QLatin1String("tcp_user_timeout");
        options.append(key + u'=' + conninfoValue(value));
    }
    // A dead server must fail a call within seconds, not hang it: 3 s to connect, 5 s for sent
    // data to be acknowledged by the server's host.
    if (!hasConnectTimeout)
        options.append(QStringLiteral("connect_timeout=3"));
    if (!hasTcpUserTimeout)
        options.append(QStringLiteral("tcp_user_timeout=5000"));
    m_connectOptions = options.join(u';');
}

std::unique_ptr<SqlStore> SqlStore::postgres(const QString &url)
{
    return std::unique_ptr<SqlStore>(new SqlStore(Dialect::Postgres, url));
}

SqlStore::~SqlStore()
{
    const QStringList names = QSqlDatabase::connectionNames();
    for (const QString &n : names) {
        if (n.startsWith(m_prefix))
            QSqlDatabase::removeDatabase(n); // closes it; works for other threads' connections too
    }
}

std::unique_ptr<Store> createStore(const QString &databaseUrl, const QString &dataDir)
{
    if (databaseUrl.startsWith(QLatin1String("postgresql:")) || databaseUrl.startsWith(QLatin1String("postgres:")))
        return SqlStore::postgres(databaseUrl);
    return std::make_unique<SqlStore>(QDir(dataDir).filePath(QStringLiteral("onair.db")));
}

QString SqlStore::describe() const
{
    if (m_dialect == Dialect::Sqlite)
        return QStringLiteral("sqlite:") + m_path;
    if (!m_configError.isEmpty())
        return QStringLiteral("postgresql (invalid URL)");
    QUrl u;
    u.setScheme(QStringLiteral("postgresql"));
    u.setUserName(m_user);
    u.setHost(m_host);
    u.setPort(m_port);
    u.setPath(u'/' + m_dbName);
    return u.toString();
}

QString SqlStore::sql(QString statement) const
{
    if (m_dialect == Dialect::Postgres) {
        statement.replace(QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT"), QLatin1String("BIGSERIAL PRIMARY KEY"));
        // SQLite's insertion order; ids (UUIDs) only break ties within a millisecond there.
        statement.replace(QLatin1String("rowid DESC"), QLatin1String("id DESC"));
    }
    return statement;
}

QString SqlStore::errorText(const QSqlError &e) const
{
    const QString db = e.databaseText().simplified();
    const QString driver = e.driverText().simplified();
    if (db.isEmpty() || driver.isEmpty())
        return db.isEmpty() ? driver : db;
    return driver + QLatin1String(": ") + db;
}

bool SqlStore::connectionLost(const QSqlDatabase &db, const QSqlError &e) const
{
    if (m_dialect != Dialect::Postgres)
        return false;
    // QPSQL reports a dropped connection as a StatementError ("server closed the connection
    // unexpectedly", SQLSTATE 57P01 when the server shut down, none when the socket died);
    // isOpen() then turns false because libpq's status is no longer CONNECTION_OK.
    if (!db.isOpen() || e.type() == QSqlError::ConnectionError)
        return true;
    const QString code = e.nativeErrorCode();
    if (code.startsWith(QLatin1String("08")) || code == QLatin1String("57P01") || code == QLatin1String("57P02")
        || code == QLatin1String("57P03"))
        return true;
    const QString text = e.databaseText();
    for (const char *sign : {"server closed the connection", "no connection to the server", "could not send data to server",
                             "could not receive data from server", "terminating connection"}) {
        if (text.contains(QLatin1String(sign)))
            return true;
    }
    return false;
}

QSqlDatabase SqlStore::connection(QString *error)
{
    if (!m_configError.isEmpty()) {
        *error = m_configError;
        return QSqlDatabase();
    }
    const QString name = m_prefix + QString::number(quintptr(QThread::currentThreadId()));
    QSqlDatabase db;
    if (QSqlDatabase::contains(name)) {
        if (!t_connections.contains(name)) { // left by a finished thread that had the same id
            QSqlDatabase::removeDatabase(name);
        } else {
            db = QSqlDatabase::database(name, false);
            if (db.isOpen())
                return db;
        }
    }
    if (!db.isValid()) {
        db = QSqlDatabase::addDatabase(m_dialect == Dialect::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), name);
        t_connections.insert(name);
    }
    if (m_dialect == Dialect::Sqlite) {
        db.setDatabaseName(m_path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            *error = errorText(db.lastError());
            return QSqlDatabase();
        }
        QSqlQuery q(db);
        for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
            if (!q.exec(QString::fromLatin1(pragma))) {
                *error = errorText(q.lastError());
                return QSqlDatabase();
            }
        }
        return db;
    }
    db.setHostName(m_host);
    db.setPort(m_port);
    db.setDatabaseName(m_dbName);
    db.setUserName(m_user);
    db.setPassword(m_password);
    db.setConnectOptions(m_connectOptions);
    if (!db.open()) {
        *error = QStringLiteral("cannot connect to %1: %2").arg(describe(), db.lastError().databaseText().simplified());
        return QSqlDatabase();
    }
    QSqlQuery q(db);
    // Notices ("relation already exists, skipping") would go to stderr.
    if (!q.exec(QStringLiteral("SET client_min_messages TO warning"))) {
        *error = QStringLiteral("cannot set up the connection to %1: %2").arg(describe(), errorText(q.lastError()));
        db.close();
        return QSqlDatabase();
    }
    return db;
}

bool SqlStore::read(const Body &body, QString *error)
{
    for (int attempt = 0;; ++attempt) {
        QSqlDatabase db = connection(error);
        if (!db.isValid())
            return false;
        QSqlError e;
        {
            QSqlQuery q(db);
            if (body(q, &e))
                return true;
        }
        if (!connectionLost(db, e)) {
            *error = errorText(e);
            return false;
        }
        db.close();
        if (attempt > 0) {
            *error = QStringLiteral("the connection to %1 was lost: %2").arg(describe(), errorText(e));
            return false;
        }
        qCWarning(lcEngine).noquote() << "store: the connection to" << describe() << "was lost; reconnecting:" << errorText(e);
    }
}

bool SqlStore::write(const Body &body, QString *error, const StoredCheck &stored)
{
    // SQLite has one writer at a time anyway; PostgreSQL's connections (one per thread) write
    // side by side, so that a banner or an audit row never waits behind the history's batch.
    std::optional<QMutexLocker<QMutex>> lock;
    if (m_dialect == Dialect::Sqlite)
        lock.emplace(&m_writeMutex);
    int reconnects = 0;
    int conflicts = 0;
    for (;;) {
        QSqlDatabase db = connection(error);
        if (!db.isValid())
            return false;
        // Outlives the transaction: QPSQL deallocates its prepared statement when the query
        // goes, which fails inside an aborted transaction.
        std::optional<QSqlQuery> q(std::in_place, db);
        QSqlError e;
        bool committing = false; // past this point the server may have committed
        bool ok = db.transaction();
        if (!ok) {
            e = db.lastError();
        } else if ((ok = body(*q, &e))) {
            committing = true;
            ok = db.commit();
            if (!ok)
                e = db.lastError();
        }
        if (ok)
            return true;
        if (connectionLost(db, e)) {
            // The server rolls back a transaction whose connection is gone.
            q.reset();
            db.close();
            if (!committing && reconnects++ == 0) {
                qCWarning(lcEngine).noquote() << "store: the connection to" << describe()
                                              << "was lost; reconnecting:" << errorText(e);
                continue;
            }
            if (committing && stored) {
                QString ignored;
                QSqlDatabase again = connection(&ignored);
                if (again.isValid()) {
                    QSqlQuery check(again);
                    if (stored(check))
                        return true;
                }
                *error = QStringLiteral("the connection to %1 was lost during COMMIT; the change may not be stored: %2")
                             .arg(describe(), errorText(e));
                return false;
            }
            *error = QStringLiteral("the connection to %1 was lost: %2").arg(describe(), errorText(e));
            return false;
        }
        // PostgreSQL ends a transaction whose COMMIT failed; SQLite keeps it (busy) open.
        if (!committing || m_dialect == Dialect::Sqlite)
            db.rollback();
        q.reset();
        const QString code = e.nativeErrorCode();
        if (m_dialect == Dialect::Postgres && conflicts++ < kConflictRetries
            && (code == kUniqueViolation || code == kDeadlockDetected || code == kSerializationFailure))
            continue;
        *error = errorText(e);
        return false;
    }
}

bool SqlStore::open(QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    return migrate(db, error);
}

bool SqlStore::migrate(QSqlDatabase &db, QString *error)
{
    QMutexLocker lock(&m_writeMutex);
    const bool pg = m_dialect == Dialect::Postgres;
    QSqlQuery q(db);
    // Replicas starting together: one migrates, the others wait here and then find the
    // current version.
    if (pg && !q.exec(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(kMigrationLock))) {
        *error = errorText(q.lastError());
        return false;
    }
    auto unlock = qScopeGuard([&] {
        if (pg && db.isOpen()) {
            QSqlQuery u(db);
            u.exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kMigrationLock));
        }
    });
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))) {
        *error = errorText(q.lastError());
        return false;
    }
    if (!q.exec(QStringLiteral("SELECT version FROM schema_version"))) {
        *error = errorText(q.lastError());
        return false;
    }
    int version = q.next() ? q.value(0).toInt() : 0;
    if (version > kSchemaVersion) {
        *error = QStringLiteral("database schema %1 is newer than this OnAir (%2)").arg(version).arg(kSchemaVersion);
        return false;
    }
    while (version < kSchemaVersion) {
        if (!db.transaction()) {
            *error = errorText(db.lastError());
            return false;
        }
        bool ok = true;
        QString migration = sql(QString::fromLatin1(kMigrations[version]));
        migration.replace(QLatin1String("%EPOCH%"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        for (const QString &stmt : migration.split(u';', Qt::SkipEmptyParts)) {
            if (!q.exec(stmt)) {
                ok = false;
                break;
            }
        }
        if (ok)
            ok = q.exec(version == 0 ? QStringLiteral("INSERT INTO schema_version (version) VALUES (1)")
                                     : QStringLiteral("UPDATE schema_version SET version = %1").arg(version + 1));
        if (!ok) {
            *error = QStringLiteral("migration to schema %1 failed: %2").arg(version + 1).arg(errorText(q.lastError()));
            if (db.isOpen())
                db.rollback();
            return false;
        }
        if (!db.commit()) {
            *error = errorText(db.lastError());
            return false;
        }
        ++version;
    }
    return true;
}

std::optional<int> SqlStore::schemaVersion(QString *error)
{
    int version = -1;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!exec(q, QStringLiteral("SELECT version FROM schema_version"), e))
            return false;
        version = q.next() ? q.value(0).toInt() : -1;
        return true;
    }, error);
    if (!ok)
        return std::nullopt;
    if (version < 0) {
        *error = QStringLiteral("the database has no schema version");
        return std::nullopt;
    }
    return version;
}

bool SqlStore::insertActiveBanner(const Banner &b, QString *error)
{
    const auto body = [&](QSqlQuery &q, QSqlError *e) {
        if (!lockBanners(q, e))
            return false;
        if (!prepare(q, QStringLiteral("UPDATE broadcasts SET active = 0, state = 'cleared', cleared_at = ? WHERE active = 1"), e))
            return false;
        q.addBindValue(iso(b.createdAt));
        if (!exec(q, e))
            return false;
        return insertBanner(q, b, true, e);
    };
    return write(body, error, [&](QSqlQuery &q) { return bannerStored(q, b.id); });
}

// One banner row: active now, or scheduled for its starts_at.
bool SqlStore::insertBanner(QSqlQuery &q, const Banner &b, bool active, QSqlError *e) const
{
    if (!prepare(q, active ? QStringLiteral("INSERT INTO broadcasts (id, message, type, created_by, created_at, active, state,"
                                            " starts_at, expires_at) VALUES (?, ?, ?, ?, ?, 1, 'active', ?, ?)")
                           : QStringLiteral("INSERT INTO broadcasts (id, message, type, created_by, created_at, active, state,"
                                            " starts_at, expires_at) VALUES (?, ?, ?, ?, ?, 0, 'scheduled', ?, ?)"), e))
        return false;
    q.addBindValue(b.id);
    q.addBindValue(b.message);
    q.addBindValue(b.type);
    q.addBindValue(b.createdBy);
    q.addBindValue(iso(b.createdAt));
    q.addBindValue(iso(b.startsAt.isValid() ? b.startsAt : b.createdAt));
    q.addBindValue(isoOrNull(b.expiresAt));
    return exec(q, e);
}

// After a lost commit acknowledgement: is the row there?
bool SqlStore::bannerStored(QSqlQuery &q, const QString &id)
{
    q.prepare(QStringLiteral("SELECT 1 FROM broadcasts WHERE id = ?"));
    q.addBindValue(id);
    return q.exec() && q.next();
}

bool SqlStore::lockBanners(QSqlQuery &q, QSqlError *e) const
{
    return m_dialect != Dialect::Postgres || exec(q, QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kBannerLock), e);
}

bool SqlStore::clearActive(const QDateTime &at, bool *cleared, QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) {
        if (!lockBanners(q, e))
            return false;
        if (!prepare(q, QStringLiteral("UPDATE broadcasts SET active = 0, state = 'cleared', cleared_at = ? WHERE active = 1"), e))
            return false;
        q.addBindValue(iso(at));
        if (!exec(q, e))
            return false;
        *cleared = q.numRowsAffected() > 0;
        return true;
    }, error);
}

bool SqlStore::insertScheduledBanner(const Banner &b, QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) { return insertBanner(q, b, false, e); }, error,
                 [&](QSqlQuery &q) { return bannerStored(q, b.id); });
}

bool SqlStore::activateScheduled(const QString &id, const QDateTime &at, bool *activated, QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) {
        *activated = false;
        if (!lockBanners(q, e))
            return false;
        // The claim first: it takes SQLite's write lock, and PostgreSQL's row lock makes a second
        // replica wait for this commit and then match nothing.
        if (!prepare(q, QStringLiteral("UPDATE broadcasts SET state = 'active' WHERE id = ? AND state = 'scheduled'"), e))
            return false;
        q.addBindValue(id);
        if (!exec(q, e))
            return false;
        if (q.numRowsAffected() != 1)
            return true;
        if (!prepare(q, QStringLiteral("UPDATE broadcasts SET active = 0, state = 'cleared', cleared_at = ? WHERE active = 1"), e))
            return false;
        q.addBindValue(iso(at));
        if (!exec(q, e) || !prepare(q, QStringLiteral("UPDATE broadcasts SET active = 1 WHERE id = ?"), e))
            return false;
        q.addBindValue(id);
        *activated = exec(q, e);
        return *activated;
    }, error);
}

bool SqlStore::finishBanner(const QString &id, const QString &from, const QString &to, const QDateTime &at, bool *changed,
                            QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) {
        if (!lockBanners(q, e))
            return false;
        if (!prepare(q, QStringLiteral("UPDATE broadcasts SET active = 0, state = ?, cleared_at = ? WHERE id = ? AND state = ?"), e))
            return false;
        q.addBindValue(to);
        q.addBindValue(iso(at));
        q.addBindValue(id);
        q.addBindValue(from);
        if (!exec(q, e))
            return false;
        *changed = q.numRowsAffected() == 1;
        return true;
    }, error);
}

std::optional<QList<Banner>> SqlStore::scheduledBanners(QString *error)
{
    QList<Banner> out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("SELECT %1 FROM broadcasts WHERE state = 'scheduled' ORDER BY starts_at, id")
                            .arg(QLatin1String(kBannerColumns)), e)
            || !exec(q, e))
            return false;
        out.clear();
        while (q.next())
            out.append(readBanner(q));
        return true;
    }, error);
    return ok ? std::optional<QList<Banner>>(out) : std::nullopt;
}

std::optional<Banner> SqlStore::activeBanner(QString *error)
{
    Banner out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("SELECT %1 FROM broadcasts WHERE active = 1 ORDER BY created_at DESC LIMIT 1")
                            .arg(QLatin1String(kBannerColumns)), e)
            || !exec(q, e))
            return false;
        out = q.next() ? readBanner(q) : Banner();
        return true;
    }, error);
    return ok ? std::optional<Banner>(out) : std::nullopt;
}

std::optional<Banner> SqlStore::banner(const QString &id, QString *error)
{
    Banner out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("SELECT %1 FROM broadcasts WHERE id = ?").arg(QLatin1String(kBannerColumns)), e))
            return false;
        q.addBindValue(id);
        if (!exec(q, e))
            return false;
        out = q.next() ? readBanner(q) : Banner();
        return true;
    }, error);
    return ok ? std::optional<Banner>(out) : std::nullopt;
}

std::optional<QList<Banner>> SqlStore::history(int limit, QString *error)
{
    QList<Banner> out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, sql(QStringLiteral("SELECT %1 FROM broadcasts ORDER BY created_at DESC, rowid DESC LIMIT ?")
                                .arg(QLatin1String(kBannerColumns))), e))
            return false;
        q.addBindValue(limit);
        if (!exec(q, e))
            return false;
        out.clear();
        while (q.next())
            out.append(readBanner(q));
        return true;
    }, error);
    return ok ? std::optional<QList<Banner>>(out) : std::nullopt;
}

std::optional<int> SqlStore::countCreatedSince(const QDateTime &since, QString *error)
{
    int count = 0;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("SELECT COUNT(*) FROM broadcasts WHERE created_at >= ?"), e))
            return false;
        q.addBindValue(iso(since));
        if (!exec(q, e))
            return false;
        count = q.next() ? q.value(0).toInt() : 0;
        return true;
    }, error);
    return ok ? std::optional<int>(count) : std::nullopt;
}

bool SqlStore::acknowledge(const QString &bannerId, const QString &identity, const QDateTime &at, QString *error)
{
    const auto body = [&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("INSERT INTO acknowledgements (broadcast_id, identity, acknowledged_at) "
                                       "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"), e))
            return false;
        q.addBindValue(bannerId);
        q.addBindValue(identity);
        q.addBindValue(iso(at));
        return exec(q, e);
    };
    const auto stored = [&](QSqlQuery &q) {
        q.prepare(QStringLiteral("SELECT 1 FROM acknowledgements WHERE broadcast_id = ? AND identity = ?"));
        q.addBindValue(bannerId);
        q.addBindValue(identity);
        return q.exec() && q.next();
    };
    return write(body, error, stored);
}

std::optional<QStringList> SqlStore::acknowledgers(const QString &bannerId, QString *error)
{
    QStringList out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("SELECT identity FROM acknowledgements WHERE broadcast_id = ?"), e))
            return false;
        q.addBindValue(bannerId);
        if (!exec(q, e))
            return false;
        out.clear();
        while (q.next())
            out.append(q.value(0).toString());
        return true;
    }, error);
    return ok ? std::optional<QStringList>(out) : std::nullopt;
}

bool SqlStore::audit(const QString &actor, const QString &action, const QString &detail, QString *error)
{
    const QString at = iso(QDateTime::currentDateTimeUtc());
    return write([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)"), e))
            return false;
        q.addBindValue(at);
        q.addBindValue(actor);
        q.addBindValue(action);
        q.addBindValue(detail);
        return exec(q, e);
    }, error);
}

// ---------------------------------------------------------------- topic history

namespace {
// Any JSON value, as text: wrapped in an array (a document must be an object or an array).
QString eventData(const QJsonValue &v) { return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)); }
QJsonValue eventValue(const QVariant &text) { return QJsonDocument::fromJson(text.toString().toUtf8()).array().at(0); }
} // namespace

std::optional<QString> SqlStore::historyEpoch(QString *error)
{
    QString epoch;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!exec(q, QStringLiteral("SELECT epoch FROM history_epoch"), e))
            return false;
        epoch = q.next() ? q.value(0).toString() : QString();
        return true;
    }, error);
    if (ok && epoch.isEmpty())
        *error = QStringLiteral("the database has no history epoch");
    return ok && !epoch.isEmpty() ? std::optional<QString>(epoch) : std::nullopt;
}

bool SqlStore::appendEvents(QList<TopicEvent> &events, QString *error)
{
    // Heads are taken in topic order, so that replicas storing batches at once never wait on
    // each other in a cycle; within a topic the batch's order is kept.
    QList<qsizetype> order(events.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return events[a].topic < events[b].topic; });
    QList<qint64> offsets(events.size());
    const bool ok = write([&](QSqlQuery &q, QSqlError *e) {
        QString ignored;
        QSqlQuery insert(connection(&ignored));
        // A row another transaction holds (a stuck replica, an operator's psql) fails the batch
        // within seconds instead of stalling the history: its events go out without offsets.
        if (m_dialect == Dialect::Postgres && !exec(q, QStringLiteral("SET LOCAL lock_timeout = '2s'"), e))
            return false;
        if (!prepare(q, QStringLiteral("INSERT INTO topic_heads (topic, head) VALUES (?, 1) ON CONFLICT (topic)"
                                       " DO UPDATE SET head = topic_heads.head + 1 RETURNING head"), e)
            || !prepare(insert, QStringLiteral("INSERT INTO topic_events (topic, event_offset, stored_ms, data)"
                                               " VALUES (?, ?, ?, ?)"), e))
            return false;
        for (const qsizetype i : std::as_const(order)) {
            const TopicEvent &ev = events.at(i);
            q.addBindValue(ev.topic);
            if (!exec(q, e))
                return false;
            if (!q.next()) {
                *e = QSqlError(QStringLiteral("no offset returned"), QString(), QSqlError::StatementError);
                return false;
            }
            const qint64 offset = q.value(0).toLongLong();
            q.finish();
            insert.addBindValue(ev.topic);
            insert.addBindValue(offset);
            insert.addBindValue(ev.timeMs);
            insert.addBindValue(eventData(ev.data));
            if (!exec(insert, e))
                return false;
            offsets[i] = offset;
        }
        return true;
    }, error);
    if (!ok)
        return false;
    for (qsizetype i = 0; i < events.size(); ++i)
        events[i].offset = offsets.at(i);
    return true;
}

std::optional<EventLog::Page> SqlStore::readEvents(const QString &topic, qint64 after, qint64 upTo, int limit,
                                                   QString *error)
{
    Page page;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        page = Page();
        if (!prepare(q, QStringLiteral("SELECT head FROM topic_heads WHERE topic = ?"), e))
            return false;
        q.addBindValue(topic);
        if (!exec(q, e))
            return false;
        page.head = q.next() ? q.value(0).toLongLong() : 0;
        if (!prepare(q, QStringLiteral("SELECT MIN(event_offset) FROM topic_events WHERE topic = ?"), e))
            return false;
        q.addBindValue(topic);
        if (!exec(q, e))
            return false;
        page.first = q.next() ? q.value(0).toLongLong() : 0;
        if (limit <= 0)
            return true;
        if (!prepare(q, QStringLiteral("SELECT event_offset, stored_ms, data FROM topic_events WHERE topic = ?"
                                       " AND event_offset > ? AND event_offset <= ? ORDER BY event_offset LIMIT ?"), e))
            return false;
        q.addBindValue(topic);
        q.addBindValue(after);
        q.addBindValue(upTo > 0 ? upTo : std::numeric_limits<qint64>::max());
        q.addBindValue(limit);
        if (!exec(q, e))
            return false;
        while (q.next())
            page.events.append({topic, q.value(0).toLongLong(), QString(), q.value(1).toLongLong(), eventValue(q.value(2))});
        return true;
    }, error);
    return ok ? std::optional<Page>(page) : std::nullopt;
}

std::optional<QList<TopicEvent>> SqlStore::eventsSince(qint64 sinceMs, int limit, QString *error)
{
    QList<TopicEvent> out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        out.clear();
        if (!prepare(q, QStringLiteral("SELECT topic, event_offset, stored_ms, data FROM topic_events"
                                       " WHERE stored_ms >= ? ORDER BY topic, event_offset LIMIT ?"), e))
            return false;
        q.addBindValue(sinceMs);
        q.addBindValue(limit);
        if (!exec(q, e))
            return false;
        while (q.next())
            out.append({q.value(0).toString(), q.value(1).toLongLong(), QString(), q.value(2).toLongLong(), eventValue(q.value(3))});
        return true;
    }, error);
    return ok ? std::optional<QList<TopicEvent>>(out) : std::nullopt;
}

bool SqlStore::pruneEvents(qint64 olderThanMs, const QStringList *topics, int keepPerTopic, QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("DELETE FROM topic_events WHERE stored_ms < ?"), e))
            return false;
        q.addBindValue(olderThanMs);
        if (!exec(q, e))
            return false;
        if (!topics) {
            if (!prepare(q, QStringLiteral("DELETE FROM topic_events WHERE event_offset <="
                                           " (SELECT h.head FROM topic_heads h WHERE h.topic = topic_events.topic) - ?"), e))
                return false;
            q.addBindValue(keepPerTopic);
            return exec(q, e);
        }
        for (const QString &topic : *topics) {
            if (!prepare(q, QStringLiteral("DELETE FROM topic_events WHERE topic = ? AND event_offset <="
                                           " (SELECT head FROM topic_heads WHERE topic = ?) - ?"), e))
                return false;
            q.addBindValue(topic);
            q.addBindValue(topic);
            q.addBindValue(keepPerTopic);
            if (!exec(q, e))
                return false;
        }
        return true;
    }, error);
}

} // namespace onair
