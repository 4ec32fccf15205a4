#include "columnfit.h"

#include <QAbstractItemModel>
#include <QEvent>
#include <QHelpEvent>
#include <QHeaderView>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolTip>

#include <algorithm>
#include <numeric>

namespace onair {

namespace {
class StartEliding final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = Qt::ElideLeft;
    }
};
} // namespace

ColumnFit::ColumnFit(QTableView *view, int stretchColumn) : QObject(view), m_view(view), m_stretch(stretchColumn)
{
    QHeaderView *header = view->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Fixed);
    header->setMinimumSectionSize(32);
    header->setTextElideMode(Qt::ElideRight);
    view->setTextElideMode(Qt::ElideRight);
    view->setWordWrap(false);
    m_later.setSingleShot(true);
    m_later.setInterval(0);
    connect(&m_later, &QTimer::timeout, this, &ColumnFit::refit);
    m_viewport = view->viewport();
    m_viewport->installEventFilter(this);
    QAbstractItemModel *model = view->model();
    auto schedule = [this] { m_later.start(); };
    connect(model, &QAbstractItemModel::modelReset, this, schedule);
    connect(model, &QAbstractItemModel::rowsInserted, this, schedule);
    connect(model, &QAbstractItemModel::rowsRemoved, this, schedule);
    connect(model, &QAbstractItemModel::columnsInserted, this, schedule);
    connect(model, &QAbstractItemModel::dataChanged, this, schedule);
    connect(model, &QAbstractItemModel::headerDataChanged, this, schedule);
    m_later.start();
}

void ColumnFit::dropWhenNarrow(const QList<int> &columns)
{
    m_droppable = columns;
    m_later.start();
}

void ColumnFit::keepEnd(int column)
{
    m_view->setItemDelegateForColumn(column, new StartEliding(m_view));
}

bool ColumnFit::eventFilter(QObject *watched, QEvent *event)
{
    // While the table is being destroyed its viewport still gets events, and the table is no
    // longer a QTableView (calling into it then is undefined): the filter steps aside.
    if (watched != m_viewport || !qobject_cast<QTableView *>(static_cast<QObject *>(m_view)))
        return QObject::eventFilter(watched, event);
    if (event->type() == QEvent::Resize || event->type() == QEvent::Show)
        refit(); // at once: no frame drawn with the old widths
    if (event->type() == QEvent::ToolTip) {
        // A cell cut short says the whole of it (when the model has no tooltip of its own).
        const auto *help = static_cast<QHelpEvent *>(event);
        const QModelIndex index = m_view->indexAt(help->pos());
        const auto *view = static_cast<const QAbstractItemView *>(m_view);
        if (index.isValid() && !index.data(Qt::ToolTipRole).isValid()
            && m_view->visualRect(index).width() < view->sizeHintForIndex(index).width()) {
            QToolTip::showText(help->globalPos(), index.data(Qt::DisplayRole).toString(), m_view->viewport(),
                               m_view->visualRect(index));
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

QList<int> ColumnFit::fit(QList<int> wanted, int room, int stretchColumn, int minimum, const QList<int> &floors)
{
    for (int &w : wanted)
        w = w > 0 ? qMax(w, minimum) : 0;
    // A column gives way down to its floor (its header's width) first; only when the floors
    // alone do not fit does everything give way.
    QList<int> floor(wanted.size(), minimum);
    for (qsizetype i = 0; i < wanted.size(); ++i)
        floor[i] = qMin(wanted[i], qMax(minimum, floors.value(i, minimum)));
    if (std::accumulate(floor.cbegin(), floor.cend(), 0) > room)
        floor = QList<int>(wanted.size(), minimum);
    auto capped = [&](int cap) {
        int sum = 0;
        for (qsizetype i = 0; i < wanted.size(); ++i)
            sum += wanted[i] ? qMax(qMin(wanted[i], floor[i]), qMin(wanted[i], cap)) : 0;
        return sum;
    };
    if (std::accumulate(wanted.cbegin(), wanted.cend(), 0) > room) {
        // The largest cap that fits: columns under it keep their width, the wider ones are cut to
        // it (not under their floor).
        int lo = minimum, hi = *std::max_element(wanted.cbegin(), wanted.cend());
        while (lo < hi) {
            const int mid = (lo + hi + 1) / 2;
            if (capped(mid) <= room)
                lo = mid;
            else
                hi = mid - 1;
        }
        for (qsizetype i = 0; i < wanted.size(); ++i)
            wanted[i] = wanted[i] ? qMax(qMin(wanted[i], floor[i]), qMin(wanted[i], lo)) : 0;
    }
    const int left = room - std::accumulate(wanted.cbegin(), wanted.cend(), 0);
    if (left > 0 && stretchColumn >= 0 && stretchColumn < wanted.size() && wanted[stretchColumn] > 0)
        wanted[stretchColumn] += left;
    return wanted;
}

void ColumnFit::refit()
{
    const QAbstractItemModel *model = m_view->model();
    QHeaderView *header = m_view->horizontalHeader();
    if (!model || !m_view->isVisible())
        return;
    QList<int> wanted, floors;
    const auto *view = static_cast<const QAbstractItemView *>(m_view); // sizeHintForColumn is public there
    for (int c = 0; c < model->columnCount(); ++c) {
        floors.append(header->sectionSizeHint(c));
        const bool hidden = header->isSectionHidden(c) && !m_droppable.contains(c);
        wanted.append(hidden ? 0 : qMax(view->sizeHintForColumn(c), floors.last()));
    }
    // Too narrow for every column whole: the droppable ones go, in order, until the rest fit.
    const int room = m_view->viewport()->width();
    for (int c : std::as_const(m_droppable)) {
        if (c >= wanted.size())
            continue;
        const bool drop = std::accumulate(wanted.cbegin(), wanted.cend(), 0) > room;
        if (drop)
            wanted[c] = 0;
        if (header->isSectionHidden(c) != drop)
            header->setSectionHidden(c, drop);
    }
    const QList<int> widths = fit(wanted, m_view->viewport()->width(), m_stretch, header->minimumSectionSize(), floors);
    for (int c = 0; c < widths.size(); ++c) {
        if (!header->isSectionHidden(c) && header->sectionSize(c) != widths[c])
            header->resizeSection(c, widths[c]);
    }
}

} // namespace onair
