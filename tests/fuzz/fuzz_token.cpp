// Tokens (verifyToken), from the Authorization header or ?token=, and the --ttl durations
// (parseDurationSecs). The first byte picks what the rest is:
//   0: a whole token, checked against a secret drawn at random when the process starts.
//      Invariant: never accepted (the fuzzer cannot sign without the secret).
//   1: "<header JSON>\n<payload JSON>" (or the payload alone, with the usual header), which
//      the target signs with its own secret — so the claims parser behind the signature check
//      is reached. Invariants: an accepted token has a sub, a known role and exp > now; its
//      claims minted again verify to the same claims; a changed signature or another secret
//      is refused; "alg" other than HS256 is refused.
//   2: a duration: -1 or the exact positive number of seconds (≤ kMaxDurationSecs), never an
//      overflow.
#include "fuzzcheck.h"

#include "auth/auth.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include <cstddef>
#include <cstdint>

using namespace onair;

namespace {
constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr qint64 kNow = 1700000000; // a fixed "now", so every run of an input is the same

const QByteArray &randomSecret()
{
    static const QByteArray s = [] {
        QByteArray raw(32, Qt::Uninitialized);
        QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()),
                                             reinterpret_cast<quint32 *>(raw.data() + raw.size()));
        return raw.toBase64(kB64);
    }();
    return s;
}

const QByteArray kKnownSecret = QByteArrayLiteral("fuzz-secret-0123456789abcdef");

QByteArray signedToken(const QByteArray &header, const QByteArray &payload, const QByteArray &secret)
{
    const QByteArray input = header.toBase64(kB64) + '.' + payload.toBase64(kB64);
    const QByteArray sig = QMessageAuthenticationCode::hash(input, secret, QCryptographicHash::Sha256).toBase64(kB64);
    return input + '.' + sig;
}

bool utf8Clean(const QString &s) { return QString::fromUtf8(s.toUtf8()) == s; }

void signedClaims(const QByteArray &rest)
{
    QByteArray header = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})");
    QByteArray payload = rest;
    if (const qsizetype nl = rest.indexOf('\n'); nl >= 0) {
        header = rest.left(nl);
        payload = rest.mid(nl + 1);
    }
    const QByteArray token = signedToken(header, payload, kKnownSecret);
    QString why;
    const std::optional<TokenClaims> c = verifyToken(token, kKnownSecret, &why, kNow);
    if (!c) {
        FUZZ_CHECK(!why.isEmpty());
        return;
    }
    FUZZ_CHECK(token.size() <= 4096);
    FUZZ_CHECK(!c->sub.isEmpty());
    FUZZ_CHECK(c->role == Role::Listener || c->role == Role::Speaker || c->role == Role::Admin);
    FUZZ_CHECK(c->exp > kNow);
    FUZZ_CHECK(QJsonDocument::fromJson(header).object().value(QLatin1String("alg")).toString() == QLatin1String("HS256"));
    FUZZ_CHECK(c->maySpeakOn(QStringLiteral("main")) == (c->role == Role::Admin
               || (c->role == Role::Speaker && (c->streams.isEmpty() || c->streams.contains(QStringLiteral("main"))))));

    // Another secret, or any change to the signature: refused.
    FUZZ_CHECK(!verifyToken(token, randomSecret(), nullptr, kNow));
    QByteArray tampered = token;
    tampered[tampered.size() - 1] = tampered.back() == 'A' ? 'B' : 'A';
    FUZZ_CHECK(!verifyToken(tampered, kKnownSecret, nullptr, kNow));

    // The claims minted again (what `onair-server token` does) verify to the same claims.
    bool clean = utf8Clean(c->sub);
    for (const QString &s : c->streams)
        clean = clean && utf8Clean(s);
    if (!clean)
        return; // a lone surrogate does not survive UTF-8 (QString::toUtf8 replaces it)
    const QByteArray again = mintToken(*c, kKnownSecret);
    const std::optional<TokenClaims> c2 = verifyToken(again, kKnownSecret, &why, kNow);
    if (again.size() > 4096)
        return; // a long streams list can push the re-encoded token over the limit
    FUZZ_CHECK(c2);
    FUZZ_CHECK(c2->sub == c->sub && c2->role == c->role && c2->streams == c->streams);
    FUZZ_CHECK(c2->exp == c->exp && c2->iat == c->iat);
}

void duration(const QByteArray &rest)
{
    const QString text = QString::fromUtf8(rest);
    const qint64 secs = parseDurationSecs(text);
    FUZZ_CHECK(secs == -1 || (secs > 0 && secs <= kMaxDurationSecs));
    // A reference for plain ASCII input: digits, then at most one unit.
    static const QByteArray units = QByteArrayLiteral("smhd");
    QByteArray digits = rest;
    qint64 mult = 1;
    if (!digits.isEmpty() && units.contains(digits.back())) {
        const char u = digits.back();
        mult = u == 's' ? 1 : u == 'm' ? 60 : u == 'h' ? 3600 : 86400;
        digits.chop(1);
    }
    if (digits.isEmpty() || digits.size() > 18)
        return;
    for (char ch : digits) {
        if (ch < '0' || ch > '9')
            return;
    }
    const qint64 n = digits.toLongLong();
    qint64 expected = -1;
    if (n > 0 && !__builtin_mul_overflow(n, mult, &expected) && expected <= kMaxDurationSecs) {
        FUZZ_CHECK(secs == expected);
    } else {
        FUZZ_CHECK(secs == -1);
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray rest(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    switch (data[0] % 3) {
    case 0: {
        QString why;
        FUZZ_CHECK(!verifyToken(rest, randomSecret(), &why, kNow));
        FUZZ_CHECK(!why.isEmpty());
        // The REST and WebSocket paths take the token from "Bearer <token>", trimmed.
        const QByteArray header = QByteArrayLiteral("Bearer ") + rest;
        FUZZ_CHECK(!verifyToken(header.mid(7).trimmed(), randomSecret(), nullptr, kNow));
        break;
    }
    case 1:
        signedClaims(rest);
        break;
    default:
        duration(rest);
        break;
    }
    return 0;
}
