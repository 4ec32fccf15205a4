#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace onair {

// Interpreter: speaks on the language channels ("main~nl") of its streams, not on the floor.
enum class Role { None, Listener, Speaker, Admin, Interpreter };
QString roleName(Role r);
Role roleFromName(const QString &name);

// The claims of an OnAir token: a JWT (HS256) with `sub`, `role`, optional `streams` (a
// speaker may then speak only there) and `exp` (seconds since the epoch).
struct TokenClaims
{
    QString sub;
    Role role = Role::None;
    QStringList streams;
    qint64 exp = 0;
    qint64 iat = 0;
    bool maySpeakOn(const QString &stream) const;
};

QByteArray mintToken(const TokenClaims &claims, const QByteArray &secret);
// nullopt with the reason when the token is malformed, not HS256, badly signed or expired.
std::optional<TokenClaims> verifyToken(const QByteArray &token, const QByteArray &secret,
                                       QString *error, qint64 nowSecs = QDateTime::currentSecsSinceEpoch());

// The token a request carries: its ?token= query item (browsers and players cannot set
// headers on a WebSocket or a link), else an "Authorization: Bearer <token>" header; empty if none.
QByteArray requestToken(const QString &queryToken, const QByteArray &authorization);

// Equal length and content, in time that does not depend on where they differ.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

// The server secret: `path` is created with 32 random bytes (mode 0600) when missing.
// Returns an empty array and sets `error` when it cannot be read or created.
QByteArray loadOrCreateSecret(const QString &path, QString *error);

// "8h", "30m", "45s", "2d" or plain seconds; -1 when unreadable or over kMaxDurationSecs.
constexpr qint64 kMaxDurationSecs = 1000LL * 366 * 86400; // 1000 years: now + it stays far below 2^53
qint64 parseDurationSecs(const QString &text);

} // namespace onair
