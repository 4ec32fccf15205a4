#include "levelmeter.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

namespace onair {

namespace {

constexpr int kTicks[] = {-48, -36, -24, -12, -6};
constexpr double kGap = 6;       // between the bar, the readouts and the CLIP box
constexpr double kMinBar = 60;   // narrower than this, the readouts give way to the bar
constexpr double kMinClipBar = 30; // and the CLIP box only below this
constexpr double kLabelGap = 4;  // between two tick numbers
constexpr int kClipHoldMs = 2000;

QFont boldOf(QFont f)
{
    f.setBold(true);
    return f;
}

} // namespace

QList<QRectF> LevelMeter::Layout::labels() const
{
    QList<QRectF> all = tickLabels;
    for (const QRectF &r : {value, gainReduction, clip}) {
        if (!r.isEmpty())
            all.append(r);
    }
    return all;
}

LevelMeter::LevelMeter(QWidget *parent) : QWidget(parent)
{
    setAccessibleName(tr("Level on air"));
    setMinimumHeight(minimumSizeHint().height());
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_holdAge.start();
    m_clipOff.setSingleShot(true);
    m_clipOff.setInterval(kClipHoldMs + 50);
    connect(&m_clipOff, &QTimer::timeout, this, [this] {
        describe();
        update();
    });
    describe();
}

QFont LevelMeter::smallFont() const
{
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    return f;
}

QSize LevelMeter::sizeHint() const { return {360, minimumSizeHint().height()}; }

QSize LevelMeter::minimumSizeHint() const
{
    // Two rows of small text: the bar over the ticks' numbers, the peak over the gain reduction.
    return {120, int(std::ceil(2 * QFontMetricsF(boldOf(smallFont())).height())) + 6};
}

void LevelMeter::setLevel(double peakDb, double rmsDb)
{
    m_peak = peakDb;
    m_rms = rmsDb;
    if (peakDb >= m_hold || m_holdAge.elapsed() > 1500) {
        m_hold = peakDb;
        m_holdAge.restart();
    }
    describe();
    update();
}

void LevelMeter::setDynamics(double gainReductionDb, bool inputClipped)
{
    m_gainReduction = std::max(0.0, gainReductionDb);
    if (inputClipped) {
        const bool wasShown = clipShown();
        m_clipAge.start();
        m_clipOff.start();
        if (!wasShown)
            m_describedAt.invalidate(); // say it at once
    }
    describe();
    update();
}

bool LevelMeter::clipShown() const { return m_clipAge.isValid() && m_clipAge.elapsed() < kClipHoldMs; }

QString LevelMeter::valueText() const
{
    return m_peak <= -119 ? tr("silence") : tr("%1 dBFS").arg(m_peak, 0, 'f', 1);
}

QString LevelMeter::gainReductionText() const
{
    // "GR -6 dB": the level taken off, as on a compressor.
    return tr("GR %1 dB").arg(m_gainReduction >= 0.5 ? -m_gainReduction : 0.0, 0, 'f', 0);
}

// The tooltip at once; the accessible description at most twice a second (screen readers).
void LevelMeter::describe()
{
    const QString text = tr("Level on air (after voice processing): peak %1 dBFS, RMS %2 dBFS, gain reduction %3 dB%4")
                             .arg(m_peak, 0, 'f', 1)
                             .arg(m_rms, 0, 'f', 1)
                             .arg(m_gainReduction, 0, 'f', 1)
                             .arg(clipShown() ? tr("; the input clipped") : QString());
    setToolTip(text);
    if (!m_describedAt.isValid() || m_describedAt.elapsed() >= 500) {
        setAccessibleDescription(text);
        m_describedAt.start();
    }
}

LevelMeter::Layout LevelMeter::layoutFor(const QSize &size) const
{
    Layout l;
    const QFontMetricsF small(smallFont()), bold(boldOf(smallFont()));
    const QRectF r = QRectF(QPointF(0, 0), QSizeF(size)).adjusted(1, 1, -1, -1);
    const bool twoRows = r.height() >= 2 * bold.height();
    double right = r.right();
    // The CLIP box is kept even when dark, so that nothing moves when it lights up.
    const double clipW = bold.horizontalAdvance(clipText()) + 8;
    if (r.width() >= clipW + kGap + kMinClipBar) {
        l.clip = QRectF(right - clipW, r.top(), clipW, r.height());
        right -= clipW + kGap;
    }
    // The readouts' column is as wide as their widest possible text.
    const double valueW = std::max({bold.horizontalAdvance(tr("%1 dBFS").arg(-119.9, 0, 'f', 1)),
                                    bold.horizontalAdvance(tr("silence"))}) + 2;
    const double grW = small.horizontalAdvance(tr("GR %1 dB").arg(-99.0, 0, 'f', 0)) + 2;
    const double readW = twoRows ? std::max(valueW, grW) : valueW + kGap + grW;
    if (right - r.left() >= readW + kGap + kMinBar) {
        const double x = right - readW;
        if (twoRows) {
            l.value = QRectF(x, r.top(), readW, r.height() - bold.height());
            l.gainReduction = QRectF(x, l.value.bottom(), readW, bold.height());
        } else {
            l.value = QRectF(x, r.top(), valueW, r.height());
            l.gainReduction = QRectF(x + valueW + kGap, r.top(), grW, r.height());
        }
        right = x - kGap;
    }
    l.bar = QRectF(r.left(), r.top(), right - r.left(), twoRows ? r.height() - bold.height() : r.height());
    if (!twoRows)
        return l;
    // The ticks' numbers under the bar, centred on their ticks, left out where they would touch.
    double taken = l.bar.left() - kLabelGap;
    for (int db : kTicks) {
        const double w = small.horizontalAdvance(QString::number(db));
        if (w > l.bar.width())
            break;
        const double cx = l.bar.left() + l.bar.width() * (db + 60.0) / 60.0;
        const QRectF label(std::clamp(cx - w / 2, l.bar.left(), l.bar.right() - w), l.bar.bottom(), w, bold.height());
        if (label.left() < taken + kLabelGap || label.right() > l.bar.right())
            continue;
        l.tickDb.append(db);
        l.tickLabels.append(label);
        taken = label.right();
    }
    return l;
}

void LevelMeter::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const Layout l = layoutFor(size());
    const QRectF &b = l.bar;
    p.fillRect(b, QColor(0x16, 0x1a, 0x1f));
    auto x = [&b](double db) { return b.left() + b.width() * (qBound(-60.0, db, 0.0) + 60.0) / 60.0; };
    QLinearGradient g(b.topLeft(), b.topRight());
    g.setColorAt(0.0, QColor(0x2e, 0xcc, 0x71));
    g.setColorAt(0.75, QColor(0xf1, 0xc4, 0x0f));
    g.setColorAt(1.0, QColor(0xe7, 0x4c, 0x3c));
    p.fillRect(QRectF(b.left(), b.top(), x(m_rms) - b.left(), b.height()), g);
    p.setPen(QPen(QColor(0xff, 0xff, 0xff), 2));
    p.drawLine(QPointF(x(m_hold), b.top()), QPointF(x(m_hold), b.bottom()));
    p.setPen(QColor(0x9a, 0xa4, 0xae));
    for (int db : kTicks)
        p.drawLine(QPointF(x(db), b.bottom() - 4), QPointF(x(db), b.bottom()));
    paintTexts(p, l);
}

