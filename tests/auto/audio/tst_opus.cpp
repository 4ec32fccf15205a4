// Opus round trips through libopus: encode -> packets -> decode keeps the signal.
#include "audio/opuscodec.h"

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace onair;

namespace {

QByteArray tone(double hz, int samples, double amplitude, int rate = 48000, double *phase = nullptr)
{
    QByteArray pcm(samples * 2, Qt::Uninitialized);
    auto *s = reinterpret_cast<qint16 *>(pcm.data());
    double p = phase ? *phase : 0;
    const double step = 2 * std::numbers::pi * hz / rate;
    for (int i = 0; i < samples; ++i) {
        s[i] = qint16(std::lround(std::sin(p) * amplitude * 32767));
        p += step;
    }
    if (phase)
        *phase = std::fmod(p, 2 * std::numbers::pi);
    return pcm;
}

double rms(const QByteArray &pcm, qsizetype fromSample = 0)
{
    const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
    const qsizetype n = pcm.size() / 2;
    double sum = 0;
    for (qsizetype i = fromSample; i < n; ++i)
        sum += double(s[i]) * s[i];
    return n > fromSample ? std::sqrt(sum / double(n - fromSample)) / 32768.0 : 0;
}

// Zero crossings per second of the signal after `fromSample`: 2 × its frequency for a tone.
double crossingsPerSecond(const QByteArray &pcm, qsizetype fromSample, int rate)
{
    const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
    const qsizetype n = pcm.size() / 2;
    int crossings = 0;
    for (qsizetype i = fromSample + 1; i < n; ++i)
        crossings += (s[i - 1] < 0) != (s[i] < 0);
    return crossings * double(rate) / double(n - fromSample);
}

} // namespace

