#pragma once

#include "fanout/fanoutworker.h"

#include <QAbstractTableModel>

namespace onair {

// The listeners of the selected stream: address, how they listen (the web page's WebSocket
// or a standard player on /stream/…, with the app its user agent names), since, backlog, drops.
class ListenersModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Address, Via, State, Delay, Device, Identity, Since, Backlog, Drops, Id, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void setListeners(const QList<ListenerInfo> &listeners);
    quint64 idAt(int row) const;
    // "VLC", "ffmpeg", "Safari on iPhone", …: what a User-Agent says, short.
    static QString stateText(const ListenerInfo &l);
    static QString deviceText(const QString &device);
    static QString appOf(const QString &userAgent);

private:
    QList<ListenerInfo> m_rows;
};

} // namespace onair
