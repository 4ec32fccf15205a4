#include "banners/bannerservice.h"

#include "fanout/hub.h"
#include "core/logging.h"
#include "cluster/redisbus.h"
#include "banners/store.h"

#include <QUuid>

#include <algorithm>

namespace onair {

namespace {
constexpr int kReceiptsTickMs = 250;      // a change is reported within this
constexpr int kReceiptsHeartbeatMs = 3000; // unchanged receipts are reported again (TTL 10 s)
constexpr qint64 kMaxTimerMs = 3600 * 1000;

QJsonObject bannerEvent(const char *kind) { return {{QStringLiteral("event"), QString::fromLatin1(kind)}}; }
} // namespace

BannerService::BannerService(Store *store, Hub *hub, QObject *parent)
    : QObject(parent), m_store(store), m_hub(hub), m_timer(this), m_receiptsTimer(this)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &BannerService::processDue);
    m_receiptsTimer.setInterval(kReceiptsTickMs);
    connect(&m_receiptsTimer, &QTimer::timeout, this, &BannerService::publishReceipts);
}

void BannerService::setBus(RedisBus *bus, const QString &replicaId)
{
    m_bus = bus;
    m_replicaId = replicaId;
    if (bus)
        m_receiptsTimer.start();
    else
        m_receiptsTimer.stop();
}

bool BannerService::load(QString *error)
{
    const std::optional<Banner> a = m_store->activeBanner(error);
    if (!a)
        return false;
    QSet<QString> acks;
    if (a->isValid()) {
        const std::optional<QStringList> who = m_store->acknowledgers(a->id, error);
        if (!who)
            return false;
        acks = QSet<QString>(who->cbegin(), who->cend());
    }
    const std::optional<QList<Banner>> scheduled = m_store->scheduledBanners(error);
    if (!scheduled)
        return false;
    {
        QMutexLocker lock(&m_mutex);
        m_active = a->isValid() ? a : std::nullopt;
        m_acks = acks;
        m_scheduled = *scheduled;
    }
    m_receipts.reset(a->isValid() ? a->id : QString());
    processDue(); // what came due while the server was down, before any client connects
    return true;
}

QString BannerService::validate(const QJsonObject &body, Input *out, QString *message) const
{
    return validateBannerRequest(body, m_limits, QDateTime::currentDateTimeUtc(), out, message);
}

std::optional<Banner> BannerService::create(const Input &in, const QString &createdBy, QString *error)
{
    Banner b;
    b.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    b.message = in.message;
    b.type = in.type;
    b.createdBy = createdBy;
    b.createdAt = QDateTime::currentDateTimeUtc();
    const bool later = in.startsAt.isValid();
    b.startsAt = later ? in.startsAt.toUTC() : b.createdAt;
    if (in.expiresInS > 0)
        b.expiresAt = b.startsAt.addSecs(in.expiresInS);
    b.active = !later;
    b.state = later ? QStringLiteral("scheduled") : QStringLiteral("active");
    if (!(later ? m_store->insertScheduledBanner(b, error) : m_store->insertActiveBanner(b, error)))
        return std::nullopt;
    QString auditError;
    m_store->audit(createdBy, later ? QStringLiteral("banner.schedule") : QStringLiteral("banner.create"), b.id, &auditError);
    qCInfo(lcHub).noquote() << "banner" << b.id << "by" << createdBy << "type" << b.type
                            << (later ? QStringLiteral("scheduled for ") + b.startsAt.toString(Qt::ISODate) : QString());
    if (later) {
        {
            QMutexLocker lock(&m_mutex);
            m_scheduled.append(b);
            std::sort(m_scheduled.begin(), m_scheduled.end(),
                      [](const Banner &x, const Banner &y) { return x.startsAt < y.startsAt; });
        }
        QJsonObject e = bannerEvent("scheduled");
        e.insert(QStringLiteral("broadcast"), b.toRest());
        publishToReplicas(e);
        arm();
        Q_EMIT changed();
        return b;
    }
    showLocally(b);
    QJsonObject e = bannerEvent("new");
    e.insert(QStringLiteral("broadcast"), b.toRest());
    publishToReplicas(e);
    // The banners topic keeps them in the history (every replica's subscribers get it from here).
    m_hub->publishTopic(QStringLiteral("banners"), e);
    return b;
}

