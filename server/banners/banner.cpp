#include "banners/banner.h"

namespace onair {

namespace {
QJsonValue isoOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}
QDateTime fromIso(const QJsonValue &v)
{
    return v.isString() ? QDateTime::fromString(v.toString(), Qt::ISODateWithMs).toUTC() : QDateTime();
}
} // namespace

QJsonObject Banner::toWire() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("message"), message},
                  {QStringLiteral("message_type"), type},
                  {QStringLiteral("created_by"), createdBy},
                  {QStringLiteral("created_at"), createdAt.toString(Qt::ISODateWithMs)}};
    if (expiresAt.isValid())
        o.insert(QStringLiteral("expires_at"), isoOrNull(expiresAt));
    return o;
}

QJsonObject Banner::toRest() const
{
    QJsonObject o = toWire();
    o.insert(QStringLiteral("type"), type);
    o.insert(QStringLiteral("active"), active);
    o.insert(QStringLiteral("cleared_at"), isoOrNull(clearedAt));
    o.insert(QStringLiteral("state"), state.isEmpty() ? (active ? QStringLiteral("active") : QStringLiteral("cleared")) : state);
    o.insert(QStringLiteral("starts_at"), isoOrNull(startsAt.isValid() ? startsAt : createdAt));
    o.insert(QStringLiteral("expires_at"), isoOrNull(expiresAt));
    return o;
}

Banner Banner::fromRest(const QJsonObject &o)
{
    Banner b;
    b.id = o.value(QLatin1String("id")).toString();
    b.message = o.value(QLatin1String("message")).toString();
    b.type = o.value(QLatin1String("type")).toString();
    b.createdBy = o.value(QLatin1String("created_by")).toString();
    b.createdAt = fromIso(o.value(QLatin1String("created_at")));
    b.active = o.value(QLatin1String("active")).toBool();
    b.clearedAt = fromIso(o.value(QLatin1String("cleared_at")));
    b.state = o.value(QLatin1String("state")).toString();
    b.startsAt = fromIso(o.value(QLatin1String("starts_at")));
    b.expiresAt = fromIso(o.value(QLatin1String("expires_at")));
    return b;
}

} // namespace onair
