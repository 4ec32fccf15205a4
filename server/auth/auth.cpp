#include "auth/auth.h"

#include <QFile>
#include <QFileDevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

namespace onair {

namespace {
constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray sign(const QByteArray &input, const QByteArray &secret)
{
    return QMessageAuthenticationCode::hash(input, secret, QCryptographicHash::Sha256).toBase64(kB64);
}
} // namespace

QString roleName(Role r)
{
    switch (r) {
    case Role::Listener: return QStringLiteral("listener");
    case Role::Speaker: return QStringLiteral("speaker");
    case Role::Admin: return QStringLiteral("admin");
    case Role::Interpreter: return QStringLiteral("interpreter");
    case Role::None: break;
    }
    return QString();
}

Role roleFromName(const QString &name)
{
    if (name == QLatin1String("listener"))
        return Role::Listener;
    if (name == QLatin1String("speaker"))
        return Role::Speaker;
    if (name == QLatin1String("admin"))
        return Role::Admin;
    if (name == QLatin1String("interpreter"))
        return Role::Interpreter;
    return Role::None;
}

bool TokenClaims::maySpeakOn(const QString &stream) const
{
    if (role == Role::Admin)
        return true;
    if (role == Role::Interpreter) {
        // The language channels of its streams ("main~nl" for --stream main), never a floor.
        const qsizetype tilde = stream.indexOf(u'~');
        return tilde > 0 && (streams.isEmpty() || streams.contains(stream.left(tilde)));
    }
    if (role != Role::Speaker)
        return false;
    // Exact: a token for "main" does not open "main~nl", nor the reverse.
    return streams.isEmpty() || streams.contains(stream);
}

QByteArray mintToken(const TokenClaims &c, const QByteArray &secret)
{
    const QByteArray header = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})").toBase64(kB64);
    QJsonObject payload{{QStringLiteral("sub"), c.sub},
                        {QStringLiteral("role"), roleName(c.role)},
                        {QStringLiteral("exp"), c.exp},
                        {QStringLiteral("iat"), c.iat}};
    if (!c.streams.isEmpty())
        payload.insert(QStringLiteral("streams"), QJsonArray::fromStringList(c.streams));
    const QByteArray body = QJsonDocument(payload).toJson(QJsonDocument::Compact).toBase64(kB64);
    const QByteArray input = header + '.' + body;
    return input + '.' + sign(input, secret);
}

std::optional<TokenClaims> verifyToken(const QByteArray &token, const QByteArray &secret, QString *error,
                                       qint64 nowSecs)
{
    auto fail = [error](const char *why) {
        if (error)
            *error = QString::fromLatin1(why);
        return std::nullopt;
    };
    if (token.isEmpty())
        return fail("no token");
    if (token.size() > 4096)
        return fail("token too long");
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return fail("malformed token");
    // Signature first: nothing of an unauthenticated payload is interpreted.
    if (!constantTimeEquals(sign(parts[0] + '.' + parts[1], secret), parts[2]))
        return fail("bad signature");
    QJsonParseError pe{};
    const QJsonDocument header = QJsonDocument::fromJson(QByteArray::fromBase64(parts[0], kB64), &pe);
    if (pe.error != QJsonParseError::NoError || header.object().value(QLatin1String("alg")).toString() != QLatin1String("HS256"))
        return fail("unsupported token algorithm");
    const QJsonDocument payload = QJsonDocument::fromJson(QByteArray::fromBase64(parts[1], kB64), &pe);
    if (pe.error != QJsonParseError::NoError || !payload.isObject())
        return fail("malformed token payload");
    const QJsonObject o = payload.object();
    TokenClaims c;
    c.sub = o.value(QLatin1String("sub")).toString();
    c.role = roleFromName(o.value(QLatin1String("role")).toString());
    // Seconds since the epoch; beyond ±2^53 (and so beyond qint64) a double is refused, since
    // converting it to qint64 is undefined behaviour (found by tests/fuzz/fuzz_token).
    const double exp = o.value(QLatin1String("exp")).toDouble();
    const double iat = o.value(QLatin1String("iat")).toDouble();
    constexpr double kMaxSecs = 9007199254740992.0;
    if (!(exp >= -kMaxSecs && exp <= kMaxSecs && iat >= -kMaxSecs && iat <= kMaxSecs))
        return fail("token exp or iat out of range");
    c.exp = qint64(exp);
    c.iat = qint64(iat);
    for (const QJsonValue &v : o.value(QLatin1String("streams")).toArray())
        c.streams.append(v.toString());
    if (c.sub.isEmpty() || c.role == Role::None)
        return fail("token lacks sub or role");
    if (c.exp <= nowSecs)
        return fail("token expired");
    return c;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Qt has no public constant-time compare; this is the usual accumulate-the-differences loop.
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

QByteArray loadOrCreateSecret(const QString &path, QString *error)
{
    QFile f(path);
    if (f.exists()) {
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
            return {};
        }
        const QByteArray s = f.readAll().trimmed();
        if (s.size() < 16) {
            *error = QStringLiteral("%1 holds fewer than 16 bytes").arg(path);
            return {};
        }
        return s;
    }
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()),
                                         reinterpret_cast<quint32 *>(raw.data() + raw.size()));
    const QByteArray secret = raw.toBase64(kB64);
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        *error = QStringLiteral("cannot create %1: %2").arg(path, f.errorString());
        return {};
    }
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(secret);
    f.close();
    return secret;
}

qint64 parseDurationSecs(const QString &text)
{
    if (text.isEmpty())
        return -1;
    qint64 mult = 1;
    QString num = text;
    const QChar unit = text.back();
    if (unit == u's' || unit == u'm' || unit == u'h' || unit == u'd') {
        mult = unit == u's' ? 1 : unit == u'm' ? 60 : unit == u'h' ? 3600 : 86400;
        num.chop(1);
    }
    bool ok = false;
    const qint64 n = num.toLongLong(&ok);
    // n * mult overflowed for long inputs (undefined behaviour, found by tests/fuzz/fuzz_token).
    if (!ok || n <= 0 || n > kMaxDurationSecs / mult)
        return -1;
    return n * mult;
}

QByteArray requestToken(const QString &queryToken, const QByteArray &authorization)
{
    if (!queryToken.isEmpty())
        return queryToken.toUtf8();
    return authorization.startsWith("Bearer ") ? authorization.mid(7).trimmed() : QByteArray();
}

} // namespace onair
