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
    // Stores a banner to be shown at banner.startsAt (state scheduled, not active).
    virtual bool insertScheduledBanner(const Banner &banner, QString *error) = 0;
    // Atomically: when `id` is still scheduled, it becomes the active banner and the previous
    // active one is cleared at `at`. `activated` is false when another replica (or a cancel)
    // got there first: exactly one caller sees true.
    virtual bool activateScheduled(const QString &id, const QDateTime &at, bool *activated, QString *error) = 0;
    // Atomically: when `id` is in state `from` (scheduled or active), it goes to state `to`
    // (expired, cancelled), inactive, cleared at `at`. `changed` is true for exactly one caller.
    virtual bool finishBanner(const QString &id, const QString &from, const QString &to, const QDateTime &at,
                              bool *changed, QString *error) = 0;
    // The banners waiting for their start, soonest first.
    virtual std::optional<QList<Banner>> scheduledBanners(QString *error) = 0;
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
