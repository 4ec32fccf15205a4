#include "history/topicevent.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace onair {

QByteArray eventMessage(const TopicEvent &e)
{
    QJsonObject o{{QStringLiteral("type"), QStringLiteral("event")},
                  {QStringLiteral("topic"), e.topic},
                  {QStringLiteral("data"), e.data}};
    if (e.offset > 0) {
        o.insert(QStringLiteral("offset"), e.offset);
        o.insert(QStringLiteral("epoch"), e.epoch);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool isKeptEvent(const QString &topic, const QJsonValue &data)
{
    return !(topic.startsWith(QLatin1String("stream:"))
             && data.toObject().value(QLatin1String("event")).toString() == QLatin1String("listeners"));
}

} // namespace onair
