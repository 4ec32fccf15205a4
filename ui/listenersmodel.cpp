#include "listenersmodel.h"

#include <QDateTime>
#include <QLocale>

namespace onair {

int ListenersModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int ListenersModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

// check-functions: table
QVariant ListenersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Address: return tr("The listener's network address and port");
        case Via: return tr("The web page, or a standard player (MP3 or Ogg stream) and its app");
        case State: return tr("What the listener's page reports: playing, buffering, waiting for a tap, reconnecting; a player plays while it reads");
        case Delay: return tr("Mouth-to-ear delay the listener's page reports");
        case Device: return tr("Phone, tablet, computer or media player, from its User-Agent");
        case Identity: return tr("Who the listener's token names, else how they connected");
        case Since: return tr("Connected since (this computer's clock)");
        case Backlog: return tr("Audio waiting to be sent to this listener");
        case Drops: return tr("Frames this listener missed because it could not keep up");
        case Id: return tr("The connection's number, as in the log");
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Address: return tr("Address");
    case Via: return tr("Via");
    case State: return tr("Hears");
    case Delay: return tr("Delay");
    case Device: return tr("Device");
    case Identity: return tr("Identity");
    case Since: return tr("Since");
    case Backlog: return tr("Backlog");
    case Drops: return tr("Drops");
    case Id: return tr("Connection");
    }
    return {};
}

QString ListenersModel::appOf(const QString &ua)
{
    if (ua.isEmpty())
        return {};
    const QString device = ua.contains(QLatin1String("iPhone")) ? QStringLiteral("iPhone")
        : ua.contains(QLatin1String("iPad"))                   ? QStringLiteral("iPad")
        : ua.contains(QLatin1String("Android"))                ? QStringLiteral("Android")
                                                               : QString();
    QString app;
    if (ua.startsWith(QLatin1String("Lavf/")))
        app = QStringLiteral("ffmpeg");
    else if (ua.contains(QLatin1String("Firefox/")))
        app = QStringLiteral("Firefox");
    else if (ua.contains(QLatin1String("Edg/")))
        app = QStringLiteral("Edge");
    else if (ua.contains(QLatin1String("Chrome/")) || ua.contains(QLatin1String("CriOS/")))
        app = QStringLiteral("Chrome");
    else if (ua.contains(QLatin1String("Safari/")))
        app = QStringLiteral("Safari");
    else
        app = ua.section(u'/', 0, 0).section(u' ', 0, 0).left(24); // "VLC/3.0.18 LibVLC/…" → VLC
    return device.isEmpty() ? app : tr("%1 on %2").arg(app, device);
}

QVariant ListenersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const ListenerInfo &l = m_rows[index.row()];
    if (role == Qt::ToolTipRole && index.column() == State && !l.decoder.isEmpty())
        return tr("Decoder: %1; underruns: %2").arg(l.decoder).arg(qMax(0, l.underruns));
    if (role == Qt::ToolTipRole && index.column() == Via)
        return l.userAgent.isEmpty() ? QVariant() : QVariant(l.userAgent);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Address: return l.peer;
    case Via: {
        if (l.transport == QLatin1String("http-mp3") || l.transport == QLatin1String("http-ogg")) {
            const QString format = l.transport == QLatin1String("http-mp3") ? QStringLiteral("MP3") : QStringLiteral("Ogg");
            const QString app = appOf(l.userAgent);
            // "MP3 · VLC": which stream a standard player reads, and which app (the tooltip
            // has the whole User-Agent).
            return app.isEmpty() ? tr("%1 player").arg(format) : tr("%1 · %2").arg(format, app);
        }
        return tr("Web page");
    }
    case State: return stateText(l);
    case Delay: return l.delayMs < 0 ? QStringLiteral("–") : tr("%1 ms").arg(l.delayMs);
    case Device: return deviceText(l.device);
    case Identity: return l.identity;
    case Since: return QDateTime::fromMSecsSinceEpoch(l.connectedAtMs).toString(QStringLiteral("HH:mm:ss"));
    case Backlog: return QLocale().formattedDataSize(l.backlog);
    case Drops: return l.drops;
    case Id: return QString::number(l.id);
    }
    return {};
}

QString ListenersModel::stateText(const ListenerInfo &l)
{
    QString text;
    if (l.state == QLatin1String("playing"))
        text = tr("Playing");
    else if (l.state == QLatin1String("buffering"))
        text = tr("Buffering");
    else if (l.state == QLatin1String("blocked"))
        text = tr("Tap to play");
    else if (l.state == QLatin1String("reconnecting"))
        text = tr("Reconnecting");
    else
        text = tr("Not reporting");
    return l.hidden ? tr("%1 (background)").arg(text) : text;
}

QString ListenersModel::deviceText(const QString &device)
{
    if (device == QLatin1String("phone"))
        return tr("Phone");
    if (device == QLatin1String("tablet"))
        return tr("Tablet");
    if (device == QLatin1String("desktop"))
        return tr("Computer");
    if (device == QLatin1String("player"))
        return tr("Media player");
    return QStringLiteral("–");
}

void ListenersModel::setListeners(const QList<ListenerInfo> &listeners)
{
    beginResetModel();
    m_rows = listeners;
    endResetModel();
}

quint64 ListenersModel::idAt(int row) const { return row >= 0 && row < m_rows.size() ? m_rows[row].id : 0; }

} // namespace onair
