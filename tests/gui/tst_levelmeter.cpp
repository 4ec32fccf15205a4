// The level meter (issue 19): at every width from 120 to 1920 px and at small and large fonts,
// no two of its texts overlap (the peak readout beside the bar, never on the ticks' numbers);
// and through the real control room, a clipping WAV file lights the "CLIP" box, with its word,
// for 2 s, while the voice processing (--voice-processing all) keeps what goes on air at or
// under -1 dBFS and the meter shows the gain reduction.
#include "audiolevel.h"
#include "enginehost.h"
#include "levelmeter.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "speakcontroller.h"
#include "testsupport.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QPushButton>
#include <QImage>
#include <QSettings>
#include <QTest>
#include <QtEndian>

#include <cmath>
#include <numbers>

using namespace onair;
using namespace onair::test;

namespace {

QByteArray wavBytes(const QByteArray &pcm, quint32 rate)
{
    auto le32 = [](quint32 v) { QByteArray b(4, 0); qToLittleEndian(v, b.data()); return b; };
    auto le16 = [](quint16 v) { QByteArray b(2, 0); qToLittleEndian(v, b.data()); return b; };
    QByteArray wav = "RIFF" + le32(quint32(36 + pcm.size())) + "WAVEfmt ";
    wav += le32(16) + le16(1) + le16(1) + le32(rate) + le32(rate * 2) + le16(2) + le16(16);
    wav += "data" + le32(quint32(pcm.size())) + pcm;
    return wav;
}

// Pixels of `image` inside `r` (device-independent) that are clearly red, and clearly white.
void countColours(const QImage &image, const QRectF &r, int *red, int *white)
{
    *red = *white = 0;
    const qreal dpr = image.devicePixelRatio();
    for (int y = int(r.top() * dpr); y < int(r.bottom() * dpr); ++y) {
        for (int x = int(r.left() * dpr); x < int(r.right() * dpr); ++x) {
            const QColor c = image.pixelColor(x, y);
            *red += c.red() > 180 && c.green() < 80 && c.blue() < 100;
            *white += c.red() > 200 && c.green() > 200 && c.blue() > 200;
        }
    }
}

} // namespace

class TestLevelMeter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void labelsNeverOverlap_data();
    void labelsNeverOverlap();
    void clipAndGainReductionFromClippingFile();
    void settingsSwitchesSavedAndAppliedOnAir();
};

void TestLevelMeter::labelsNeverOverlap_data()
{
    QTest::addColumn<qreal>("pointSize");
    QTest::addRow("7 pt") << 7.0;
    QTest::addRow("10 pt") << 10.0;
    QTest::addRow("16 pt") << 16.0;
}

void TestLevelMeter::labelsNeverOverlap()
{
    QFETCH(qreal, pointSize);
    LevelMeter meter;
    QFont f = meter.font();
    f.setPointSizeF(pointSize);
    meter.setFont(f);
    meter.setLevel(-10, -20);
    meter.setDynamics(6, true);
    const int height = meter.sizeHint().height();
    int fewestTicks = 5, mostTicks = 0;
    for (int width = 120; width <= 1920; ++width) {
        const QRectF all(0, 0, width, height);
        const LevelMeter::Layout l = meter.layoutFor(QSize(width, height));
        const QList<QRectF> labels = l.labels();
        QVERIFY2(all.contains(l.bar) && l.bar.width() >= 30, qPrintable(QString::number(width)));
        for (qsizetype i = 0; i < labels.size(); ++i) {
            QVERIFY2(all.contains(labels[i]), qPrintable(QStringLiteral("outside at %1 px").arg(width)));
            QVERIFY2(!labels[i].intersects(l.bar), qPrintable(QStringLiteral("a text on the bar at %1 px").arg(width)));
            for (qsizetype j = i + 1; j < labels.size(); ++j)
                QVERIFY2(!labels[i].intersects(labels[j]), qPrintable(QStringLiteral("overlap at %1 px").arg(width)));
        }
        QVERIFY2(!l.clip.isEmpty(), "the CLIP box was left out"); // it has room at every width
        fewestTicks = std::min(fewestTicks, int(l.tickLabels.size()));
        mostTicks = std::max(mostTicks, int(l.tickLabels.size()));
        if (width >= 480)
            QVERIFY2(!l.value.isEmpty() && !l.gainReduction.isEmpty(), qPrintable(QString::number(width)));
        if (width % 200 == 0) { // and it paints there
            meter.resize(width, height);
            QVERIFY(!meter.grab().isNull());
        }
    }
    qInfo("%.0f pt: tick numbers shown %d at 120 px ... %d at 1920 px", pointSize, fewestTicks, mostTicks);
    QCOMPARE(mostTicks, 5);
    QVERIFY(!meter.accessibleName().isEmpty());
    QVERIFY(meter.accessibleDescription().contains(QLatin1String("dBFS")));
}

