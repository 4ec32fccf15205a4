#include "archivemodel.h"

#include <QLocale>

namespace onair {

int ArchiveModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int ArchiveModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ArchiveModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Stream: return tr("The stream recorded");
        case Start: return tr("When the recording started (this computer's clock)");
        case Duration: return tr("How long the recording is");
        case Size: return tr("The size of the audio file");
        case State: return tr("Recording, finished, interrupted (the program stopped) or failed, and why");
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Stream: return tr("Stream");
    case Start: return tr("Start");
    case Duration: return tr("Duration");
    case Size: return tr("Size");
    case State: return tr("State");
    }
    return {};
}

QString ArchiveModel::durationText(qint64 ms)
{
    const qint64 s = qMax<qint64>(0, ms) / 1000;
    const QLatin1Char zero('0');
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, zero).arg(s % 60, 2, 10, zero);
    return QStringLiteral("%1:%2").arg(s / 60, 2, 10, zero).arg(s % 60, 2, 10, zero);
}

QString ArchiveModel::sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(qMax<qint64>(0, bytes), 1, QLocale::DataSizeSIFormat);
}

QString ArchiveModel::stateText(const RecordingInfo &r)
{
    QString state;
    if (r.state == QLatin1String("recording"))
        state = tr("recording");
    else if (r.state == QLatin1String("finished"))
        state = tr("finished");
    else if (r.state == QLatin1String("interrupted"))
        state = tr("interrupted");
    else if (r.state == QLatin1String("failed"))
        state = tr("failed");
    else
        state = r.state;
    if (r.reason == QLatin1String("rotated"))
        return tr("%1 (continued in the next file)").arg(state);
    return r.reason.isEmpty() ? state : tr("%1: %2").arg(state, r.reason);
}

QVariant ArchiveModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const RecordingInfo &r = m_rows[index.row()];
    if (role == Qt::ToolTipRole && (index.column() == State || index.column() == Stream))
        return QStringLiteral("%1\n%2").arg(stateText(r), r.path);
    if (role == Qt::TextAlignmentRole && (index.column() == Duration || index.column() == Size))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Stream: return r.stream;
    case Start: return QLocale().toString(r.start.toLocalTime(), QLocale::ShortFormat);
    case Duration: return durationText(r.durationMs);
    case Size: return sizeText(r.bytes);
    case State: return stateText(r);
    }
    return {};
}

void ArchiveModel::setRecordings(const QList<RecordingInfo> &recordings)
{
    bool sameRows = recordings.size() == m_rows.size();
    for (qsizetype i = 0; sameRows && i < recordings.size(); ++i)
        sameRows = recordings[i].id == m_rows[i].id;
    if (!sameRows) {
        beginResetModel();
        m_rows = recordings;
        endResetModel();
        return;
    }
    m_rows = recordings;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

int ArchiveModel::rowOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].id == id)
            return int(i);
    }
    return -1;
}

} // namespace onair
