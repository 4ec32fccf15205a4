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
        case Hearing: return tr("What the listeners' pages report playing; players such as VLC count as hearing while they read.");
        case Delay: return tr("Mouth-to-ear delay the playing listeners report: median / worst");
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
    case Hearing: return tr("Hearing");
    case Delay: return tr("Delay");
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
            // A language channel: a person (as any speaker), else its fallback, by name.
            if (r.snap.speakerLive && parseTranslatedStreamId(r.snap.id, &base, &lang) && r.snap.source != QLatin1String("human")) {
                if (r.snap.source == QLatin1String("original"))
                    return tr("original audio (from %1)").arg(base);
                if (r.snap.source == QLatin1String("silence"))
                    return tr("silence");
                return tr("interpreter (from %1)").arg(base); // this machine's live interpretation
            }
            if (r.snap.speakerLive && r.snap.speakerAddress == QLatin1String("local microphone"))
                return tr("this computer"); // the engine's name for the control room's own speaker
            return r.snap.speakerLive ? r.snap.speakerAddress : tr("none");
        }
        case Listeners: return r.snap.listeners;
        case Hearing: {
            const QString text = hearingText(r.watch.hearing);
            return r.watch.unheard || r.watch.silent ? QStringLiteral("⚠ ") + (text.isEmpty() ? tr("nobody") : text) : text;
        }
        case Delay: {
            const int median = r.watch.hearing.medianDelayMs(), worst = r.watch.hearing.worstDelayMs();
            return median < 0 ? QStringLiteral("–") : tr("%1 / %2 ms").arg(median).arg(worst);
        }
        case FramesIn: return QString::number(r.framesInPerSec, 'f', 0);
        case BytesOut: return QString(loc.formattedDataSize(qint64(r.bytesOutPerSec)) + tr("/s"));
        case Drops: return r.snap.drops;
        case LatencyP99: return r.snap.fanoutP99Ms > 0 ? tr("≤ %1 ms").arg(r.snap.fanoutP99Ms) : QStringLiteral("–");
        case History: return sparkline(r.history);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Speaker)
        return r.snap.speakerLive ? QBrush(QColor(0xff, 0x55, 0x55)) : QBrush(QColor(0x80, 0x88, 0x90));
    if (role == Qt::ForegroundRole && index.column() == Hearing && (r.watch.unheard || r.watch.silent))
        return QBrush(QColor(0xf0, 0xa0, 0x30));
    if (role == Qt::ToolTipRole && index.column() == Hearing)
        return tr("What the listeners' pages report playing; players such as VLC count as hearing while they read.");
    if (role == Qt::ForegroundRole && index.column() == Drops && r.snap.drops > 0)
        return QBrush(QColor(0xf0, 0xa0, 0x30));
    if (role == Qt::TextAlignmentRole && index.column() >= Listeners && index.column() <= LatencyP99 && index.column() != Hearing)
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
    QHash<QString, StreamWatchStatus> watch;
    for (const StreamWatchStatus &w : snapshot.watch)
        watch.insert(w.stream, w);
    for (const StreamSnapshot &s : snapshot.streams) {
        Row r;
        r.snap = s;
        r.watch.stream = s.id;
        r.watch.hearing = s.hearing;
        r.watch = watch.value(s.id, r.watch);
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

QString StreamsModel::hearingText(const HearingCounts &h)
{
    QStringList parts;
    const int playing = h.count(HearingState::Playing);
    if (playing > 0 || h.total() > 0)
        parts.append(playing == 1 ? tr("1 hears you") : tr("%1 hear you").arg(playing));
    if (const int n = h.count(HearingState::Buffering))
        parts.append(tr("%1 buffering").arg(n));
    if (const int n = h.count(HearingState::Blocked))
        parts.append(tr("%1 tap-to-play").arg(n));
    if (const int n = h.count(HearingState::Reconnecting))
        parts.append(tr("%1 reconnecting").arg(n));
    if (const int n = h.count(HearingState::Unknown))
        parts.append(tr("%1 not reporting").arg(n));
    return parts.join(QStringLiteral(" · "));
}

QStringList StreamsModel::warnings() const
{
    QStringList out;
    for (const Row &r : m_rows) {
        if (r.watch.unheard)
            out.append(tr("%1: on air, but nobody has heard it for %2 s").arg(r.snap.id).arg(r.watch.unheardMs / 1000));
        if (r.watch.silent)
            out.append(tr("%1: on air, but the input has been silent for %2 s").arg(r.snap.id).arg(r.watch.silentMs / 1000));
    }
    return out;
}

} // namespace onair
