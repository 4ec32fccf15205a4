// A recording as MP3 (server/recording/mp3export.h, GET /api/recordings/{id}.mp3): Ogg Opus
// files made by the recorder's own writer and by ffmpeg are exported, then judged by ffprobe and
// ffmpeg (programs no one here wrote): the duration, and the tone's frequency in the decoded MP3.
// Bad input fails with an error and leaves no file behind.
#include "testsupport.h"

#include "audio/opuscodec.h"
#include "recording/mp3export.h"
#include "streaming/oggopuswriter.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace onair;
using namespace onair::test;

namespace {

constexpr int kRate = 48000;

// `seconds` of a `hz` sine, 48 kHz mono s16le.
QByteArray tone(double hz, double seconds)
{
    const int n = int(seconds * kRate);
    QByteArray pcm(n * 2, Qt::Uninitialized);
    auto *s = reinterpret_cast<qint16 *>(pcm.data());
    for (int i = 0; i < n; ++i)
        s[i] = qint16(std::lround(0.3 * 32767 * std::sin(2 * M_PI * hz * i / kRate)));
    return pcm;
}

// An Ogg Opus file as the recorder writes it: OpusFrameEncoder's 20 ms packets in OggOpusWriter's pages.
bool writeOurOggOpus(const QString &path, double hz, double seconds)
{
    OpusFrameEncoder enc;
    QString error;
    if (!enc.open(OpusSettings{}, &error))
        return false;
    OggOpusWriter writer(4242, 1, 312, QStringLiteral("test"));
    QByteArray bytes = writer.headers();
    const QList<QByteArray> packets = enc.encode(tone(hz, seconds));
    for (const QByteArray &p : packets) {
        if (!writer.addPacket(p))
            return false;
        if (writer.pendingSamples() >= kRate / 2) // a page every 0.5 s, as the recorder flushes
            bytes += writer.flush();
    }
    bytes += writer.flush();
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        r.err = "did not finish in 30 s";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// ffprobe's idea of the file's duration, in seconds (-1 when it has none).
double probedSeconds(const QString &path)
{
    const Run r = run(QStringLiteral("ffprobe"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-show_entries"),
                                                  QStringLiteral("format=duration:stream=codec_name"), QStringLiteral("-of"),
                                                  QStringLiteral("default=nw=1"), path});
    if (r.exitCode != 0 || !r.out.contains("codec_name=mp3"))
        return -1;
    for (const QByteArray &line : r.out.split('\n')) {
        if (line.startsWith("duration="))
            return line.mid(9).toDouble();
    }
    return -1;
}

// The file decoded by ffmpeg to 48 kHz mono s16le.
QByteArray decodeWithFfmpeg(const QString &path)
{
    const Run r = run(QStringLiteral("ffmpeg"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-i"), path,
                                                 QStringLiteral("-f"), QStringLiteral("s16le"), QStringLiteral("-ac"),
                                                 QStringLiteral("1"), QStringLiteral("-ar"), QStringLiteral("48000"),
                                                 QStringLiteral("-")});
    return r.exitCode == 0 ? r.out : QByteArray();
}

// Zero crossings over the middle of the PCM (away from the encoders' ramps): the dominant
// frequency of a pure tone; and its RMS (full scale 1; ffmpeg's sine source is at about 0.06).
std::pair<double, double> frequencyAndRms(const QByteArray &pcm)
{
    const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
    const qsizetype n = pcm.size() / 2;
    const qsizetype a = n / 5, b = n - n / 5;
    if (b - a < kRate / 2)
        return {0, 0};
    int crossings = 0;
    double sum = 0;
    for (qsizetype i = a; i < b; ++i) {
        sum += double(s[i]) * s[i];
        if (i > a && (s[i - 1] < 0) != (s[i] < 0))
            ++crossings;
    }
    return {crossings / 2.0 / (double(b - a) / kRate), std::sqrt(sum / double(b - a)) / 32768.0};
}

} // namespace

class TestMp3Export : public QObject
{
    Q_OBJECT
private:
    void checkExport(const QString &ogg, double expectSeconds);
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase();
    void exportsWhatTheRecorderWrites();
    void exportsStereoFromFfmpeg();
    void exportsAFileCutShortByACrash();
    void refusesBadInput_data();
    void refusesBadInput();
};

void TestMp3Export::initTestCase()
{
    ONAIR_SKIP_WITHOUT("ffmpeg");
    ONAIR_SKIP_WITHOUT("ffprobe");
    QVERIFY(m_dir.isValid());
}

void TestMp3Export::checkExport(const QString &ogg, double expectSeconds)
{
    const QString mp3 = ogg + QStringLiteral(".mp3");
    QString error;
    QVERIFY2(exportOggOpusToMp3(ogg, mp3, 64, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    QVERIFY(QFile::exists(mp3));
    QVERIFY2(!QFile::exists(mp3 + QStringLiteral(".part")), "the .part file was renamed");
    const double seconds = probedSeconds(mp3);
    QVERIFY2(std::abs(seconds - expectSeconds) <= 0.1,
             qPrintable(QStringLiteral("ffprobe: %1 s, expected %2 s ± 0.1").arg(seconds).arg(expectSeconds)));
    const QByteArray pcm = decodeWithFfmpeg(mp3);
    const double decoded = double(pcm.size() / 2) / kRate;
    QVERIFY2(std::abs(decoded - expectSeconds) <= 0.1,
             qPrintable(QStringLiteral("ffmpeg decoded %1 s, expected %2 s ± 0.1").arg(decoded).arg(expectSeconds)));
    const auto [hz, rms] = frequencyAndRms(pcm);
    QVERIFY2(std::abs(hz - 1000) <= 20, qPrintable(QStringLiteral("dominant frequency %1 Hz").arg(hz)));
    QVERIFY2(rms > 0.03, qPrintable(QStringLiteral("RMS %1: the tone, not silence").arg(rms)));
    // Again, over the existing file: replaced whole.
    QVERIFY2(exportOggOpusToMp3(ogg, mp3, 128, &error), qPrintable(error));
    QVERIFY(std::abs(probedSeconds(mp3) - expectSeconds) <= 0.1);
}

void TestMp3Export::exportsWhatTheRecorderWrites()
{
    const QString ogg = m_dir.filePath(QStringLiteral("ours.ogg"));
    QVERIFY(writeOurOggOpus(ogg, 1000, 3.0));
    checkExport(ogg, 3.0);
}

void TestMp3Export::exportsStereoFromFfmpeg()
{
    // libopus through ffmpeg: its own pre-skip, stereo (downmixed), the end trimmed by the last
    // page's granule position.
    const QString ogg = m_dir.filePath(QStringLiteral("ffmpeg.ogg"));
    const Run r = run(QStringLiteral("ffmpeg"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-y"),
                                                 QStringLiteral("-f"), QStringLiteral("lavfi"), QStringLiteral("-i"),
                                                 QStringLiteral("sine=frequency=1000:duration=3:sample_rate=48000"),
                                                 QStringLiteral("-ac"), QStringLiteral("2"), QStringLiteral("-c:a"),
                                                 QStringLiteral("libopus"), QStringLiteral("-b:a"), QStringLiteral("64k"), ogg});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    checkExport(ogg, 3.0);
}

void TestMp3Export::exportsAFileCutShortByACrash()
{
    // kill -9 mid-recording: the file ends mid-page; what is whole plays.
    const QString full = m_dir.filePath(QStringLiteral("long.ogg"));
    QVERIFY(writeOurOggOpus(full, 1000, 4.0));
    QFile f(full);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    const QString cut = m_dir.filePath(QStringLiteral("cut.ogg"));
    QFile c(cut);
    QVERIFY(c.open(QIODevice::WriteOnly));
    c.write(bytes.left(bytes.size() * 7 / 10));
    c.close();
    const QString mp3 = m_dir.filePath(QStringLiteral("cut.mp3"));
    QString error;
    QVERIFY2(exportOggOpusToMp3(cut, mp3, 64, &error), qPrintable(error));
    const double seconds = probedSeconds(mp3);
    QVERIFY2(seconds >= 2.0 && seconds <= 3.0, qPrintable(QStringLiteral("%1 s of the 4 s").arg(seconds)));
}

void TestMp3Export::refusesBadInput_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("kbps");
    QTest::newRow("not ogg") << QStringLiteral("text") << 64;
    QTest::newRow("truncated in the headers") << QStringLiteral("truncated") << 64;
    QTest::newRow("headers only") << QStringLiteral("headers") << 64;
    QTest::newRow("ogg, not opus") << QStringLiteral("vorbis") << 64;
    QTest::newRow("empty") << QStringLiteral("empty") << 64;
    QTest::newRow("missing") << QStringLiteral("missing") << 64;
    QTest::newRow("bad bit rate") << QStringLiteral("good") << 65;
}

void TestMp3Export::refusesBadInput()
{
    QFETCH(QString, kind);
    QFETCH(int, kbps);
    const QString ogg = m_dir.filePath(kind + QStringLiteral(".bad.ogg"));
    QByteArray bytes;
    if (kind == QLatin1String("good") || kind == QLatin1String("truncated")) {
        QVERIFY(writeOurOggOpus(ogg, 1000, 1.0));
        QFile f(ogg);
        QVERIFY(f.open(QIODevice::ReadOnly));
        bytes = f.readAll();
        if (kind == QLatin1String("truncated"))
            bytes = bytes.left(40); // inside the first page
    } else if (kind == QLatin1String("headers")) {
        bytes = OggOpusWriter(7, 1).headers();
    } else if (kind == QLatin1String("text")) {
        bytes = QByteArray("<html>not a recording</html>\n").repeated(3000);
    } else if (kind == QLatin1String("vorbis")) {
        const Run r = run(QStringLiteral("ffmpeg"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-y"),
                                                     QStringLiteral("-f"), QStringLiteral("lavfi"), QStringLiteral("-i"),
                                                     QStringLiteral("sine=duration=1"), QStringLiteral("-c:a"),
                                                     QStringLiteral("flac"), QStringLiteral("-f"), QStringLiteral("ogg"), ogg});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }
    if (kind != QLatin1String("missing") && kind != QLatin1String("vorbis")) {
        QFile f(ogg);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    }
    const QString mp3 = m_dir.filePath(kind + QStringLiteral(".bad.mp3"));
    QString error;
    QVERIFY(!exportOggOpusToMp3(ogg, mp3, kbps, &error));
    QVERIFY2(!error.isEmpty(), "an error says why");
    qInfo().noquote() << kind << "→" << error;
    QVERIFY(!QFile::exists(mp3));
    QVERIFY(!QFile::exists(mp3 + QStringLiteral(".part")));
}

QTEST_GUILESS_MAIN(TestMp3Export)
#include "tst_mp3export.moc"
