#include "listenersmodel.h"

#include <QDateTime>
#include <QLocale>

namespace onair {

int ListenersModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int ListenersModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ListenersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Address: return tr("Address");
    case Identity: return tr("Identity");
    case Since: return tr("Connected since");
    case Backlog: return tr("Backlog");
    case Drops: return tr("Drops");
    case Id: return tr("Connection");
    }
    return {};
}

QVariant ListenersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || role != Qt::DisplayRole)
        return {};
    const FanoutWorker::ListenerInfo &l = m_rows[index.row()];
    switch (index.column()) {
    case Address: return l.peer;
    case Identity: return l.identity;
    case Since: return QDateTime::fromMSecsSinceEpoch(l.connectedAtMs).toString(QStringLiteral("HH:mm:ss"));
    case Backlog: return QLocale().formattedDataSize(l.backlog);
    case Drops: return l.drops;
    case Id: return QString::number(l.id);
    }
    return {};
}

void ListenersModel::setListeners(const QList<FanoutWorker::ListenerInfo> &listeners)
{
    beginResetModel();
    m_rows = listeners;
    endResetModel();
}

quint64 ListenersModel::idAt(int row) const { return row >= 0 && row < m_rows.size() ? m_rows[row].id : 0; }

} // namespace onair
