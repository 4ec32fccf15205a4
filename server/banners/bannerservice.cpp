#include "banners/bannerservice.h"

#include "fanout/hub.h"
#include "core/logging.h"
#include "cluster/redisbus.h"
#include "banners/store.h"

#include <QUuid>

namespace onair {

BannerService::BannerService(Store *store, Hub *hub, QObject *parent)
    : QObject(parent), m_store(store), m_hub(hub)
{
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
    QMutexLocker lock(&m_mutex);
    m_active = a->isValid() ? a : std::nullopt;
    m_acks = acks;
    return true;
}

QString BannerService::validate(const QJsonObject &body, Input *out, QString *message)
{
    return validateBannerBody(body, &out->message, &out->type, message);
}

std::optional<Banner> BannerService::create(const Input &in, const QString &createdBy, QString *error)
{
    Banner b;
    b.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    b.message = in.message;
    b.type = in.type;
    b.createdBy = createdBy;
    b.createdAt = QDateTime::currentDateTimeUtc();
    b.active = true;
    if (!m_store->insertActiveBanner(b, error))
        return std::nullopt;
    QString auditError;
    m_store->audit(createdBy, QStringLiteral("banner.create"), b.id, &auditError);
    {
        QMutexLocker lock(&m_mutex);
        m_active = b;
        m_acks.clear();
    }
    qCInfo(lcHub).noquote() << "banner" << b.id << "by" << createdBy << "type" << b.type;
    m_hub->publishToAllClients(newBroadcastMessage(b));
    publishToReplicas({{QStringLiteral("event"), QStringLiteral("new")}, {QStringLiteral("broadcast"), b.toRest()}});
    // The banners topic keeps them in the history (every replica's subscribers get it from here).
    m_hub->publishTopic(QStringLiteral("banners"),
                        QJsonObject{{QStringLiteral("event"), QStringLiteral("new")}, {QStringLiteral("broadcast"), b.toRest()}});
    Q_EMIT changed();
    return b;
}

bool BannerService::clear(const QString &actor, bool *cleared, QString *error)
{
    if (!m_store->clearActive(QDateTime::currentDateTimeUtc(), cleared, error))
        return false;
    QString auditError;
    m_store->audit(actor, QStringLiteral("banner.clear"), QString(), &auditError);
    {
        QMutexLocker lock(&m_mutex);
        m_active.reset();
        m_acks.clear();
    }
    m_hub->publishToAllClients(clearedMessage());
    publishToReplicas({{QStringLiteral("event"), QStringLiteral("cleared")}});
    if (*cleared)
        m_hub->publishTopic(QStringLiteral("banners"), QJsonObject{{QStringLiteral("event"), QStringLiteral("cleared")}});
    Q_EMIT changed();
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

void BannerService::publishToReplicas(const QJsonObject &event)
{
    if (m_bus)
        m_bus->publishBanner(event);
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
        const QJsonObject o = event.value(QLatin1String("broadcast")).toObject();
        Banner b;
        b.id = o.value(QLatin1String("id")).toString();
        b.message = o.value(QLatin1String("message")).toString();
        b.type = o.value(QLatin1String("type")).toString();
        b.createdBy = o.value(QLatin1String("created_by")).toString();
        b.createdAt = QDateTime::fromString(o.value(QLatin1String("created_at")).toString(), Qt::ISODateWithMs).toUTC();
        b.active = true;
        if (!b.isValid())
            return;
        {
            QMutexLocker lock(&m_mutex);
            if (m_active && m_active->id == b.id)
                return;
            m_active = b;
            m_acks.clear();
        }
        m_hub->publishToAllClients(newBroadcastMessage(b));
        Q_EMIT changed();
    } else if (kind == QLatin1String("cleared")) {
        {
            QMutexLocker lock(&m_mutex);
            if (!m_active)
                return;
            m_active.reset();
            m_acks.clear();
        }
        m_hub->publishToAllClients(clearedMessage());
        Q_EMIT changed();
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
    }
}

void BannerService::resync()
{
    const std::optional<Banner> before = active();
    QString error;
    if (!load(&error)) {
        qCWarning(lcHub).noquote() << "banners: cannot re-read the store after reconnecting:" << error;
        return;
    }
    const std::optional<Banner> now = active();
    if (now && (!before || before->id != now->id)) {
        m_hub->publishToAllClients(newBroadcastMessage(*now));
        Q_EMIT changed();
    } else if (!now && before) {
        m_hub->publishToAllClients(clearedMessage());
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
