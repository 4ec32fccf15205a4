#pragma once

#include "enginehost.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>

namespace onair {

// Live streams for the streams table, rebuilt from each engine snapshot (4 Hz). Rates are
// the difference between two snapshots.
class StreamsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Stream, Speaker, Listeners, Hearing, Delay, FramesIn, BytesOut, Drops, LatencyP99, History, ColumnCount };
    explicit StreamsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void update(const EngineSnapshot &snapshot);
    QString streamAt(int row) const;
    int rowOf(const QString &stream) const;
    // "48 hear you · 2 buffering · 1 tap-to-play" (empty without listeners).
    static QString hearingText(const HearingCounts &h);
    // The warnings raised now, one line each ("main: on air, but nobody has heard it for 10 s").
    QStringList warnings() const;

private:
    struct Row
    {
        StreamSnapshot snap;
        StreamWatchStatus watch;
        double framesInPerSec = 0;
        double bytesOutPerSec = 0;
        QList<int> history; // listener counts, newest last
    };
    QList<Row> m_rows;
    QHash<QString, QList<int>> m_history;
    QElapsedTimer m_clock;
    qint64 m_lastMs = 0;
};

} // namespace onair