void BannerService::showLocally(const Banner &shown)
{
    Banner b = shown;
    b.active = true;
    b.state = QStringLiteral("active");
    {
        QMutexLocker lock(&m_mutex);
        m_active = b;
        m_acks.clear();
        m_scheduled.removeIf([&](const Banner &s) { return s.id == b.id; });
    }
    m_receipts.reset(b.id);
    m_hub->publishToAllClients(newBroadcastMessage(b));
    arm();
    Q_EMIT changed();
}

bool BannerService::clearLocally(const QString &id)
{
    {
        QMutexLocker lock(&m_mutex);
        if (!m_active || (!id.isEmpty() && m_active->id != id))
            return false;
        m_active.reset();
        m_acks.clear();
    }
    m_receipts.reset(QString());
    m_hub->publishToAllClients(clearedMessage());
    arm();
    Q_EMIT changed();
    return true;
}

bool BannerService::clear(const QString &actor, bool *cleared, QString *error)
{
    const QString id = activeId();
    if (!m_store->clearActive(QDateTime::currentDateTimeUtc(), cleared, error))
        return false;
    QString auditError;
    m_store->audit(actor, QStringLiteral("banner.clear"), QString(), &auditError);
    if (!clearLocally(QString()))
        m_hub->publishToAllClients(clearedMessage()); // as before: clients hear it even when nothing was active
    QJsonObject e = bannerEvent("cleared");
    if (!id.isEmpty())
        e.insert(QStringLiteral("broadcast_id"), id);
    publishToReplicas(e);
    if (*cleared)
        m_hub->publishTopic(QStringLiteral("banners"), bannerEvent("cleared"));
    return true;
}

BannerService::AckResult BannerService::acknowledge(const QString &bannerId, const QString &identity, QString *error)
{
    const std::optional<Banner> b = m_store->banner(bannerId, error);
    if (!b)
        return AckResult::Failed;
    if (!b->isValid())
        return AckResult::NotFound;
    if (!m_store->acknowledge(bannerId, identity, QDateTime::currentDateTimeUtc(), error))
        return AckResult::Failed;
    {
        QMutexLocker lock(&m_mutex);
        if (m_active && m_active->id == bannerId)
            m_acks.insert(identity);
    }
    publishToReplicas({{QStringLiteral("event"), QStringLiteral("ack")},
                       {QStringLiteral("broadcast_id"), bannerId},
                       {QStringLiteral("identity"), identity}});
    Q_EMIT acknowledged(bannerId, identity);
    return AckResult::Acknowledged;
}

BannerService::Outcome BannerService::cancelScheduled(const QString &id, const QString &actor, QString *error)
{
    bool changed = false;
    if (!m_store->finishBanner(id, QStringLiteral("scheduled"), QStringLiteral("cancelled"), QDateTime::currentDateTimeUtc(),
                               &changed, error))
        return Outcome::Failed;
    {
        QMutexLocker lock(&m_mutex);
        m_scheduled.removeIf([&](const Banner &s) { return s.id == id; });
    }
    if (!changed)
        return Outcome::NotFound;
    QString auditError;
    m_store->audit(actor, QStringLiteral("banner.cancel"), id, &auditError);
    QJsonObject e = bannerEvent("cancelled");
    e.insert(QStringLiteral("broadcast_id"), id);
    publishToReplicas(e);
    arm();
    Q_EMIT this->changed();
    return Outcome::Done;
}

