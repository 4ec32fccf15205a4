// The microphone's speech processing (audio/voiceprocessor, WebRTC audio processing 0.3) on
// real speech: espeak-ng speaks a few sentences at test time, white or pink noise is added at
// 15 dB SNR with a fixed seed, and the result is measured in 20 ms windows: the noise floor
// (10th percentile of the windows' RMS: the pauses), the speech level (90th percentile) and the
// peak. Also: every option off is a bit-identical passthrough, each option on its own does its
// job, any chunk size gives the same audio (one frame later), and what it costs.
#include "audio/resample.h"
#include "audio/voiceprocessor.h"
#include "audio/wavfile.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <numeric>
#include <random>
#include <vector>

using namespace onair;

namespace {

constexpr int kRate = VoiceProcessor::kSampleRate;
constexpr int kWindow = kRate / 50; // 20 ms

using Samples = std::vector<double>; // in full-scale units (1.0 = 32768)

double toDb(double x) { return x <= 0 ? -120.0 : std::max(-120.0, 20 * std::log10(x)); }

QByteArray toPcm(const Samples &s)
{
    QByteArray pcm(qsizetype(s.size() * 2), Qt::Uninitialized);
    auto *p = reinterpret_cast<qint16 *>(pcm.data());
    for (size_t i = 0; i < s.size(); ++i) // saturating, as an overdriven microphone does
        p[i] = qint16(std::clamp(std::lround(s[i] * 32768.0), -32768L, 32767L));
    return pcm;
}

Samples fromPcm(const QByteArray &pcm)
{
    const auto *p = reinterpret_cast<const qint16 *>(pcm.constData());
    Samples s(size_t(pcm.size() / 2));
    for (size_t i = 0; i < s.size(); ++i)
        s[i] = p[i] / 32768.0;
    return s;
}

double rmsOf(const Samples &s, size_t from, size_t n)
{
    double sum = 0;
    for (size_t i = from; i < from + n; ++i)
        sum += s[i] * s[i];
    return std::sqrt(sum / double(n));
}

struct Figures
{
    double floorDb = 0;  // 10th percentile of the 20 ms windows' RMS
    double speechDb = 0; // 90th percentile
    double peakDb = 0;
};

// From `skip` samples on (the first seconds let the noise suppressor learn the noise).
Figures measure(const QByteArray &pcm, size_t skip = 0)
{
    const Samples s = fromPcm(pcm);
    std::vector<double> windows;
    for (size_t i = skip; i + kWindow <= s.size(); i += kWindow)
        windows.push_back(toDb(rmsOf(s, i, kWindow)));
    std::sort(windows.begin(), windows.end());
    double peak = 0;
    for (size_t i = skip; i < s.size(); ++i)
        peak = std::max(peak, std::abs(s[i]));
    return {windows[windows.size() / 10], windows[windows.size() * 9 / 10], toDb(peak)};
}

Samples noise(size_t n, double rmsDb, bool pink, unsigned seed)
{
    std::mt19937 gen(seed);
    std::normal_distribution<double> white(0.0, 1.0);
    Samples s(n);
    double b0 = 0, b1 = 0, b2 = 0; // Paul Kellet's economy pink filter
    for (double &v : s) {
        const double w = white(gen);
        if (!pink) {
            v = w;
            continue;
        }
        b0 = 0.99765 * b0 + w * 0.0990460;
        b1 = 0.96300 * b1 + w * 0.2965164;
        b2 = 0.57000 * b2 + w * 1.0526913;
        v = b0 + b1 + b2 + w * 0.1848;
    }
    const double scale = std::pow(10.0, rmsDb / 20) / rmsOf(s, 0, n);
    for (double &v : s)
        v *= scale;
    return s;
}

// Through a processor in chunks of `chunk` samples; the largest gain reduction and whether any
// block said its input clipped go to the optional outputs.
QByteArray run(VoiceProcessor &vp, const QByteArray &pcm, int chunk, double *maxGr = nullptr, int *clippedBlocks = nullptr,
               double *maxCeiling = nullptr)
{
    QByteArray out;
    out.reserve(pcm.size());
    for (qsizetype i = 0; i < pcm.size(); i += 2 * chunk) {
        VoiceBlockReport r;
        out += vp.process(pcm.mid(i, 2 * chunk), &r);
        if (maxGr)
            *maxGr = std::max(*maxGr, r.gainReductionDb);
        if (maxCeiling)
            *maxCeiling = std::max(*maxCeiling, r.ceilingDb);
        if (clippedBlocks && r.inputClipped)
            ++*clippedBlocks;
    }
    return out;
}

} // namespace

