#include "banners/bannerreceipts.h"

#include <QJsonArray>

#include <algorithm>
#include <utility>

namespace onair {

QJsonObject BannerReceipts::Report::toJson() const
{
    return {{QStringLiteral("broadcast_id"), bannerId},
            {QStringLiteral("delivered"), delivered},
            {QStringLiteral("seen"), seen},
            {QStringLiteral("not_dismissed"), QJsonArray::fromStringList(notDismissed)},
            {QStringLiteral("not_dismissed_total"), notDismissedTotal}};
}

BannerReceipts::Report BannerReceipts::Report::fromJson(const QJsonObject &o)
{
    Report r;
    r.bannerId = o.value(QLatin1String("broadcast_id")).toString();
    r.delivered = o.value(QLatin1String("delivered")).toInt();
    r.seen = o.value(QLatin1String("seen")).toInt();
    const QJsonArray list = o.value(QLatin1String("not_dismissed")).toArray();
    for (const QJsonValue &v : list)
        r.notDismissed.append(v.toString());
    r.notDismissedTotal = o.value(QLatin1String("not_dismissed_total")).toInt();
    return r;
}

void BannerReceipts::setListLimit(int n)
{
    QMutexLocker lock(&m_mutex);
    m_listLimit = std::max(0, n);
}

void BannerReceipts::reset(const QString &bannerId)
{
    QMutexLocker lock(&m_mutex);
    if (bannerId == m_bannerId)
        return;
    m_bannerId = bannerId;
    m_delivered.clear();
    m_seen.clear();
    m_live.clear();
    m_dirty = true;
}

void BannerReceipts::delivered(const QString &bannerId, quint64 connection, const QString &identity)
{
    QMutexLocker lock(&m_mutex);
    if (bannerId.isEmpty() || bannerId != m_bannerId)
        return;
    if (m_delivered.size() < kMaxTracked)
        m_delivered.insert(identity);
    m_live.insert(connection, identity);
    m_dirty = true;
}

void BannerReceipts::seen(const QString &bannerId, const QString &identity)
{
    QMutexLocker lock(&m_mutex);
    if (bannerId.isEmpty() || bannerId != m_bannerId || !m_delivered.contains(identity) || m_seen.contains(identity))
        return;
    m_seen.insert(identity);
    m_dirty = true;
}

void BannerReceipts::gone(quint64 connection)
{
    QMutexLocker lock(&m_mutex);
    m_dirty |= m_live.remove(connection) > 0;
}

QString BannerReceipts::holder(const QString &bannerId, quint64 connection) const
{
    QMutexLocker lock(&m_mutex);
    return bannerId == m_bannerId ? m_live.value(connection) : QString();
}

BannerReceipts::Report BannerReceipts::local(const QSet<QString> &acks) const
{
    QMutexLocker lock(&m_mutex);
    Report r;
    r.bannerId = m_bannerId;
    r.delivered = int(m_delivered.size());
    r.seen = int(m_seen.size());
    QSet<QString> open;
    for (const QString &identity : m_live) {
        if (!acks.contains(identity))
            open.insert(identity);
    }
    r.notDismissed = QStringList(open.cbegin(), open.cend());
    r.notDismissed.sort();
    r.notDismissedTotal = int(r.notDismissed.size());
    if (r.notDismissed.size() > m_listLimit)
        r.notDismissed.resize(m_listLimit);
    return r;
}

void BannerReceipts::setRemote(const QString &replica, Report report)
{
    QMutexLocker lock(&m_mutex);
    m_remote.insert(replica, std::move(report));
}

QJsonObject BannerReceipts::total(const QSet<QString> &acks, qint64 nowMs) const
{
    Report sum = local(acks);
    QMutexLocker lock(&m_mutex);
    QSet<QString> open(sum.notDismissed.cbegin(), sum.notDismissed.cend());
    int extra = 0; // not listed: beyond a replica's list limit
    for (const Report &r : m_remote) {
        if (r.bannerId != sum.bannerId || nowMs - r.atMs > kRemoteTtlMs)
            continue;
        sum.delivered += r.delivered;
        sum.seen += r.seen;
        for (const QString &identity : r.notDismissed) {
            if (!acks.contains(identity)) { // an acknowledgement may be newer than the report
                open.insert(identity);
            }
        }
        extra += std::max(0, r.notDismissedTotal - int(r.notDismissed.size()));
    }
    QStringList list(open.cbegin(), open.cend());
    list.sort();
    const int total = int(list.size()) + extra + std::max(0, sum.notDismissedTotal - int(sum.notDismissed.size()));
    if (list.size() > m_listLimit)
        list.resize(m_listLimit);
    sum.notDismissed = list;
    sum.notDismissedTotal = total;
    return sum.toJson();
}

bool BannerReceipts::takeDirty()
{
    QMutexLocker lock(&m_mutex);
    return std::exchange(m_dirty, false);
}

} // namespace onair
