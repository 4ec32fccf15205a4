#pragma once

#include "banners/store.h"
#include "history/eventlog.h"
#include "channels/channelstore.h"
#include "recording/recordingstore.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <memory>

class QSqlError;
class QSqlQuery;

namespace onair {

// Store on Qt Sql: SQLite in the data directory by default (WAL, synchronous=FULL so that an
// acknowledged write survives kill -9 and power loss), the same schema and migrations for
// PostgreSQL (QPSQL), shared by every replica. One connection per thread that uses it,
// created on first use.
//
// PostgreSQL connections that break (server restarted, network gone) are detected after the
// failing statement and reopened: a read is retried once on the new connection; a write
// transaction is retried once only when it failed before its COMMIT was sent. Anything else
// fails with an error, never with half a write.
class SqlStore final : public Store, public EventLog, public RecordingStore, public ChannelStore
{
public:
    // `sqlitePath` for the embedded default.
    explicit SqlStore(QString sqlitePath);
    // postgresql://user:password@host[:port]/dbname[?sslmode=…&connect_timeout=…] (libpq
    // options in the query; connect_timeout defaults to 3 s). Not opened yet; a malformed URL
    // makes open() fail.
    static std::unique_ptr<SqlStore> postgres(const QString &url);
    ~SqlStore() override;
    Q_DISABLE_COPY_MOVE(SqlStore)

    bool open(QString *error) override;
    // sqlite:PATH or postgresql://user@host:port/dbname (never the password).
    QString describe() const override;
    bool insertActiveBanner(const Banner &banner, QString *error) override;
    bool clearActive(const QDateTime &at, bool *cleared, QString *error) override;
    bool insertScheduledBanner(const Banner &banner, QString *error) override;
    bool activateScheduled(const QString &id, const QDateTime &at, bool *activated, QString *error) override;
    bool finishBanner(const QString &id, const QString &from, const QString &to, const QDateTime &at, bool *changed,
                      QString *error) override;
    std::optional<QList<Banner>> scheduledBanners(QString *error) override;
    std::optional<Banner> activeBanner(QString *error) override;
    std::optional<Banner> banner(const QString &id, QString *error) override;
    std::optional<QList<Banner>> history(int limit, QString *error) override;
    std::optional<int> countCreatedSince(const QDateTime &since, QString *error) override;
    bool acknowledge(const QString &bannerId, const QString &identity, const QDateTime &at, QString *error) override;
    std::optional<QStringList> acknowledgers(const QString &bannerId, QString *error) override;
    bool audit(const QString &actor, const QString &action, const QString &detail, QString *error) override;
    std::optional<int> schemaVersion(QString *error) override;
    // EventLog
    std::optional<QString> historyEpoch(QString *error) override;
    bool appendEvents(QList<TopicEvent> &events, QString *error) override;
    std::optional<Page> readEvents(const QString &topic, qint64 after, qint64 upTo, int limit, QString *error) override;
    std::optional<QList<TopicEvent>> eventsSince(qint64 sinceMs, int limit, QString *error) override;
    bool pruneEvents(qint64 olderThanMs, const QStringList *topics, int keepPerTopic, QString *error) override;

    // RecordingStore (sqlrecordings.cpp)
    bool insertRecording(const RecordingInfo &r, QString *error) override;
    bool updateRecording(const RecordingInfo &r, QString *error) override;
    std::optional<RecordingInfo> recording(const QString &id, QString *error) override;
    std::optional<QList<RecordingInfo>> recordings(const RecordingFilter &filter, QString *error) override;
    bool deleteRecording(const QString &id, QString *error) override;
    bool setRecordingWanted(const QString &stream, bool wanted, QString *error) override;
    std::optional<QStringList> recordingsWanted(QString *error) override;

    // ChannelStore (sqlrecordings.cpp)
    bool setChannelFallback(const QString &channel, const QString &fallback, QString *error) override;
    bool forgetChannel(const QString &channel, QString *error) override;
    std::optional<QHash<QString, QString>> channelFallbacks(QString *error) override;

    bool isPostgres() const { return m_dialect == Dialect::Postgres; }

    static constexpr int kSchemaVersion = 6;

private:
    enum class Dialect { Sqlite, Postgres };
    // One unit of work with a query on this thread's connection; sets `error` and returns
    // false when a statement fails.
    using Body = std::function<bool(QSqlQuery &q, QSqlError *error)>;
    // After a lost COMMIT: true when it can see that the write was stored after all.
    using StoredCheck = std::function<bool(QSqlQuery &q)>;

    SqlStore(Dialect dialect, QString target);
    QSqlDatabase connection(QString *error);
    bool migrate(QSqlDatabase &db, QString *error);
    bool read(const Body &body, QString *error);
    // `body` in a transaction (SQLite: under m_writeMutex).
    bool write(const Body &body, QString *error, const StoredCheck &stored = {});
    bool connectionLost(const QSqlDatabase &db, const QSqlError &e) const;
    QString errorText(const QSqlError &e) const;
    // The statement in this store's SQL dialect.
    QString sql(QString statement) const;
    // Within a banner write: takes the cross-replica banner lock (PostgreSQL).
    bool lockBanners(QSqlQuery &q, QSqlError *e) const;
    bool insertBanner(QSqlQuery &q, const Banner &b, bool active, QSqlError *e) const;
    static bool bannerStored(QSqlQuery &q, const QString &id);

    const Dialect m_dialect;
    const QString m_path; // SQLite file
    // PostgreSQL
    QString m_host;
    int m_port = 5432;
    QString m_dbName;
    QString m_user;
    QString m_password;
    QString m_connectOptions;
    QString m_configError; // a malformed URL

    const QString m_prefix; // connection names are m_prefix + thread id
    QMutex m_writeMutex;    // SQLite: one writer at a time in this process (it allows no more anyway); migrations
};

// The store a configuration asks for: PostgreSQL for a postgresql:// URL, else SQLite at
// <dataDir>/onair.db. Not opened yet.
std::unique_ptr<Store> createStore(const QString &databaseUrl, const QString &dataDir);

} // namespace onair