class TestVoiceProcessor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void noisySpeechGetsCleaner_data();
    void noisySpeechGetsCleaner();
    void clippedSpeechStaysUnderCeiling();
    void allOffIsBitIdentical();
    void anyChunkSizeSameAudioOneFrameLater();
    void eachOptionOnItsOwn_data();
    void eachOptionOnItsOwn();
    void optionsChangeMidStream();
    void delayAndCost();

private:
    QByteArray noisySpeech(bool pink, double gainDb = 0) const;
    Samples m_speech; // 48 kHz, speech at -24 dBFS (90th percentile), 2 s silence before, 1 s after
    size_t m_lead = 0;
};

void TestVoiceProcessor::initTestCase()
{
    ONAIR_SKIP_WITHOUT("espeak-ng");
    QTemporaryDir dir;
    const QString wavPath = dir.filePath(QStringLiteral("speech.wav"));
    QProcess espeak;
    espeak.start(QStringLiteral("espeak-ng"),
                 {QStringLiteral("-w"), wavPath,
                  QStringLiteral("Good morning, everyone. Welcome to the second session. "
                                 "Please take your seats, the speaker will begin in a moment. "
                                 "Questions can be sent from your phone at any time.")});
    QVERIFY(espeak.waitForFinished(30000));
    QCOMPARE(espeak.exitCode(), 0);
    WavAudio wav;
    QCOMPARE(readWavFile(wavPath, &wav), WavError::None);
    QString error;
    const QByteArray pcm = resampleMonoS16(monoS16(wav), wav.sampleRate, kRate, &error);
    QVERIFY2(!pcm.isEmpty(), qPrintable(error));
    const Samples speech = fromPcm(pcm);
    m_lead = 2 * kRate;
    m_speech.assign(m_lead, 0.0);
    m_speech.insert(m_speech.end(), speech.begin(), speech.end());
    m_speech.insert(m_speech.end(), size_t(kRate), 0.0);
    m_speech.resize(m_speech.size() / 960 * 960); // whole 20 ms chunks, as the desktop's sources give
    const double scale = std::pow(10.0, (-24 - measure(toPcm(m_speech)).speechDb) / 20);
    for (double &v : m_speech)
        v *= scale;
    qInfo("speech: %.1f s, level %.1f dBFS (90th percentile of 20 ms windows)", double(speech.size()) / kRate,
          measure(toPcm(m_speech)).speechDb);
}

// Speech with noise 15 dB below its level, `gainDb` louder (saturating: +20 dB clips).
QByteArray TestVoiceProcessor::noisySpeech(bool pink, double gainDb) const
{
    Samples s = noise(m_speech.size(), -24 - 15, pink, 19);
    const double gain = std::pow(10.0, gainDb / 20);
    for (size_t i = 0; i < s.size(); ++i)
        s[i] = (s[i] + m_speech[i]) * gain;
    return toPcm(s);
}

void TestVoiceProcessor::noisySpeechGetsCleaner_data()
{
    QTest::addColumn<bool>("pink");
    QTest::addRow("white noise, SNR 15 dB") << false;
    QTest::addRow("pink noise, SNR 15 dB") << true;
}

