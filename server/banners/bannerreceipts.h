#pragma once

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QString>
#include <QStringList>

namespace onair {

// Who got the active banner, who had it on screen, and which connected clients still have it
// (issue 19's receipts): this replica's sets by identity, plus the latest report of each other
// replica (summed; a report older than kRemoteTtlMs no longer counts). Thread-safe: the
// fan-out workers note deliveries, the engine thread reads.
class BannerReceipts
{
public:
    static constexpr int kMaxTracked = 100000; // identities per set; more are not counted
    static constexpr qint64 kRemoteTtlMs = 10000;

    struct Report
    {
        QString bannerId;
        int delivered = 0;
        int seen = 0;
        QStringList notDismissed; // at most the list limit
        int notDismissedTotal = 0;
        qint64 atMs = 0;          // when it arrived (remote reports)
        QJsonObject toJson() const;
        static Report fromJson(const QJsonObject &o);
    };

    void setListLimit(int n);
    // A new active banner (empty: none): the sets start over.
    void reset(const QString &bannerId);
    void delivered(const QString &bannerId, quint64 connection, const QString &identity);
    void seen(const QString &bannerId, const QString &identity);
    void gone(quint64 connection);
    // The identity of a connection that has banner `bannerId`, empty when it has not.
    QString holder(const QString &bannerId, quint64 connection) const;
    // This replica's receipts; `acks` are the identities that acknowledged the banner.
    Report local(const QSet<QString> &acks) const;
    void setRemote(const QString &replica, Report report);
    // This replica's receipts plus the fresh reports of the others for the same banner.
    QJsonObject total(const QSet<QString> &acks, qint64 nowMs) const;
    // True once after each change (the replica then reports).
    bool takeDirty();

private:
    mutable QMutex m_mutex;
    int m_listLimit = 200;
    QString m_bannerId;
    QSet<QString> m_delivered;
    QSet<QString> m_seen;
    QHash<quint64, QString> m_live; // connections that have it
    QHash<QString, Report> m_remote;
    bool m_dirty = false;
};

} // namespace onair