BannerService::Outcome BannerService::repeat(const QString &id, const QString &actor)
{
    const std::optional<Banner> b = active();
    if (!b || b->id != id)
        return Outcome::Conflict;
    QString auditError;
    m_store->audit(actor, QStringLiteral("banner.repeat"), id, &auditError);
    QJsonObject message = newBroadcastMessage(*b);
    message.insert(QStringLiteral("repeat"), true);
    m_hub->publishToAllClients(message); // the workers send it to wantsRepeat() connections only
    QJsonObject e = bannerEvent("repeat");
    e.insert(QStringLiteral("broadcast_id"), id);
    publishToReplicas(e);
    return Outcome::Done;
}

std::optional<QJsonObject> BannerService::receipts(const QString &id) const
{
    QSet<QString> acks;
    {
        QMutexLocker lock(&m_mutex);
        if (!m_active || m_active->id != id)
            return std::nullopt;
        acks = m_acks;
    }
    QJsonObject o = m_receipts.total(acks, QDateTime::currentMSecsSinceEpoch());
    o.insert(QStringLiteral("dismissed"), int(acks.size()));
    return o;
}

QJsonObject BannerService::activeReceiptCounts() const
{
    const auto r = receipts(activeId());
    if (!r)
        return {};
    QJsonObject counts;
    for (const char *key : {"broadcast_id", "delivered", "seen", "dismissed"})
        counts.insert(QLatin1String(key), r->value(QLatin1String(key)));
    return counts;
}

QList<Banner> BannerService::scheduled() const
{
    QMutexLocker lock(&m_mutex);
    return m_scheduled;
}

void BannerService::publishToReplicas(const QJsonObject &event)
{
    if (m_bus)
        m_bus->publishBanner(event);
}

void BannerService::publishReceipts()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool dirty = m_receipts.takeDirty();
    QSet<QString> acks;
    {
        QMutexLocker lock(&m_mutex);
        if (!m_active)
            return;
        acks = m_acks;
    }
    if (!dirty && now - m_receiptsSentMs < kReceiptsHeartbeatMs)
        return;
    m_receiptsSentMs = now;
    QJsonObject e = m_receipts.local(acks).toJson();
    e.insert(QStringLiteral("event"), QStringLiteral("receipts"));
    e.insert(QStringLiteral("replica"), m_replicaId);
    publishToReplicas(e);
}

void BannerService::arm()
{
    QDateTime next;
    {
        QMutexLocker lock(&m_mutex);
        if (m_active && m_active->expiresAt.isValid())
            next = m_active->expiresAt;
        for (const Banner &s : std::as_const(m_scheduled)) {
            if (!next.isValid() || s.startsAt < next)
                next = s.startsAt;
        }
    }
    if (!next.isValid()) {
        m_timer.stop();
        return;
    }
    const qint64 ms = std::clamp<qint64>(QDateTime::currentDateTimeUtc().msecsTo(next), 0, kMaxTimerMs);
    m_timer.start(int(ms));
}

void BannerService::processDue()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::optional<Banner> expiring;
    QList<Banner> due;
    {
        QMutexLocker lock(&m_mutex);
        if (m_active && m_active->expiresAt.isValid() && m_active->expiresAt <= now)
            expiring = m_active;
        for (const Banner &s : std::as_const(m_scheduled)) {
            if (s.startsAt <= now)
                due.append(s);
        }
        m_scheduled.removeIf([&](const Banner &s) { return s.startsAt <= now; });
    }
    if (expiring)
        expireActive(*expiring);
    for (const Banner &b : std::as_const(due))
        activateDue(b, now);
    arm();
}