void TestLevelMeter::clipAndGainReductionFromClippingFile()
{
    QTemporaryDir dir;
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toUtf8());
    // A 440 Hz tone driven 6 dB past full scale: flat-topped, clipped.
    QByteArray pcm(48000 * 2, Qt::Uninitialized);
    for (int i = 0; i < 48000; ++i) {
        const double v = 2 * 32768 * std::sin(2 * std::numbers::pi * 440 * i / 48000.0);
        qToLittleEndian(qint16(std::clamp(v, -32768.0, 32767.0)), pcm.data() + 2 * i);
    }
    const QString path = dir.filePath(QStringLiteral("clipped.wav"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(wavBytes(pcm, 48000));
    file.close();

    EngineConfig c = testConfig();
    c.dataDir = dir.filePath(QStringLiteral("data"));
    LogModel log;
    EngineHost host(c);
    QString error;
    QVERIFY2(host.start(&error), qPrintable(error));
    MainWindow window(&host, &log);
    window.show();
    AudioEncoding pcmEncoding;
    pcmEncoding.codec = QStringLiteral("pcm"); // the listener gets the samples as sent
    window.speaker()->setEncoding(pcmEncoding);
    LevelMeter *meter = window.levelMeter();
    const QUrl listen(QStringLiteral("ws://127.0.0.1:%1/ws/listen/clip").arg(host.engine()->port()));

    // A file is not processed by default: full scale goes on air, and CLIP lights up, with its word.
    WsClient plain;
    QVERIFY(plain.openAndWaitConnected(listen));
    window.setSource(QStringLiteral("file:") + path);
    window.goOnAir(QStringLiteral("clip"));
    QVERIFY(plain.waitBinary(10));
    QVERIFY(measureS16(plain.binary.at(5)).peakDb > -0.1);
    QTRY_VERIFY(meter->clipShown());
    QVERIFY(!meter->clipText().isEmpty());
    const QImage shot = meter->grab().toImage();
    int red = 0, white = 0;
    countColours(shot, meter->layoutFor(meter->size()).clip, &red, &white);
    QVERIFY2(red > 50 && white > 5, qPrintable(QStringLiteral("red %1, white %2").arg(red).arg(white)));
    window.goOffAir();
    QTRY_VERIFY_WITH_TIMEOUT(!meter->clipShown(), 3000); // dark again 2 s later
    countColours(meter->grab().toImage(), meter->layoutFor(meter->size()).clip, &red, &white);
    QCOMPARE(red, 0); // (the window's background shows through the dark box)

    // With the processing on for every source: at most -1 dBFS on air, gain reduction shown.
    window.speaker()->setVoiceMode(VoiceMode::All);
    WsClient processed;
    QVERIFY(processed.openAndWaitConnected(listen));
    window.goOnAir(QStringLiteral("clip"));
    QVERIFY(processed.waitBinary(50));
    double loudest = -120;
    for (const QByteArray &f : std::as_const(processed.binary))
        loudest = std::max(loudest, measureS16(f).peakDb);
    qInfo("processed clipping file on air: loudest frame %.2f dBFS, meter peak %.2f dBFS, GR %.1f dB", loudest,
          meter->peakDb(), meter->gainReductionDb());
    QVERIFY(loudest <= -1.0);
    QTRY_VERIFY(meter->clipShown());
    QTRY_VERIFY(meter->gainReductionDb() >= 1);
    QVERIFY(meter->peakDb() <= -1.0);
    window.goOffAir();
}

// Settings > Audio: four switches, on by default, saved; switching the limiters on while on air
// brings what goes out under -1 dBFS at once.
void TestLevelMeter::settingsSwitchesSavedAndAppliedOnAir()
{
    QTemporaryDir dir;
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toUtf8());
    EngineConfig c = testConfig();
    c.dataDir = dir.filePath(QStringLiteral("data"));
    LogModel log;
    EngineHost host(c);
    QString error;
    QVERIFY2(host.start(&error), qPrintable(error));
    {
        SettingsDialog dialog(&host);
        QHash<QString, QCheckBox *> boxes;
        for (QCheckBox *b : dialog.findChildren<QCheckBox *>())
            boxes.insert(b->text(), b);
        const QStringList names{QStringLiteral("High-pass filter"), QStringLiteral("Noise suppression"),
                                QStringLiteral("Automatic gain"), QStringLiteral("Limiter")};
        for (const QString &name : names) {
            QVERIFY2(boxes.value(name), qPrintable(name));
            QVERIFY2(boxes.value(name)->isChecked(), qPrintable(name)); // on by default
        }
        boxes.value(names[1])->setChecked(false);
        boxes.value(names[3])->setChecked(false);
        dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->click();
    }
    QVERIFY(loadVoiceOptions() == (VoiceOptions{true, false, true, false}));

    // A full-scale tone, processed (mode all) without the limiter: it reaches full scale on air.
    QByteArray pcm(48000 * 2, Qt::Uninitialized);
    for (int i = 0; i < 48000; ++i)
        qToLittleEndian(qint16(std::lround(32767 * std::sin(2 * std::numbers::pi * 440 * i / 48000.0))), pcm.data() + 2 * i);
    const QString path = dir.filePath(QStringLiteral("loud.wav"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(wavBytes(pcm, 48000));
    file.close();
    MainWindow window(&host, &log);
    window.show();
    AudioEncoding pcmEncoding;
    pcmEncoding.codec = QStringLiteral("pcm");
    window.speaker()->setEncoding(pcmEncoding);
    window.speaker()->setVoiceMode(VoiceMode::All);
    WsClient l;
    QVERIFY(l.openAndWaitConnected(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/listen/loud").arg(host.engine()->port()))));
    window.setSource(QStringLiteral("file:") + path);
    window.goOnAir(QStringLiteral("loud"));
    QVERIFY(l.waitBinary(25));
    double loudest = -120;
    for (const QByteArray &f : std::as_const(l.binary))
        loudest = std::max(loudest, measureS16(f).peakDb);
    QVERIFY2(loudest > -1.0, qPrintable(QString::number(loudest)));
    window.speaker()->setVoiceOptions(VoiceOptions()); // all on, while on air
    const qsizetype from = l.binary.size() + 3;         // a few frames may be under way
    QVERIFY(l.waitBinary(int(from) + 25));
    loudest = -120;
    for (qsizetype i = from; i < l.binary.size(); ++i)
        loudest = std::max(loudest, measureS16(l.binary.at(i)).peakDb);
    qInfo("limiter switched on while on air: loudest frame after it %.2f dBFS", loudest);
    QVERIFY(loudest <= -1.0);
    window.goOffAir();
    saveVoiceOptions(VoiceOptions());
}

QTEST_MAIN(TestLevelMeter)
#include "tst_levelmeter.moc"
