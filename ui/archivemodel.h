#pragma once

#include "recording/recordinginfo.h"

#include <QAbstractTableModel>

namespace onair {

// The archive's recordings (Recordings::list, newest first): stream, start (this computer's
// clock), duration, size, state and why it ended when it did not simply finish.
class ArchiveModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Stream, Start, Duration, Size, State, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // Rows kept where they are when only their figures changed (a running recording grows).
    void setRecordings(const QList<RecordingInfo> &recordings);
    RecordingInfo recordingAt(int row) const { return m_rows.value(row); }
    int rowOf(const QString &id) const;

    static QString durationText(qint64 ms); // "01:23", "1:02:03"
    static QString sizeText(qint64 bytes);  // "1.2 MB"
    static QString stateText(const RecordingInfo &r);

private:
    QList<RecordingInfo> m_rows;
};

} // namespace onair
