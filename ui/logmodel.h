#pragma once

#include <QAbstractListModel>
#include <QMutex>
#include <QSortFilterProxyModel>
#include <QTimer>

namespace onair {

// The engine's log (QLoggingCategory messages from every thread), newest last, capped.
// Messages reach it through a Qt message handler that also keeps printing to stderr.
class LogModel final : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit LogModel(QObject *parent = nullptr);
    ~LogModel() override;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    // Thread-safe: queued and added to the model in batches (a reconnect storm logs thousands
    // of lines a second; one model update per line would stall the window).
    void post(const QString &line);

private:
    void flush();
    QStringList m_lines;
    QMutex m_pendingMutex;
    QStringList m_pending;
    QTimer m_flush;
};

} // namespace onair