void BannerService::activateDue(const Banner &b, const QDateTime &now)
{
    QString error;
    bool won = false;
    if (b.expiresAt.isValid() && b.expiresAt <= now) {
        // Its whole time passed while no replica ran: it is never shown.
        if (!m_store->finishBanner(b.id, QStringLiteral("scheduled"), QStringLiteral("expired"), b.expiresAt, &won, &error))
            qCWarning(lcHub).noquote() << "banner" << b.id << "could not be marked expired:" << error;
        return;
    }
    if (!m_store->activateScheduled(b.id, now, &won, &error)) {
        qCWarning(lcHub).noquote() << "banner" << b.id << "could not be activated:" << error;
        QMutexLocker lock(&m_mutex);
        m_scheduled.append(b); // tried again at the next tick
        return;
    }
    if (!won) { // another replica (or a cancel) got there first: the store says what happened
        resync();
        return;
    }
    qCInfo(lcHub).noquote() << "banner" << b.id << "activated as scheduled";
    Banner shown = b;
    shown.active = true;
    shown.state = QStringLiteral("active");
    showLocally(shown);
    QJsonObject e = bannerEvent("new");
    e.insert(QStringLiteral("broadcast"), shown.toRest());
    publishToReplicas(e);
    m_hub->publishTopic(QStringLiteral("banners"), e);
}

void BannerService::expireActive(const Banner &b)
{
    QString error;
    bool won = false;
    if (!m_store->finishBanner(b.id, QStringLiteral("active"), QStringLiteral("expired"), b.expiresAt, &won, &error)) {
        qCWarning(lcHub).noquote() << "banner" << b.id << "could not be expired:" << error;
        QTimer::singleShot(1000, this, &BannerService::processDue);
        return;
    }
    if (!won) {
        resync();
        return;
    }
    qCInfo(lcHub).noquote() << "banner" << b.id << "expired";
    clearLocally(b.id);
    QJsonObject e = bannerEvent("cleared");
    e.insert(QStringLiteral("broadcast_id"), b.id);
    publishToReplicas(e);
    m_hub->publishTopic(QStringLiteral("banners"), bannerEvent("cleared"));
}

std::optional<QJsonObject> BannerService::activeMessageFor(const QString &identity) const
{
    if (const std::optional<Banner> b = activeFor(identity))
        return activeBroadcastMessage(*b);
    return std::nullopt;
}

QString BannerService::activeId() const
{
    QMutexLocker lock(&m_mutex);
    return m_active ? m_active->id : QString();
}

void BannerService::applyRemote(const QJsonObject &event)
{
    const QString kind = event.value(QLatin1String("event")).toString();
    if (kind == QLatin1String("new")) {
        Banner b = Banner::fromRest(event.value(QLatin1String("broadcast")).toObject());
        if (!b.isValid() || activeId() == b.id)
            return;
        showLocally(b);
    } else if (kind == QLatin1String("cleared")) {
        clearLocally(event.value(QLatin1String("broadcast_id")).toString());
    } else if (kind == QLatin1String("ack")) {
        const QString id = event.value(QLatin1String("broadcast_id")).toString();
        const QString identity = event.value(QLatin1String("identity")).toString();
        {
            QMutexLocker lock(&m_mutex);
            if (!m_active || m_active->id != id || identity.isEmpty())
                return;
            m_acks.insert(identity);
        }
        Q_EMIT acknowledged(id, identity);
    } else {
        applyRemoteBanner(kind, event);
    }
}