void TestVoiceProcessor::noisySpeechGetsCleaner()
{
    QFETCH(bool, pink);
    const QByteArray in = noisySpeech(pink);
    VoiceProcessor vp;
    QVERIFY2(vp.isValid(), qPrintable(vp.error()));
    int clipped = 0;
    const QByteArray out = run(vp, in, 960, nullptr, &clipped);
    QCOMPARE(out.size(), in.size());
    QVERIFY2(vp.error().isEmpty(), qPrintable(vp.error()));
    // Measured from 1 s on: the suppressor's first second is its learning time.
    const Figures before = measure(in, kRate), after = measure(out, kRate);
    qInfo("before: floor %.1f dBFS, speech %.1f dBFS, peak %.1f dBFS", before.floorDb, before.speechDb, before.peakDb);
    qInfo("after:  floor %.1f dBFS, speech %.1f dBFS, peak %.1f dBFS", after.floorDb, after.speechDb, after.peakDb);
    qInfo("noise floor %.1f dB lower; speech to floor %.1f dB -> %.1f dB", before.floorDb - after.floorDb,
          before.speechDb - before.floorDb, after.speechDb - after.floorDb);
    QCOMPARE(clipped, 0);
    QVERIFY2(after.floorDb <= before.floorDb - 6, "the noise floor did not drop by 6 dB");
    QVERIFY2(after.speechDb - after.floorDb >= before.speechDb - before.floorDb + 6,
             "speech did not stand out more from the noise");
    QVERIFY2(after.peakDb <= VoiceProcessor::kCeilingDbfs, "a peak passed -1 dBFS");
    QVERIFY2(std::abs(after.speechDb - before.speechDb) <= 15, "the speech level changed by more than 15 dB");
}

void TestVoiceProcessor::clippedSpeechStaysUnderCeiling()
{
    const QByteArray in = noisySpeech(false, 20); // +20 dB: the peaks clip at full scale
    VoiceProcessor vp;
    double maxGr = 0;
    int clipped = 0;
    double ceiling = 0;
    const QByteArray out = run(vp, in, 960, &maxGr, &clipped, &ceiling);
    const Figures before = measure(in, kRate), after = measure(out, kRate);
    qInfo("clipped input: floor %.1f, speech %.1f, peak %.1f dBFS; %d of %lld blocks clipped", before.floorDb,
          before.speechDb, before.peakDb, clipped, qlonglong(in.size() / 1920));
    qInfo("after:         floor %.1f, speech %.1f, peak %.2f dBFS; largest gain reduction %.1f dB", after.floorDb,
          after.speechDb, after.peakDb, maxGr);
    QVERIFY(before.peakDb > -0.1);
    QVERIFY(clipped > 10);
    QVERIFY2(after.peakDb <= VoiceProcessor::kCeilingDbfs, "a peak passed -1 dBFS");
    QVERIFY2(maxGr >= 3, "no gain reduction reported on clipping input");
    QVERIFY2(after.floorDb <= before.floorDb - 6, "the noise floor did not drop by 6 dB");

    // Without the limiters (AGC alone) the ceiling is not guaranteed: what the limiter is for.
    VoiceProcessor agcOnly({true, true, true, false});
    const Figures unlimited = measure(run(agcOnly, in, 960), kRate);
    qInfo("without the limiters: peak %.2f dBFS; with them, the final limiter took off at most %.2f dB after "
          "WebRTC's", unlimited.peakDb, ceiling);
}

void TestVoiceProcessor::allOffIsBitIdentical()
{
    const QByteArray in = noisySpeech(true, 20);
    VoiceProcessor vp(VoiceOptions::off());
    double maxGr = 0;
    const QByteArray out = run(vp, in, 960, &maxGr);
    QVERIFY(out == in);
    QCOMPARE(vp.latencySamples(), 0);
    QCOMPARE(maxGr, 0.0);
}

// Frames are cut from the stream, not from the chunks: 333-sample chunks give the same audio as
// 960-sample ones, one frame (10 ms) later.
void TestVoiceProcessor::anyChunkSizeSameAudioOneFrameLater()
{
    const QByteArray in = noisySpeech(false);
    VoiceProcessor whole, odd;
    const QByteArray a = run(whole, in, 960);
    const QByteArray b = run(odd, in, 333);
    QCOMPARE(b.size(), in.size());
    QCOMPARE(whole.latencySamples(), 0);
    QCOMPARE(odd.latencySamples(), VoiceProcessor::kFrameSamples);
    const qsizetype shift = 2 * VoiceProcessor::kFrameSamples;
    QVERIFY(b.left(shift).count('\0') == shift); // the one frame of delay is silence
    QVERIFY(b.mid(shift) == a.left(a.size() - shift));
}

void TestVoiceProcessor::eachOptionOnItsOwn_data()
{
    QTest::addColumn<int>("option");
    QTest::addRow("high-pass removes a DC offset") << 0;
    QTest::addRow("noise suppression lowers the floor") << 1;
    QTest::addRow("automatic gain brings quiet speech up") << 2;
    QTest::addRow("limiter keeps clipped speech under -1 dBFS") << 3;
}

