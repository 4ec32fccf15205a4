#pragma once

#include <QJsonObject>
#include <QString>

namespace onair {

// The JSON body of every error answer (REST, refused WebSocket upgrades, players, the
// acceptor): {"error": code, "message": text} plus any extra fields ("retry_after", …).
inline QJsonObject jsonError(const QString &code, const QString &message, QJsonObject extra = {})
{
    extra.insert(QStringLiteral("error"), code);
    extra.insert(QStringLiteral("message"), message);
    return extra;
}

} // namespace onair
