#pragma once

#include <QAbstractListModel>
#include <QSortFilterProxyModel>

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
    void append(const QString &line);

private:
    QStringList m_lines;
};

} // namespace onair
