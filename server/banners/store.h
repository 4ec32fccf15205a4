#pragma once

#include "banners/banner.h"

#include <QList>
#include <QString>

#include <optional>

namespace onair {

// Where banners, acknowledgements and the audit log live. Implementations are thread-safe.
// Every method returns false / nullopt with `error` set when the database fails.
class Store
{
public:
    virtual ~Store() = default;
    virtual bool open(QString *error) = 0;
    virtual QString describe() const = 0;
    // Makes `banner` the active one; the previous active banner becomes inactive.
    virtual bool insertActiveBanner(const Banner &banner, QString *error) = 0;
    // Deactivates the active banner; `cleared` is false when there was none.
    virtual bool clearActive(const QDateTime &at, bool *cleared, QString *error) = 0;
    virtual std::optional<Banner> activeBanner(QString *error) = 0;
    virtual std::optional<Banner> banner(const QString &id, QString *error) = 0;
    virtual std::optional<QList<Banner>> history(int limit, QString *error) = 0;
    virtual std::optional<int> countCreatedSince(const QDateTime &since, QString *error) = 0;
    // Idempotent: acknowledging twice keeps the first time.
    virtual bool acknowledge(const QString &bannerId, const QString &identity, const QDateTime &at, QString *error) = 0;
    virtual std::optional<QStringList> acknowledgers(const QString &bannerId, QString *error) = 0;
    virtual bool audit(const QString &actor, const QString &action, const QString &detail, QString *error) = 0;
    virtual std::optional<int> schemaVersion(QString *error) = 0;
};

} // namespace onair
