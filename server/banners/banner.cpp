#include "banners/banner.h"

namespace onair {

QJsonObject Banner::toWire() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("message"), message},
            {QStringLiteral("message_type"), type},
            {QStringLiteral("created_by"), createdBy},
            {QStringLiteral("created_at"), createdAt.toString(Qt::ISODateWithMs)}};
}

QJsonObject Banner::toRest() const
{
    QJsonObject o = toWire();
    o.insert(QStringLiteral("type"), type);
    o.insert(QStringLiteral("active"), active);
    o.insert(QStringLiteral("cleared_at"),
             clearedAt.isValid() ? QJsonValue(clearedAt.toString(Qt::ISODateWithMs)) : QJsonValue());
    return o;
}

} // namespace onair