void LevelMeter::paintTexts(QPainter &p, const Layout &l)
{
    p.setFont(smallFont());
    for (qsizetype i = 0; i < l.tickLabels.size(); ++i)
        p.drawText(l.tickLabels.at(i), Qt::AlignCenter, QString::number(l.tickDb.at(i)));
    if (!l.gainReduction.isEmpty()) {
        p.setPen(m_gainReduction >= 0.5 ? QColor(0xf1, 0xc4, 0x0f) : QColor(0x9a, 0xa4, 0xae));
        p.drawText(l.gainReduction, Qt::AlignRight | Qt::AlignVCenter, gainReductionText());
    }
    p.setFont(boldOf(smallFont()));
    if (!l.value.isEmpty()) {
        p.setPen(QColor(0xe6, 0xe6, 0xe6));
        p.drawText(l.value, Qt::AlignRight | Qt::AlignVCenter, valueText());
    }
    if (l.clip.isEmpty())
        return;
    if (clipShown()) { // the word itself says it, not only the colour
        p.fillRect(l.clip, QColor(0xd7, 0x26, 0x3d));
        p.setPen(Qt::white);
        p.drawText(l.clip, Qt::AlignCenter, clipText());
    } else {
        p.setPen(QColor(0x3a, 0x42, 0x4c));
        p.drawRect(l.clip.adjusted(0.5, 0.5, -0.5, -0.5));
    }
}

} // namespace onair
