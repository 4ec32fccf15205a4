#include "http/restbodies.h"

#include "protocol/topics.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace onair {

namespace {
BodyRefusal refusal(int status, const QString &code, const QString &message, QJsonObject extra = {})
{
    return BodyRefusal{status, code, message, std::move(extra)};
}
} // namespace

std::optional<BodyRefusal> parseJsonObjectBody(const QByteArray &body, const QByteArray &contentType,
                                               qint64 maxBytes, QJsonObject *out)
{
    if (body.size() > maxBytes)
        return refusal(413, QStringLiteral("body_too_large"), QStringLiteral("the body is over %1 bytes").arg(maxBytes),
                       {{QStringLiteral("max_bytes"), maxBytes}});
    if (!contentType.toLower().startsWith("application/json"))
        return refusal(415, QStringLiteral("unsupported_media_type"), QStringLiteral("send the body as application/json"));
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError)
        return refusal(400, QStringLiteral("invalid_json"),
                       QStringLiteral("invalid JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString()));
    if (!doc.isObject())
        return refusal(400, QStringLiteral("invalid_json"), QStringLiteral("the body must be a JSON object"));
    *out = doc.object();
    return std::nullopt;
}

std::optional<BodyRefusal> parseKickBody(const QJsonObject &body, QString *reason, QString *replica)
{
    const QJsonValue r = body.value(QLatin1String("reason"));
    if (!r.isUndefined() && (!r.isString() || r.toString().toUtf8().size() > 120))
        return refusal(400, QStringLiteral("invalid_reason"),
                       QStringLiteral("\"reason\" must be a string of at most 120 bytes (a close reason)"));
    const QJsonValue rep = body.value(QLatin1String("replica"));
    if (!rep.isUndefined() && (!rep.isString() || rep.toString().size() > 64))
        return refusal(400, QStringLiteral("invalid_replica"),
                       QStringLiteral("\"replica\" must be a replica id (see /health/connections)"));
    if (r.isString() && !r.toString().isEmpty())
        *reason = r.toString();
    *replica = rep.toString();
    return std::nullopt;
}

std::optional<BodyRefusal> parsePublishBody(const QJsonObject &body, QString *topic, QJsonObject *data)
{
    const QJsonValue t = body.value(QLatin1String("topic"));
    const QString err = t.isString() ? topicError(t.toString()) : QStringLiteral("\"topic\" must be a string");
    if (!err.isEmpty())
        return refusal(400, QStringLiteral("invalid_topic"), err);
    const QJsonValue d = body.value(QLatin1String("data"));
    if (!d.isObject())
        return refusal(400, QStringLiteral("invalid_data"), QStringLiteral("\"data\" must be a JSON object"));
    *topic = t.toString();
    *data = d.toObject();
    return std::nullopt;
}

} // namespace onair
