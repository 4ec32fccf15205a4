#pragma once

#include <QHash>
#include <QString>

#include <optional>

namespace onair {

// Where the declared language channels and their fallbacks are kept (store/SqlStore: SQLite,
// or the replicas' shared PostgreSQL). Thread-safe; false / nullopt with `error` set when the
// database fails.
class ChannelStore
{
public:
    virtual ~ChannelStore() = default;
    // Declares "main~nl" (or changes its fallback: "machine", "original", "silence").
    virtual bool setChannelFallback(const QString &channel, const QString &fallback, QString *error) = 0;
    virtual bool forgetChannel(const QString &channel, QString *error) = 0;
    // channel → fallback.
    virtual std::optional<QHash<QString, QString>> channelFallbacks(QString *error) = 0;
};

} // namespace onair