void BannerService::applyRemoteBanner(const QString &kind, const QJsonObject &event)
{
    const QString id = event.value(QLatin1String("broadcast_id")).toString();
    if (kind == QLatin1String("scheduled")) {
        const Banner b = Banner::fromRest(event.value(QLatin1String("broadcast")).toObject());
        if (!b.isValid() || !b.startsAt.isValid())
            return;
        {
            QMutexLocker lock(&m_mutex);
            m_scheduled.removeIf([&](const Banner &s) { return s.id == b.id; });
            m_scheduled.append(b);
            std::sort(m_scheduled.begin(), m_scheduled.end(),
                      [](const Banner &x, const Banner &y) { return x.startsAt < y.startsAt; });
        }
        arm();
        Q_EMIT changed();
    } else if (kind == QLatin1String("cancelled")) {
        {
            QMutexLocker lock(&m_mutex);
            m_scheduled.removeIf([&](const Banner &s) { return s.id == id; });
        }
        arm();
        Q_EMIT changed();
    } else if (kind == QLatin1String("repeat")) {
        const std::optional<Banner> b = active();
        if (!b || b->id != id)
            return;
        QJsonObject message = newBroadcastMessage(*b);
        message.insert(QStringLiteral("repeat"), true);
        m_hub->publishToAllClients(message);
    } else if (kind == QLatin1String("receipts")) {
        const QString replica = event.value(QLatin1String("replica")).toString();
        if (replica.isEmpty() || replica == m_replicaId)
            return;
        BannerReceipts::Report r = BannerReceipts::Report::fromJson(event);
        r.atMs = QDateTime::currentMSecsSinceEpoch();
        m_receipts.setRemote(replica, std::move(r));
    }
}

void BannerService::resync()
{
    const std::optional<Banner> before = active();
    QString error;
    if (!load(&error)) {
        qCWarning(lcHub).noquote() << "banners: cannot re-read the store:" << error;
        return;
    }
    const std::optional<Banner> now = active();
    if (now && (!before || before->id != now->id)) {
        // load() already holds it; showLocally() resets the acknowledgements it read.
        QSet<QString> acks;
        {
            QMutexLocker lock(&m_mutex);
            acks = m_acks;
        }
        showLocally(*now);
        QMutexLocker lock(&m_mutex);
        m_acks = acks;
    } else if (!now && before) {
        m_hub->publishToAllClients(clearedMessage());
        Q_EMIT changed();
    } else {
        Q_EMIT changed();
    }
}

QJsonObject BannerService::clearedMessage()
{
    return {{QStringLiteral("type"), QStringLiteral("broadcast_cleared")},
            {QStringLiteral("message"), QStringLiteral("Active broadcast has been cleared")}};
}

void BannerService::acknowledgeLater(const QString &bannerId, const QString &identity, std::function<void(AckResult)> done)
{
    QMetaObject::invokeMethod(this, [this, bannerId, identity, done = std::move(done)] {
        QString error;
        const AckResult r = acknowledge(bannerId, identity, &error);
        if (r == AckResult::Failed)
            qCWarning(lcHub).noquote() << "acknowledgement of" << bannerId << "not stored:" << error;
        if (done)
            done(r);
    });
}

void BannerService::noteDelivered(const QString &bannerId, quint64 connection, const QString &identity)
{
    m_receipts.delivered(bannerId, connection, identity);
}

void BannerService::noteSeen(const QString &bannerId, const QString &identity) { m_receipts.seen(bannerId, identity); }

void BannerService::noteGone(quint64 connection) { m_receipts.gone(connection); }

bool BannerService::wantsRepeat(const QString &bannerId, quint64 connection) const
{
    const QString identity = m_receipts.holder(bannerId, connection);
    if (identity.isEmpty())
        return false;
    QMutexLocker lock(&m_mutex);
    return m_active && m_active->id == bannerId && !m_acks.contains(identity);
}

std::optional<Banner> BannerService::activeFor(const QString &identity) const
{
    QMutexLocker lock(&m_mutex);
    if (!m_active || m_acks.contains(identity))
        return std::nullopt;
    return m_active;
}

std::optional<Banner> BannerService::active() const
{
    QMutexLocker lock(&m_mutex);
    return m_active;
}

int BannerService::acknowledgedCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_acks.size());
}

QJsonObject BannerService::newBroadcastMessage(const Banner &b)
{
    return {{QStringLiteral("type"), QStringLiteral("new_broadcast")}, {QStringLiteral("broadcast"), b.toWire()}};
}

QJsonObject BannerService::activeBroadcastMessage(const Banner &b)
{
    return {{QStringLiteral("type"), QStringLiteral("active_broadcast")}, {QStringLiteral("broadcast"), b.toWire()}};
}

} // namespace onair