class TestOpus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripKeepsEnergyAndPitch_data()
    {
        QTest::addColumn<double>("frameMs");
        QTest::addColumn<int>("bitrate");
        QTest::addColumn<double>("hz");
        QTest::newRow("20ms 32k 440Hz") << 20.0 << 32000 << 440.0;
        QTest::newRow("10ms 32k 440Hz") << 10.0 << 32000 << 440.0;
        QTest::newRow("20ms 24k 1kHz") << 20.0 << 24000 << 1000.0;
        QTest::newRow("20ms 64k 3kHz") << 20.0 << 64000 << 3000.0;
    }
    void roundTripKeepsEnergyAndPitch()
    {
        QFETCH(double, frameMs);
        QFETCH(int, bitrate);
        QFETCH(double, hz);
        OpusFrameEncoder enc;
        QString error;
        OpusSettings s;
        s.frameMs = frameMs;
        s.bitrate = bitrate;
        QVERIFY2(enc.open(s, &error), qPrintable(error));
        QCOMPARE(enc.frameSamples(), int(48000 * frameMs / 1000));
        QCOMPARE(enc.format().value(QStringLiteral("codec")).toString(), QStringLiteral("opus"));
        QCOMPARE(enc.format().value(QStringLiteral("bitrate")).toInt(), bitrate);

        const QByteArray input = tone(hz, 48000 * 2, 0.3); // two seconds at -10.5 dBFS
        QList<QByteArray> packets;
        // Feed in 7 ms pieces: the encoder buffers partial frames itself.
        for (qsizetype pos = 0; pos < input.size(); pos += 336 * 2)
            packets.append(enc.encode(input.mid(pos, 336 * 2)));
        QCOMPARE(packets.size(), int(2000 / frameMs));

        qint64 bytes = 0;
        for (const QByteArray &p : std::as_const(packets))
            bytes += p.size();
        const double kbps = bytes * 8 / 2.0 / 1000.0;
        QVERIFY2(kbps < bitrate / 1000.0 * 1.3, qPrintable(QStringLiteral("%1 kb/s").arg(kbps)));
        QVERIFY2(kbps > 4, qPrintable(QStringLiteral("%1 kb/s").arg(kbps)));

        OpusFrameDecoder dec;
        QVERIFY2(dec.open(48000, 1, &error), qPrintable(error));
        QByteArray output;
        for (const QByteArray &p : std::as_const(packets)) {
            const QByteArray pcm = dec.decode(p);
            QCOMPARE(pcm.size(), enc.frameSamples() * 2);
            output.append(pcm);
        }
        QCOMPARE(output.size(), input.size());
        QCOMPARE(dec.errors(), 0);
        // Skip the codec's start-up (look-ahead and the first frames): compare the steady part.
        const double inRms = rms(input, 4800);
        const double outRms = rms(output, 4800);
        const double db = 20 * std::log10(outRms / inRms);
        QVERIFY2(std::abs(db) < 1.5, qPrintable(QStringLiteral("energy changed by %1 dB").arg(db)));
        const double pitch = crossingsPerSecond(output, 4800, 48000) / 2;
        QVERIFY2(std::abs(pitch - hz) < hz * 0.02, qPrintable(QStringLiteral("pitch %1 Hz").arg(pitch)));
    }

    void decodesAtALowerRate()
    {
        OpusFrameEncoder enc;
        QString error;
        QVERIFY(enc.open(OpusSettings{}, &error));
        OpusFrameDecoder dec;
        QVERIFY(dec.open(24000, 1, &error));
        QByteArray out;
        for (const QByteArray &p : enc.encode(tone(440, 48000, 0.3)))
            out.append(dec.decode(p));
        QCOMPARE(out.size(), 24000 * 2); // one second at 24 kHz
        QVERIFY(std::abs(crossingsPerSecond(out, 2400, 24000) / 2 - 440) < 9);
        QVERIFY(rms(out, 2400) > 0.18);
    }

    void lostPacketIsRecoveredFromFec()
    {
        OpusFrameEncoder enc;
        QString error;
        OpusSettings s;
        s.expectedLossPercent = 20;
        QVERIFY(enc.open(s, &error));
        double phase = 0;
        QList<QByteArray> packets;
        for (int i = 0; i < 50; ++i)
            packets.append(enc.encode(tone(440, 960, 0.3, 48000, &phase)));
        QCOMPARE(packets.size(), 50);

        OpusFrameDecoder dec;
        QVERIFY(dec.open(48000, 1, &error));
        for (int i = 0; i < 30; ++i)
            dec.decode(packets.at(i));
        // Packet 30 is lost: rebuild it from packet 31, then decode 31 as usual.
        const QByteArray rebuilt = dec.recover(packets.at(31), 960);
        QCOMPARE(rebuilt.size(), 960 * 2);
        QVERIFY2(rms(rebuilt) > 0.1, qPrintable(QString::number(rms(rebuilt)))); // not silence
        QCOMPARE(dec.decode(packets.at(31)).size(), 960 * 2);
        // Without a next packet it conceals rather than failing.
        QCOMPARE(dec.recover(QByteArray(), 960).size(), 960 * 2);
    }

    void refusesBadSettingsAndPackets()
    {
        OpusFrameEncoder enc;
        QString error;
        OpusSettings s;
        s.frameMs = 15;
        QVERIFY(!enc.open(s, &error));
        QVERIFY(error.contains(QStringLiteral("ms")));
        s.frameMs = 20;
        s.bitrate = 1000;
        QVERIFY(!enc.open(s, &error));
        QVERIFY(!enc.isOpen());
        QVERIFY(enc.encode(tone(440, 960, 0.3)).isEmpty());

        OpusFrameDecoder dec;
        QVERIFY(!dec.open(44100, 1, &error)); // not an Opus rate
        QVERIFY(dec.open(48000, 1, &error));
        QVERIFY(dec.decode(QByteArray()).isEmpty());
        QVERIFY(dec.decode(QByteArray("\x03", 1)).isEmpty()); // code-3 packet without its count byte
        QCOMPARE(dec.errors(), 2);
    }
};

QTEST_GUILESS_MAIN(TestOpus)
#include "tst_opus.moc"
