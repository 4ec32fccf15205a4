#pragma once

#include "store.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace onair {

// Store on Qt Sql: SQLite in the data directory by default (WAL, synchronous=FULL so that an
// acknowledged write survives kill -9 and power loss), the same schema and migrations for
// PostgreSQL. One connection per thread that uses it, created on first use.
class SqlStore final : public Store
{
public:
    // `sqlitePath` for the embedded default.
    explicit SqlStore(QString sqlitePath);
    ~SqlStore() override;
    Q_DISABLE_COPY_MOVE(SqlStore)

    bool open(QString *error) override;
    QString describe() const override;
    bool insertActiveBanner(const Banner &banner, QString *error) override;
    bool clearActive(const QDateTime &at, bool *cleared, QString *error) override;
    std::optional<Banner> activeBanner(QString *error) override;
    std::optional<Banner> banner(const QString &id, QString *error) override;
    std::optional<QList<Banner>> history(int limit, QString *error) override;
    std::optional<int> countCreatedSince(const QDateTime &since, QString *error) override;
    bool acknowledge(const QString &bannerId, const QString &identity, const QDateTime &at, QString *error) override;
    std::optional<QStringList> acknowledgers(const QString &bannerId, QString *error) override;
    bool audit(const QString &actor, const QString &action, const QString &detail, QString *error) override;
    std::optional<int> schemaVersion(QString *error) override;

    static constexpr int kSchemaVersion = 1;

private:
    QSqlDatabase connection(QString *error);
    bool migrate(QSqlDatabase &db, QString *error);

    const QString m_path;
    const QString m_prefix; // connection names are m_prefix + thread id
    QMutex m_writeMutex;    // one writer at a time (SQLite allows no more anyway)
};

// The store a configuration asks for: PostgreSQL for a postgresql:// URL, else SQLite at
// <dataDir>/onair.db. Not opened yet.
std::unique_ptr<Store> createStore(const QString &databaseUrl, const QString &dataDir);

} // namespace onair
