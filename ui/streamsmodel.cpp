#include "streamsmodel.h"

#include "protocol/streamid.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace onair {

namespace {
QString sparkline(const QList<int> &values)
{
    static const QChar bars[] = {u'\u2581', u'\u2582', u'\u2583', u'\u2584', u'\u2585', u'\u2586', u'\u2587', u'\u2588'};
    int top = 1;
    for (int v : values)
        top = qMax(top, v);
    QString s;
    for (int v : values)
        s += bars[qBound(0, v * 7 / top, 7)];
    return s;
}
} // namespace

StreamsModel::StreamsModel(QObject *parent) : QAbstractTableModel(parent)
{
    m_clock.start();
}

int StreamsModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int StreamsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

// check-functions: table
QVariant StreamsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Stream: return tr("The stream's name: listeners open /listen/<name>");
        case Speaker: return tr("Who speaks on the stream: their address, or this computer");
        case Listeners: return tr("Listeners connected now");
        case FramesIn: return tr("Audio frames a second from the speaker");
        case BytesOut: return tr("Bytes a second sent to all listeners together");
        case Drops: return tr("Frames dropped for listeners that could not keep up");
        case LatencyP99: return tr("Time from a frame's arrival to its sending, for 99 % of frames");
        case History: return tr("Listeners over the last minute");
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Stream: return tr("Stream");
    case Speaker: return tr("Speaker");
    case Listeners: return tr("Listeners");
    case FramesIn: return tr("Frames/s in");
    case BytesOut: return tr("Out");
    case Drops: return tr("Drops");
    case LatencyP99: return tr("Fan-out p99");
    case History: return tr("Last minute");
    }
    return {};
}

QVariant StreamsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows[index.row()];
    if (role == Qt::DisplayRole) {
        const QLocale loc;
        switch (index.column()) {
        case Stream: return r.snap.id;
        case Speaker: {
            QString base, lang;
            if (r.snap.speakerLive && parseTranslatedStreamId(r.snap.id, &base, &lang))
                return tr("interpreter (from %1)").arg(base); // this machine's live interpretation
            return r.snap.speakerLive ? r.snap.speakerAddress : tr("none");
        }
        case Listeners: return r.snap.listeners;
        case FramesIn: return QString::number(r.framesInPerSec, 'f', 0);
        case BytesOut: return QString(loc.formattedDataSize(qint64(r.bytesOutPerSec)) + tr("/s"));
        case Drops: return r.snap.drops;
        case LatencyP99: return r.snap.fanoutP99Ms > 0 ? tr("≤ %1 ms").arg(r.snap.fanoutP99Ms) : QStringLiteral("–");
        case History: return sparkline(r.history);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Speaker)
        return r.snap.speakerLive ? QBrush(QColor(0xff, 0x55, 0x55)) : QBrush(QColor(0x80, 0x88, 0x90));
    if (role == Qt::ForegroundRole && index.column() == Drops && r.snap.drops > 0)
        return QBrush(QColor(0xf0, 0xa0, 0x30));
    if (role == Qt::TextAlignmentRole && index.column() >= Listeners && index.column() <= LatencyP99)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Speaker && !r.snap.format.isEmpty())
        return r.snap.format.value(QLatin1String("codec")).toString();
    return {};
}

void StreamsModel::update(const EngineSnapshot &snapshot)
{
    const qint64 now = m_clock.elapsed();
    const double secs = m_lastMs ? qMax(0.05, double(now - m_lastMs) / 1000.0) : 0;
    m_lastMs = now;
    QList<Row> rows;
    QHash<QString, QList<int>> history;
    for (const StreamSnapshot &s : snapshot.streams) {
        Row r;
        r.snap = s;
        const int old = rowOf(s.id);
        if (old >= 0 && secs > 0) {
            r.framesInPerSec = double(s.framesIn - m_rows[old].snap.framesIn) / secs;
            r.bytesOutPerSec = double(s.bytesOut - m_rows[old].snap.bytesOut) / secs;
        }
        QList<int> h = m_history.value(s.id);
        h.append(s.listeners);
        if (h.size() > 60)
            h.removeFirst();
        r.history = h;
        history.insert(s.id, h);
        rows.append(r);
    }
    const bool sameShape = rows.size() == m_rows.size()
        && std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(),
                      [](const Row &a, const Row &b) { return a.snap.id == b.snap.id; });
    if (sameShape) {
        m_rows = rows;
        m_history = history;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    m_history = history;
    endResetModel();
}

QString StreamsModel::streamAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].snap.id : QString();
}

int StreamsModel::rowOf(const QString &stream) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].snap.id == stream)
            return i;
    }
    return -1;
}

} // namespace onair
