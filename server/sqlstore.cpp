#include "sqlstore.h"

#include <QDir>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>

namespace onair {

namespace {
QString iso(const QDateTime &t) { return t.toUTC().toString(Qt::ISODateWithMs); }
QDateTime fromIso(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromString(v.toString(), Qt::ISODateWithMs).toUTC();
}

bool exec(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    *error = q.lastError().text();
    return false;
}

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
    return b;
}

const char *kBannerColumns = "id, message, type, created_by, created_at, active, cleared_at";

// Each entry moves the schema from version i to i + 1; never edit a shipped one.
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
};
} // namespace

SqlStore::SqlStore(QString sqlitePath)
    : m_path(std::move(sqlitePath))
    , m_prefix(QStringLiteral("onair-store-") + QUuid::createUuid().toString(QUuid::WithoutBraces) + u'-')
{
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
    Q_UNUSED(databaseUrl) // PostgreSQL: next
    return std::make_unique<SqlStore>(QDir(dataDir).filePath(QStringLiteral("onair.db")));
}

QString SqlStore::describe() const { return QStringLiteral("sqlite:") + m_path; }

QSqlDatabase SqlStore::connection(QString *error)
{
    const QString name = m_prefix + QString::number(quintptr(QThread::currentThreadId()));
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
    }
    QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name, false)
                                                   : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        *error = db.lastError().text();
        return QSqlDatabase();
    }
    QSqlQuery q(db);
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
        if (!q.exec(QString::fromLatin1(pragma))) {
            *error = q.lastError().text();
            return QSqlDatabase();
        }
    }
    return db;
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
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))) {
        *error = q.lastError().text();
        return false;
    }
    if (!q.exec(QStringLiteral("SELECT version FROM schema_version"))) {
        *error = q.lastError().text();
        return false;
    }
    int version = q.next() ? q.value(0).toInt() : 0;
    if (version > kSchemaVersion) {
        *error = QStringLiteral("database schema %1 is newer than this OnAir (%2)").arg(version).arg(kSchemaVersion);
        return false;
    }
    while (version < kSchemaVersion) {
        if (!db.transaction()) {
            *error = db.lastError().text();
            return false;
        }
        bool ok = true;
        for (const QString &stmt : QString::fromLatin1(kMigrations[version]).split(u';', Qt::SkipEmptyParts)) {
            if (!q.exec(stmt)) {
                ok = false;
                break;
            }
        }
        if (ok)
            ok = q.exec(version == 0 ? QStringLiteral("INSERT INTO schema_version (version) VALUES (1)")
                                     : QStringLiteral("UPDATE schema_version SET version = %1").arg(version + 1));
        if (!ok) {
            *error = q.lastError().text();
            db.rollback();
            return false;
        }
        if (!db.commit()) {
            *error = db.lastError().text();
            return false;
        }
        ++version;
    }
    return true;
}

std::optional<int> SqlStore::schemaVersion(QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT version FROM schema_version"));
    if (!exec(q, error) || !q.next())
        return std::nullopt;
    return q.value(0).toInt();
}

bool SqlStore::insertActiveBanner(const Banner &b, QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    QMutexLocker lock(&m_writeMutex);
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE broadcasts SET active = 0, cleared_at = ? WHERE active = 1"));
    q.addBindValue(iso(b.createdAt));
    bool ok = exec(q, error);
    if (ok) {
        q.prepare(QStringLiteral("INSERT INTO broadcasts (id, message, type, created_by, created_at, active) "
                                 "VALUES (?, ?, ?, ?, ?, 1)"));
        q.addBindValue(b.id);
        q.addBindValue(b.message);
        q.addBindValue(b.type);
        q.addBindValue(b.createdBy);
        q.addBindValue(iso(b.createdAt));
        ok = exec(q, error);
    }
    if (!ok) {
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        return false;
    }
    return true;
}

bool SqlStore::clearActive(const QDateTime &at, bool *cleared, QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    QMutexLocker lock(&m_writeMutex);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE broadcasts SET active = 0, cleared_at = ? WHERE active = 1"));
    q.addBindValue(iso(at));
    if (!exec(q, error))
        return false;
    *cleared = q.numRowsAffected() > 0;
    return true;
}

std::optional<Banner> SqlStore::activeBanner(QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM broadcasts WHERE active = 1 ORDER BY created_at DESC LIMIT 1")
                  .arg(QLatin1String(kBannerColumns)));
    if (!exec(q, error))
        return std::nullopt;
    return q.next() ? readBanner(q) : Banner();
}

std::optional<Banner> SqlStore::banner(const QString &id, QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM broadcasts WHERE id = ?").arg(QLatin1String(kBannerColumns)));
    q.addBindValue(id);
    if (!exec(q, error))
        return std::nullopt;
    return q.next() ? readBanner(q) : Banner();
}

std::optional<QList<Banner>> SqlStore::history(int limit, QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM broadcasts ORDER BY created_at DESC, rowid DESC LIMIT ?")
                  .arg(QLatin1String(kBannerColumns)));
    q.addBindValue(limit);
    if (!exec(q, error))
        return std::nullopt;
    QList<Banner> out;
    while (q.next())
        out.append(readBanner(q));
    return out;
}

std::optional<int> SqlStore::countCreatedSince(const QDateTime &since, QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM broadcasts WHERE created_at >= ?"));
    q.addBindValue(iso(since));
    if (!exec(q, error) || !q.next())
        return std::nullopt;
    return q.value(0).toInt();
}

bool SqlStore::acknowledge(const QString &bannerId, const QString &identity, const QDateTime &at, QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    QMutexLocker lock(&m_writeMutex);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO acknowledgements (broadcast_id, identity, acknowledged_at) "
                             "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    q.addBindValue(bannerId);
    q.addBindValue(identity);
    q.addBindValue(iso(at));
    return exec(q, error);
}

std::optional<QStringList> SqlStore::acknowledgers(const QString &bannerId, QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT identity FROM acknowledgements WHERE broadcast_id = ?"));
    q.addBindValue(bannerId);
    if (!exec(q, error))
        return std::nullopt;
    QStringList out;
    while (q.next())
        out.append(q.value(0).toString());
    return out;
}

bool SqlStore::audit(const QString &actor, const QString &action, const QString &detail, QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    QMutexLocker lock(&m_writeMutex);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)"));
    q.addBindValue(iso(QDateTime::currentDateTimeUtc()));
    q.addBindValue(actor);
    q.addBindValue(action);
    q.addBindValue(detail);
    return exec(q, error);
}

} // namespace onair
