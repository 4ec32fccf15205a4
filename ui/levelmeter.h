#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QRectF>
#include <QTimer>
#include <QWidget>

class QPainter;

namespace onair {

// The level meter of what goes on air (after the voice processing): an RMS bar with a peak line
// held 1.5 s over a dBFS scale from -60 to 0; beside it, never over it, the peak in dBFS and the
// gain reduction of the processing; at the right end a "CLIP" box that lights up, with its text,
// for 2 s after the input reached full scale. Whatever does not fit is left out (the ticks'
// numbers first, then the readouts); the tooltip and accessible description always say it all.
class LevelMeter final : public QWidget
{
    Q_OBJECT
public:
    // Where everything goes at a size: empty rects for what was left out.
    struct Layout
    {
        QRectF bar;                // the bar itself (upper row)
        QList<int> tickDb;         // ticks whose numbers are shown,
        QList<QRectF> tickLabels;  // with their numbers' rects (lower row, under the bar)
        QRectF value;              // "-10.0 dBFS"
        QRectF gainReduction;      // "GR -6 dB"
        QRectF clip;               // "CLIP"
        QList<QRectF> labels() const; // every text rect that is shown
    };

    explicit LevelMeter(QWidget *parent = nullptr);
    void setLevel(double peakDb, double rmsDb);
    // The processing's gain reduction (dB, >= 0) and whether the input clipped since the last call.
    void setDynamics(double gainReductionDb, bool inputClipped);
    double peakDb() const { return m_peak; }
    double rmsDb() const { return m_rms; }
    double gainReductionDb() const { return m_gainReduction; }
    bool clipShown() const;
    QString clipText() const { return tr("CLIP"); }
    Layout layoutFor(const QSize &size) const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *) override;

private:
    QFont smallFont() const;
    QString valueText() const;
    QString gainReductionText() const;
    void describe();
    void paintTexts(QPainter &p, const Layout &l);

    double m_peak = -120, m_rms = -120, m_hold = -120, m_gainReduction = 0;
    QElapsedTimer m_holdAge;
    QElapsedTimer m_clipAge;
    QTimer m_clipOff;
    QElapsedTimer m_describedAt;
};

} // namespace onair
