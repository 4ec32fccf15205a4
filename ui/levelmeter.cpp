#include "levelmeter.h"

#include <QPainter>

namespace onair {

LevelMeter::LevelMeter(QWidget *parent) : QWidget(parent)
{
    setMinimumHeight(22);
    setAccessibleName(tr("Input level"));
    m_holdAge.start();
}

void LevelMeter::setLevel(double peakDb, double rmsDb)
{
    m_peak = peakDb;
    m_rms = rmsDb;
    if (peakDb >= m_hold || m_holdAge.elapsed() > 1500) {
        m_hold = peakDb;
        m_holdAge.restart();
    }
    setToolTip(tr("Peak %1 dBFS, RMS %2 dBFS").arg(m_peak, 0, 'f', 1).arg(m_rms, 0, 'f', 1));
    update();
}

void LevelMeter::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRectF r = rect().adjusted(1, 1, -1, -1);
    p.fillRect(r, QColor(0x16, 0x1a, 0x1f));
    auto x = [&r](double db) { return r.left() + r.width() * (qBound(-60.0, db, 0.0) + 60.0) / 60.0; };
    QLinearGradient g(r.topLeft(), r.topRight());
    g.setColorAt(0.0, QColor(0x2e, 0xcc, 0x71));
    g.setColorAt(0.75, QColor(0xf1, 0xc4, 0x0f));
    g.setColorAt(1.0, QColor(0xe7, 0x4c, 0x3c));
    p.fillRect(QRectF(r.left(), r.top(), x(m_rms) - r.left(), r.height()), g);
    p.setPen(QPen(QColor(0xff, 0xff, 0xff), 2));
    p.drawLine(QPointF(x(m_hold), r.top()), QPointF(x(m_hold), r.bottom()));
    p.setPen(QColor(0x9a, 0xa4, 0xae));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.8);
    p.setFont(f);
    for (int db : {-48, -36, -24, -12, -6}) {
        p.drawLine(QPointF(x(db), r.bottom() - 4), QPointF(x(db), r.bottom()));
        p.drawText(QPointF(x(db) + 2, r.bottom() - 3), QString::number(db));
    }
    p.setPen(QColor(0xe6, 0xe6, 0xe6));
    p.drawText(r.adjusted(0, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter,
               m_peak <= -119 ? tr("silence") : tr("%1 dBFS").arg(m_peak, 0, 'f', 1));
}

} // namespace onair
