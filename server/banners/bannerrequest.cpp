#include "banners/bannerrequest.h"

#include <QJsonValue>

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
