#pragma once

#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace onair {

// What a fan-out worker asks of the banners when a client connects or acknowledges one
// (banners/BannerService implements it; the arrow points from banners/ to fanout/ only).
class BannerDesk
{
public:
    enum class Ack { Acknowledged, NotFound, Failed };

    virtual ~BannerDesk() = default;
    // Thread-safe: the "active_broadcast" message for a client with `identity`, unless there
    // is no active banner or that identity acknowledged it.
    virtual std::optional<QJsonObject> activeMessageFor(const QString &identity) const = 0;
    // Thread-safe: the active banner's id, empty when there is none.
    virtual QString activeId() const = 0;
    // The active banner's receipts across the replicas, {"broadcast_id","delivered","seen",
    // "dismissed"} (a recording's timeline samples them); empty when none is active. Any thread.
    virtual QJsonObject activeReceiptCounts() const = 0;
    // Thread-safe: stores an acknowledgement; `done` runs on the desk's thread once it is
    // durable (Acknowledged) or refused.
    virtual void acknowledgeLater(const QString &bannerId, const QString &identity, std::function<void(Ack)> done) = 0;

    // Receipts (issue 19), thread-safe. A connection was sent banner `bannerId`
    // (new_broadcast or active_broadcast); a page reported it on screen (broadcast_seen);
    // a connection went away.
    virtual void noteDelivered(const QString &bannerId, quint64 connection, const QString &identity) = 0;
    virtual void noteSeen(const QString &bannerId, const QString &identity) = 0;
    virtual void noteGone(quint64 connection) = 0;
    // "Alert again": whether this connection gets the repeated banner (it has it and its
    // identity has not acknowledged it).
    virtual bool wantsRepeat(const QString &bannerId, quint64 connection) const = 0;
};

} // namespace onair
