#pragma once

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QPair>

namespace onair {

using Subnet = QPair<QHostAddress, int>;

// Parses "127.0.0.0/8,::1" (or "none" / empty) into subnets; false with *error on a bad entry.
bool parseSubnets(const QString &text, QList<Subnet> *out, QString *error);

// A token bucket per client address: `perSecond` tokens a second, at most `burst` saved up.
// IPv4-mapped IPv6 addresses count as their IPv4 address, IPv6 addresses by their /64 (one
// host usually owns a whole /64). Addresses in an exempt subnet are never limited; a rate of 0
// turns the limiter off. Thread-safe; memory is bounded (idle full buckets are forgotten).
class RateLimiter
{
public:
    RateLimiter(int perSecond, int burst, QList<Subnet> exempt);

    // 0 when the call may go ahead (a token was taken), else the whole seconds until the next
    // token (at least 1): the Retry-After value.
    int take(const QHostAddress &peer, qint64 nowMs);

    bool enabled() const { return m_perSecond > 0; }
    qint64 refused() const;

private:
    struct Bucket
    {
        double tokens;
        qint64 atMs;
    };
    void prune(qint64 nowMs);

    const int m_perSecond;
    const int m_burst;
    const QList<Subnet> m_exempt;
    mutable QMutex m_mutex;
    QHash<QByteArray, Bucket> m_buckets;
    qint64 m_refused = 0;
    qint64 m_lastPruneMs = 0;
};

} // namespace onair
