#pragma once

#include <QObject>
#include <QTimer>

class QTableView;

namespace onair {

// Keeps a table's columns within its width, so it never scrolls sideways: each column gets
// what its header and its visible cells ask for; when the table is narrower than that, the
// widest columns give way first (their text elides, a tooltip has it whole); what is left over
// goes to the stretch column. Headers stay whole while they fit (the style sheet's headers clip, not elide). Columns a model adds later are fitted the same way.
class ColumnFit final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ColumnFit)
public:
    ColumnFit(QTableView *view, int stretchColumn);
    // A column whose end says the most (a sparkline, newest last) elides at its start.
    void keepEnd(int column);
    // Columns that may go (hidden, in this order) while the others do not fit whole.
    void dropWhenNarrow(const QList<int> &columns);

    // The widths for `wanted` (each column's need, 0 for a hidden one) in `room` pixels, none
    // narrower than `minimum`, nor than its floor (its header) while the floors fit: pure, for tests.
    static QList<int> fit(QList<int> wanted, int room, int stretchColumn, int minimum, const QList<int> &floors = {});

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refit();

    QTableView *m_view;
    QObject *m_viewport = nullptr; // compared, never called: it may outlive the table's own part
    int m_stretch;
    QList<int> m_droppable;
    QTimer m_later; // many changes in one event loop turn: one fit
};

} // namespace onair
