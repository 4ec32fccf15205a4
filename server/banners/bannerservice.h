#pragma once

#include "banners/banner.h"
#include "banners/bannerrequest.h"
#include "fanout/bannerdesk.h"

#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QSet>

#include <functional>
#include <optional>

namespace onair {

class Hub;
class RedisBus;
class Store;

// Text banners (seed 002): validation, persistence through the Store, the in-memory view of
// the active banner and who acknowledged it, and fan-out of new_broadcast /
// broadcast_cleared to every client. Writes run on the engine thread; the read methods are
// thread-safe so workers can answer a connecting client without touching the database.
class BannerService final : public QObject, public BannerDesk
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BannerService)
public:
    static constexpr int kMaxCharacters = kBannerMaxCharacters;
    static constexpr int kRecommendedLength = 120;

    BannerService(Store *store, Hub *hub, QObject *parent = nullptr);
    // The other replicas' banners come through it (null: a single replica).
    void setBus(RedisBus *bus) { m_bus = bus; }

    bool load(QString *error);

    struct Input
    {
        QString message;
        QString type;
    };
    // Validates a create request body (validateBannerBody). On failure returns the error code
    // and fills `message`.
    static QString validate(const QJsonObject &body, Input *out, QString *message);

    std::optional<Banner> create(const Input &in, const QString &createdBy, QString *error);
    bool clear(const QString &actor, bool *cleared, QString *error);
    using AckResult = BannerDesk::Ack;
    AckResult acknowledge(const QString &bannerId, const QString &identity, QString *error);

    // Thread-safe: the active banner unless `identity` acknowledged it.
    std::optional<Banner> activeFor(const QString &identity) const;
    std::optional<Banner> active() const;
    // BannerDesk
    std::optional<QJsonObject> activeMessageFor(const QString &identity) const override;
    QString activeId() const override;
    int acknowledgedCount() const;
    // Thread-safe: an acknowledgement received over WebSocket, stored on the engine thread;
    // `done` runs there once the store has answered (after the commit when Acknowledged), so
    // the client is told only what is durable.
    void acknowledgeLater(const QString &bannerId, const QString &identity, std::function<void(AckResult)> done) override;

    // Cluster: a banner event from another replica (new / cleared / ack), on this thread.
    void applyRemote(const QJsonObject &event);
    // Cluster: after Redis came back, re-read the truth from the store; local clients get
    // what they missed (a new banner, or its clearing).
    void resync();

    static QJsonObject newBroadcastMessage(const Banner &b);
    static QJsonObject activeBroadcastMessage(const Banner &b);
    static QJsonObject clearedMessage();

Q_SIGNALS:
    void changed();
    void acknowledged(const QString &bannerId, const QString &identity);

private:
    void publishToReplicas(const QJsonObject &event);

    Store *m_store;
    Hub *m_hub;
    RedisBus *m_bus = nullptr;
    mutable QMutex m_mutex;
    std::optional<Banner> m_active;
    QSet<QString> m_acks; // identities that acknowledged m_active
};

} // namespace onair