void TestVoiceProcessor::eachOptionOnItsOwn()
{
    QFETCH(int, option);
    VoiceOptions o = VoiceOptions::off();
    bool *flags[] = {&o.highPass, &o.noiseSuppression, &o.autoGain, &o.limiter};
    *flags[option] = true;
    VoiceProcessor vp(o);
    const double gainDb[] = {0, 0, -16, 20}; // quiet speech for the AGC, clipping for the limiter
    QByteArray in = noisySpeech(false, gainDb[option]);
    if (option == 0) { // an offset of 10% of full scale
        Samples s = fromPcm(in);
        for (double &v : s)
            v += 0.1;
        in = toPcm(s);
    }
    const QByteArray out = run(vp, in, 960);
    QVERIFY(out != in);
    const Figures before = measure(in, kRate), after = measure(out, kRate);
    auto mean = [](const QByteArray &pcm) {
        const Samples s = fromPcm(pcm);
        return std::accumulate(s.begin() + kRate, s.end(), 0.0) / double(s.size() - kRate);
    };
    qInfo("floor %.1f -> %.1f, speech %.1f -> %.1f, peak %.1f -> %.1f dBFS, mean %.4f -> %.4f", before.floorDb,
          after.floorDb, before.speechDb, after.speechDb, before.peakDb, after.peakDb, mean(in), mean(out));
    switch (option) {
    case 0: QVERIFY(std::abs(mean(out)) < 0.005); break;
    case 1: QVERIFY(after.floorDb <= before.floorDb - 6); break;
    case 2: QVERIFY(after.speechDb >= before.speechDb + 3); break; // measured +5.5 dB in 10 s
    case 3: QVERIFY(before.peakDb > -0.1 && after.peakDb <= VoiceProcessor::kCeilingDbfs); break;
    }
}

// Switched off and on again while audio flows: no error, and off means passthrough at once.
void TestVoiceProcessor::optionsChangeMidStream()
{
    const QByteArray in = noisySpeech(false);
    VoiceProcessor vp;
    const qsizetype half = (in.size() / 2 / 960) * 960; // whole chunks
    run(vp, in.left(half), 960);
    vp.setOptions(VoiceOptions::off());
    QVERIFY(run(vp, in.mid(half), 960) == in.mid(half));
    vp.setOptions(VoiceOptions());
    const QByteArray again = run(vp, in, 960);
    QVERIFY(measure(again, kRate).peakDb <= VoiceProcessor::kCeilingDbfs);
    QVERIFY(vp.error().isEmpty());
}

// WebRTC's own delay (its filter banks), found by cross-correlating the processed speech with the
// input, and the CPU time for 60 s of noisy speech.
void TestVoiceProcessor::delayAndCost()
{
    const QByteArray in = noisySpeech(false);
    VoiceProcessor vp;
    const Samples a = fromPcm(in), b = fromPcm(run(vp, in, 960));
    int bestLag = 0;
    double best = -1;
    for (int lag = 0; lag < 2 * VoiceProcessor::kFrameSamples; ++lag) {
        double c = 0;
        for (size_t i = m_lead; i + size_t(lag) < a.size(); ++i)
            c += a[i] * b[i + size_t(lag)];
        if (c > best) {
            best = c;
            bestLag = lag;
        }
    }
    qInfo("delay through WebRTC: %d samples (%.2f ms); buffering: 0 for 20 ms frames", bestLag, bestLag * 1000.0 / kRate);
    QVERIFY(bestLag < VoiceProcessor::kFrameSamples);

    QByteArray minute;
    while (minute.size() < 60 * kRate * 2)
        minute += in;
    minute.truncate(60 * kRate * 2);
    VoiceProcessor timed;
    const std::clock_t cpu0 = std::clock();
    QElapsedTimer wall;
    wall.start();
    run(timed, minute, 960);
    const double cpuMs = double(std::clock() - cpu0) * 1000.0 / CLOCKS_PER_SEC;
    qInfo("60 s of audio: %.0f ms CPU (%.2f%% of one core), %lld ms wall", cpuMs, cpuMs / 600.0, qlonglong(wall.elapsed()));
    QVERIFY2(cpuMs < 60 * 1000 * 0.25, "processing takes over a quarter of real time");
}

QTEST_GUILESS_MAIN(TestVoiceProcessor)
#include "tst_voiceprocessor.moc"
