#include "banners/bannerrequest.h"

#include <QJsonValue>
#include <QRegularExpression>

#include <cmath>

namespace onair {

QString validateBannerBody(const QJsonObject &body, QString *text, QString *type, QString *message)
{
    const QJsonValue m = body.value(QLatin1String("message"));
    if (!m.isString()) {
        *message = QStringLiteral("\"message\" must be a string");
        return QStringLiteral("invalid_message");
    }
    const QString t = m.toString();
    if (t.trimmed().isEmpty()) {
        *message = QStringLiteral("the message is empty");
        return QStringLiteral("empty_message");
    }
    const qsizetype codePoints = t.toUcs4().size();
    if (codePoints > kBannerMaxCharacters) {
        *message = QStringLiteral("the message has %1 characters; the maximum is %2").arg(codePoints).arg(kBannerMaxCharacters);
        return QStringLiteral("message_too_long");
    }
    const QJsonValue tv = body.value(QLatin1String("type"));
    const QString ty = tv.isUndefined() ? QStringLiteral("info") : tv.toString();
    if (ty != QLatin1String("info") && ty != QLatin1String("warning") && ty != QLatin1String("alert")) {
        *message = QStringLiteral("\"type\" must be one of info, warning, alert");
        return QStringLiteral("invalid_type");
    }
    *text = t;
    *type = ty;
    return {};
}

} // namespace onair

namespace onair {

namespace {
QString checkFields(const QJsonObject &body, QString *message)
{
    const QStringList accepted = bannerRequestFields();
    for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
        if (!accepted.contains(it.key())) {
            *message = QStringLiteral("unknown field \"%1\"; accepted: %2").arg(it.key().left(64), accepted.join(QLatin1String(", ")));
            return QStringLiteral("unknown_field");
        }
    }
    return {};
}

// "type" and its alias "message_type" folded into one value (undefined when neither is given).
QString checkType(const QJsonObject &body, QJsonValue *type, QString *message)
{
    const QJsonValue t = body.value(QLatin1String("type"));
    const QJsonValue alias = body.value(QLatin1String("message_type"));
    if (!t.isUndefined() && !alias.isUndefined() && t != alias) {
        *message = QStringLiteral("\"type\" and \"message_type\" (its alias) differ; send one of them");
        return QStringLiteral("conflicting_type");
    }
    *type = t.isUndefined() ? alias : t;
    return {};
}

QString checkExpiry(const QJsonValue &v, const BannerLimits &limits, int *seconds, QString *message)
{
    *seconds = 0;
    if (v.isUndefined() || v.isNull())
        return {};
    const double d = v.toDouble(-1);
    // The range before the whole-number test: casting a huge double is undefined (found by fuzz_report).
    if (!v.isDouble() || !(d >= limits.minExpiryS && d <= limits.maxExpiryS) || d != std::floor(d)) {
        *message = QStringLiteral("\"expires_in\" must be null or whole seconds from %1 to %2")
                       .arg(limits.minExpiryS)
                       .arg(limits.maxExpiryS);
        return QStringLiteral("invalid_expires_in");
    }
    *seconds = int(d);
    return {};
}

QString checkStart(const QJsonValue &v, const BannerLimits &limits, const QDateTime &now, QDateTime *at, QString *message)
{
    *at = QDateTime();
    if (v.isUndefined() || v.isNull())
        return {};
    // An explicit zone: a bare local time would depend on the server's time zone.
    static const QRegularExpression form(QStringLiteral(
        R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$)"));
    const QString s = v.toString();
    const QDateTime t = form.match(s).hasMatch() ? QDateTime::fromString(s, Qt::ISODateWithMs) : QDateTime();
    if (!v.isString() || !t.isValid()) {
        *message = QStringLiteral("\"starts_at\" must be an ISO 8601 time with Z or an offset, e.g. 2026-05-04T14:30:00Z");
        return QStringLiteral("invalid_starts_at");
    }
    if (t <= now || now.secsTo(t) > limits.maxScheduleAheadS) {
        *message = QStringLiteral("\"starts_at\" must be in the future and at most %1 seconds ahead").arg(limits.maxScheduleAheadS);
        return QStringLiteral("invalid_starts_at");
    }
    *at = t.toUTC();
    return {};
}
} // namespace

QStringList bannerRequestFields()
{
    return {QStringLiteral("message"), QStringLiteral("type"), QStringLiteral("message_type"), QStringLiteral("expires_in"),
            QStringLiteral("starts_at")};
}

QString validateBannerRequest(const QJsonObject &body, const BannerLimits &limits, const QDateTime &now,
                              BannerRequest *out, QString *message)
{
    QString code = checkFields(body, message);
    QJsonValue type;
    if (code.isEmpty())
        code = checkType(body, &type, message);
    int expiresIn = 0;
    if (code.isEmpty())
        code = checkExpiry(body.value(QLatin1String("expires_in")), limits, &expiresIn, message);
    QDateTime startsAt;
    if (code.isEmpty())
        code = checkStart(body.value(QLatin1String("starts_at")), limits, now, &startsAt, message);
    if (!code.isEmpty())
        return code;
    QJsonObject core{{QStringLiteral("message"), body.value(QLatin1String("message"))}};
    if (!type.isUndefined())
        core.insert(QStringLiteral("type"), type);
    QString text, ty;
    code = validateBannerBody(core, &text, &ty, message);
    if (!code.isEmpty())
        return code;
    out->message = text;
    out->type = ty;
    out->expiresInS = expiresIn;
    out->startsAt = startsAt;
    return {};
}

} // namespace onair
