#include "net/ratelimit.h"

#include <cmath>

namespace onair {

namespace {
constexpr int kPruneAbove = 4096; // buckets kept before idle ones are dropped
constexpr int kForgetAllAbove = 200000;

QByteArray keyOf(const QHostAddress &peer)
{
    bool v4 = false;
    const quint32 a = peer.toIPv4Address(&v4); // also unwraps ::ffff:a.b.c.d
    if (v4)
        return QByteArray(reinterpret_cast<const char *>(&a), sizeof a);
    const Q_IPV6ADDR v6 = peer.toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(v6.c), 8); // the /64
}
} // namespace

bool parseSubnets(const QString &text, QList<Subnet> *out, QString *error)
{
    out->clear();
    const QString t = text.trimmed();
    if (t.isEmpty() || t == QLatin1String("none"))
        return true;
    for (const QString &part : t.split(u',', Qt::SkipEmptyParts)) {
        const QString entry = part.trimmed();
        Subnet s = QHostAddress::parseSubnet(entry);
        if (s.second < 0) {
            QHostAddress a;
            if (!a.setAddress(entry)) {
                *error = QStringLiteral("'%1' is not an address or subnet (e.g. 10.0.0.0/8, ::1)").arg(entry);
                return false;
            }
            s = {a, a.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32};
        }
        out->append(s);
    }
    return true;
}

RateLimiter::RateLimiter(int perSecond, int burst, QList<Subnet> exempt)
    : m_perSecond(qMax(0, perSecond)), m_burst(qMax(1, burst)), m_exempt(std::move(exempt))
{
}

int RateLimiter::take(const QHostAddress &peer, qint64 nowMs)
{
    if (m_perSecond <= 0)
        return 0;
    bool v4 = false;
    const quint32 a = peer.toIPv4Address(&v4);
    const QHostAddress plain = v4 ? QHostAddress(a) : peer;
    for (const Subnet &s : m_exempt) {
        if (plain.isInSubnet(s))
            return 0;
    }
    const QByteArray key = keyOf(peer);
    QMutexLocker lock(&m_mutex);
    if (m_buckets.size() > kPruneAbove && nowMs - m_lastPruneMs > 1000)
        prune(nowMs);
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, {double(m_burst), nowMs});
    Bucket &b = *it;
    b.tokens = qMin(double(m_burst), b.tokens + double(nowMs - b.atMs) * m_perSecond / 1000.0);
    b.atMs = nowMs;
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return 0;
    }
    ++m_refused;
    return qMax(1, int(std::ceil((1.0 - b.tokens) / m_perSecond)));
}

qint64 RateLimiter::refused() const
{
    QMutexLocker lock(&m_mutex);
    return m_refused;
}

void RateLimiter::prune(qint64 nowMs)
{
    m_lastPruneMs = nowMs;
    const double refillMs = 1000.0 * m_burst / m_perSecond;
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        if (double(nowMs - it->atMs) >= refillMs) // full again: same as a new bucket
            it = m_buckets.erase(it);
        else
            ++it;
    }
    if (m_buckets.size() > kForgetAllAbove) // a flood of distinct addresses: fail open, stay bounded
        m_buckets.clear();
}

} // namespace onair
