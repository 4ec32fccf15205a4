#pragma once

#include "banners/banner.h"
#include "banners/bannerreceipts.h"
#include "banners/bannerrequest.h"
#include "fanout/bannerdesk.h"

#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <optional>

namespace onair {

class Hub;
class RedisBus;
class Store;

// Text banners (seed 002, issue 19): validation, persistence through the Store, the in-memory
// view of the active banner and who acknowledged it, fan-out of new_broadcast /
// broadcast_cleared to every client, scheduling (starts_at) and expiry (expires_at) with one
// timer, and the receipts (delivered / seen / dismissed) of the active banner. Writes run on
// the engine thread; the read methods are thread-safe so workers can answer a connecting
// client without touching the database.
//
// Replicas: each one arms its own timer; the store's atomic transitions (activateScheduled,
// finishBanner) let exactly one replica win, publish to its clients and to the bus; the others
// read the result from the store (or get it from the bus, whichever comes first, once).
class BannerService final : public QObject, public BannerDesk
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BannerService)
public:
    static constexpr int kMaxCharacters = kBannerMaxCharacters;
    static constexpr int kRecommendedLength = 120;

    BannerService(Store *store, Hub *hub, QObject *parent = nullptr);
    // The other replicas' banners come through it (null: a single replica).
    void setBus(RedisBus *bus, const QString &replicaId = {});
    void setLimits(const BannerLimits &limits) { m_limits = limits; }
    const BannerLimits &limits() const { return m_limits; }
    // The longest not-dismissed list a replica reports and /receipts answers.
    void setReceiptListLimit(int n) { m_receipts.setListLimit(n); }

    // Reads the active and scheduled banners and arms the timer: what came due while the
    // server was down (a start, an expiry) happens right after.
    bool load(QString *error);

    using Input = BannerRequest;
    // Validates a whole create request (validateBannerRequest with limits()). On failure
    // returns the error code and fills `message`.
    QString validate(const QJsonObject &body, Input *out, QString *message) const;

    // Shown now, or stored as scheduled when in.startsAt is set.
    std::optional<Banner> create(const Input &in, const QString &createdBy, QString *error);
    bool clear(const QString &actor, bool *cleared, QString *error);
    using AckResult = BannerDesk::Ack;
    AckResult acknowledge(const QString &bannerId, const QString &identity, QString *error);
    enum class Outcome { Done, NotFound, Conflict, Failed };
    // A scheduled banner that never shows (NotFound: not scheduled, e.g. already shown).
    Outcome cancelScheduled(const QString &id, const QString &actor, QString *error);
    // "Alert again": new_broadcast with "repeat":true to the clients, on every replica, that
    // have the active banner `id` and did not acknowledge it (Conflict: not the active one).
    Outcome repeat(const QString &id, const QString &actor);
    // The receipts of banner `id` across the replicas (nullopt: not the active banner):
    // {"broadcast_id","delivered","seen","dismissed","not_dismissed":[…],"not_dismissed_total"}.
    std::optional<QJsonObject> receipts(const QString &id) const;
    QList<Banner> scheduled() const;

    // Thread-safe: the active banner unless `identity` acknowledged it.
    std::optional<Banner> activeFor(const QString &identity) const;
    std::optional<Banner> active() const;
    // BannerDesk
    std::optional<QJsonObject> activeMessageFor(const QString &identity) const override;
    QString activeId() const override;
    QJsonObject activeReceiptCounts() const override;
    int acknowledgedCount() const;
    // Thread-safe: an acknowledgement received over WebSocket, stored on the engine thread;
    // `done` runs there once the store has answered (after the commit when Acknowledged), so
    // the client is told only what is durable.
    void acknowledgeLater(const QString &bannerId, const QString &identity, std::function<void(AckResult)> done) override;
    void noteDelivered(const QString &bannerId, quint64 connection, const QString &identity) override;
    void noteSeen(const QString &bannerId, const QString &identity) override;
    void noteGone(quint64 connection) override;
    bool wantsRepeat(const QString &bannerId, quint64 connection) const override;

    // Cluster: a banner event from another replica (new / cleared / ack / scheduled /
    // cancelled / repeat / receipts), on this thread.
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
    // Makes `b` the active banner here and tells this replica's clients (not the bus).
    void showLocally(const Banner &b);
    // Forgets the active banner (`id` empty: whichever) and tells this replica's clients.
    bool clearLocally(const QString &id);
    // Starts and expiries that are due; then arms the timer for the next one.
    void processDue();
    void activateDue(const Banner &b, const QDateTime &now);
    void expireActive(const Banner &b);
    void arm();
    void applyRemoteBanner(const QString &kind, const QJsonObject &event);
    void publishReceipts();

    Store *m_store;
    Hub *m_hub;
    RedisBus *m_bus = nullptr;
    QString m_replicaId;
    BannerLimits m_limits;
    QTimer m_timer;         // the next start or expiry
    QTimer m_receiptsTimer; // reports this replica's receipts to the others
    qint64 m_receiptsSentMs = 0;
    mutable QMutex m_mutex;
    std::optional<Banner> m_active;
    QSet<QString> m_acks; // identities that acknowledged m_active
    QList<Banner> m_scheduled;
    BannerReceipts m_receipts; // thread-safe itself
};

} // namespace onair
