#pragma once

#include <QElapsedTimer>
#include <QWidget>

namespace onair {

// An input level meter: RMS bar, peak line with a 1.5 s hold, dBFS scale from -60 to 0.
class LevelMeter final : public QWidget
{
    Q_OBJECT
public:
    explicit LevelMeter(QWidget *parent = nullptr);
    void setLevel(double peakDb, double rmsDb);
    double peakDb() const { return m_peak; }
    double rmsDb() const { return m_rms; }
    QSize sizeHint() const override { return {320, 28}; }

protected:
    void paintEvent(QPaintEvent *) override;

private:
    double m_peak = -120, m_rms = -120, m_hold = -120;
    QElapsedTimer m_holdAge;
};

} // namespace onair
