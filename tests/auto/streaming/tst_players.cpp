// Standard players: /stream/{id}.ogg, .mp3 and .m3u (docs/protocol.md "Players"). The player is
// ffmpeg (Debian's), a program no one here wrote, reading over loopback from the engine; the
// speaker is a real WebSocket client sending a tone. Wire-level checks parse the Ogg stream
// with libogg.
#include "testsupport.h"

#include "audio/opuscodec.h"
#include "streaming/mp3encoder.h"
#include "streaming/oggopuswriter.h"
#include "streaming/playerhttp.h"
#include "streaming/playerroute.h"
#include "net/tls.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTimer>
#include <QtEndian>
#include <QtTest>

#include <ogg/ogg.h>

#include <cmath>

using namespace onair;
using namespace onair::test;

namespace {

constexpr int kRate = 48000;
constexpr double kAmplitude = 0.25; // peak; a sine's RMS is 3 dB lower: -15.05 dBFS

// ffmpeg reading a URL for `seconds`, decoding to mono s16le at 48 kHz, while this thread's
// event loop keeps the engine and the speaker going.
struct PlayerRun
{
    int exitCode = -1;
    QByteArray pcm;
    QByteArray log;
};

class Ffmpeg
{
public:
    void start(const QString &url, double seconds)
    {
        m_proc.setProgram(QStringLiteral("ffmpeg"));
        m_proc.setArguments({QStringLiteral("-nostdin"), QStringLiteral("-hide_banner"), QStringLiteral("-loglevel"),
                             QStringLiteral("error"), QStringLiteral("-i"), url, QStringLiteral("-t"),
                             QString::number(seconds), QStringLiteral("-f"), QStringLiteral("s16le"), QStringLiteral("-ac"),
                             QStringLiteral("1"), QStringLiteral("-ar"), QStringLiteral("48000"), QStringLiteral("pipe:1")});
        QObject::connect(&m_proc, &QProcess::readyReadStandardOutput, &m_proc, [this] { m_run.pcm += m_proc.readAllStandardOutput(); });
        m_proc.start();
    }
    PlayerRun wait(int timeoutMs)
    {
        QSignalSpy finished(&m_proc, &QProcess::finished);
        if (m_proc.state() != QProcess::NotRunning && !finished.wait(timeoutMs)) {
            m_proc.kill();
            m_proc.waitForFinished(2000);
            m_run.log = "ffmpeg did not finish in time\n";
        }
        m_run.pcm += m_proc.readAllStandardOutput();
        m_run.log += m_proc.readAllStandardError();
        m_run.exitCode = m_proc.exitStatus() == QProcess::NormalExit ? m_proc.exitCode() : -1;
        return m_run;
    }

private:
    QProcess m_proc;
    PlayerRun m_run;
};

// Empty when ffmpeg decoded `seconds` of audio and said nothing (-loglevel error: not one
// error); else what went wrong.
QString runError(const PlayerRun &run, int seconds)
{
    if (run.exitCode != 0)
        return QStringLiteral("ffmpeg exited with %1: %2").arg(run.exitCode).arg(QString::fromUtf8(run.log));
    if (!run.log.trimmed().isEmpty())
        return QStringLiteral("ffmpeg said: ") + QString::fromUtf8(run.log);
    if (run.pcm.size() != qsizetype(seconds) * kRate * 2)
        return QStringLiteral("%1 bytes of audio, not %2 s").arg(run.pcm.size()).arg(seconds);
    return {};
}

struct Tone
{
    double hz = 0;
    double rmsDb = -200;
};

// Frequency from zero crossings and level (RMS, dBFS) of [fromS, toS) of mono s16 PCM.
Tone analyse(const QByteArray &pcm, double fromS, double toS)
{
    const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
    const qsizetype n = pcm.size() / 2;
    const qsizetype a = qMin(n, qsizetype(fromS * kRate)), b = qMin(n, qsizetype(toS * kRate));
    if (b - a < 100)
        return {};
    double sum = 0;
    int crossings = 0;
    for (qsizetype i = a; i < b; ++i) {
        sum += double(s[i]) * s[i];
        if (i > a && (s[i - 1] < 0) != (s[i] < 0))
            ++crossings;
    }
    const double rms = std::sqrt(sum / double(b - a)) / 32768.0;
    return {crossings / 2.0 / (double(b - a) / kRate), 20 * std::log10(rms + 1e-12)};
}

QString probe(const QString &url)
{
    QProcess p;
    p.start(QStringLiteral("ffprobe"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-show_entries"),
                                        QStringLiteral("stream=codec_name,sample_rate,channels"), QStringLiteral("-of"),
                                        QStringLiteral("default=nw=1"), url});
    QSignalSpy finished(&p, &QProcess::finished);
    if (p.state() != QProcess::NotRunning)
        finished.wait(15000);
    return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
}

// Reads an Ogg byte stream with libogg: the pages (with their flags and granule positions) and
// the packets of each.
struct OggPage
{
    bool bos = false;
    qint64 granule = 0;
    qint64 pageNo = 0;
    int serial = 0;
    QList<QByteArray> packets;
};
QList<OggPage> parseOgg(const QByteArray &bytes)
{
    QList<OggPage> pages;
    ogg_sync_state oy;
    ogg_sync_init(&oy);
    char *buf = ogg_sync_buffer(&oy, long(bytes.size()));
    memcpy(buf, bytes.constData(), size_t(bytes.size()));
    ogg_sync_wrote(&oy, long(bytes.size()));
    ogg_page og;
    ogg_stream_state os;
    bool streamInit = false;
    while (ogg_sync_pageout(&oy, &og) == 1) {
        if (!streamInit) {
            ogg_stream_init(&os, ogg_page_serialno(&og));
            streamInit = true;
        }
        OggPage p;
        p.bos = ogg_page_bos(&og) != 0;
        p.granule = ogg_page_granulepos(&og);
        p.pageNo = ogg_page_pageno(&og);
        p.serial = ogg_page_serialno(&og);
        ogg_stream_pagein(&os, &og);
        ogg_packet op;
        while (ogg_stream_packetout(&os, &op) == 1)
            p.packets.append(QByteArray(reinterpret_cast<const char *>(op.packet), int(op.bytes)));
        pages.append(p);
    }
    if (streamInit)
        ogg_stream_clear(&os);
    ogg_sync_clear(&oy);
    return pages;
}

// A raw HTTP client reading an endless body.
class RawPlayer
{
public:
    bool open(quint16 port, const QByteArray &target, const QByteArray &extraHeaders = {}, int receiveBuffer = 0)
    {
        if (receiveBuffer > 0) {
            socket.setReadBufferSize(receiveBuffer);
            socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, receiveBuffer);
        }
        if (!connectLoopback(socket, port))
            return false;
        socket.write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                     + "\r\nUser-Agent: OnAirTest/1.0\r\n" + extraHeaders + "\r\n");
        (void)QTest::qWaitFor([&] {
            if (!receiveBuffer)
                all += socket.readAll();
            while (receiveBuffer && socket.bytesAvailable() > 0 && !all.contains("\r\n\r\n"))
                all += socket.read(1); // the head only: the body stays in the small buffers
            return all.contains("\r\n\r\n");
        }, 3000);
        const qsizetype end = all.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        head = all.left(end);
        all.remove(0, end + 4);
        return head.startsWith("HTTP/1.0 200") || head.startsWith("HTTP/1.1 200");
    }
    // Reads whatever comes for `ms` (a duration the test wants, not a synchronisation).
    void readFor(int ms)
    {
        const QMetaObject::Connection reading =
            QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] { all += socket.readAll(); });
        all += socket.readAll();
        QTest::qWait(ms);
        QObject::disconnect(reading);
        all += socket.readAll();
    }
    QTcpSocket socket;
    QByteArray head;
    QByteArray all; // the body so far
};

QJsonObject getJson(quint16 port, const QString &path) { return httpGet(port, path).json(); }

int playersOf(quint16 port, const QString &stream)
{
    const QJsonArray streams = getJson(port, QStringLiteral("/health/connections")).value(QLatin1String("streams")).toArray();
    for (const QJsonValue &v : streams)
        if (v.toObject().value(QLatin1String("stream_id")).toString() == stream)
            return v.toObject().value(QLatin1String("players")).toInt();
    return 0;
}

} // namespace

class TestPlayers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void routes_data();
    void routes();
    void oggWriterPages();
    void mp3EncoderFrames();
    void playlist();

    void playersHearTheTone_data();
    void playersHearTheTone();
    void oggCarriesTheSpeakersPacketsNearLive();
    void playerJoinsBeforeTheSpeaker_data();
    void playerJoinsBeforeTheSpeaker();
    void playerStaysAcrossASpeakerChange_data();
    void playerStaysAcrossASpeakerChange();
    void playersAreListeners();
    void refusals_data();
    void refusals();
    void slowPlayerSkipsThenCloses();
    void keepAliveConnectionIsRedirected();
    void headPlaylistAndLimits();
    void plainHttpOnATlsPortIsForListening();
};

void TestPlayers::initTestCase()
{
    ONAIR_SKIP_WITHOUT("ffmpeg");
    ONAIR_SKIP_WITHOUT("ffprobe");
}

void TestPlayers::routes_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("stream");
    QTest::addRow("ogg") << "/stream/main.ogg" << int(PlayerRoute::Ogg) << "main";
    QTest::addRow("mp3") << "/stream/main.mp3" << int(PlayerRoute::Mp3) << "main";
    QTest::addRow("m3u") << "/stream/main.m3u" << int(PlayerRoute::Playlist) << "main";
    QTest::addRow("dotted id") << "/stream/hall.1.mp3" << int(PlayerRoute::Mp3) << "hall.1";
    QTest::addRow("translated channel") << "/stream/main~es.ogg" << int(PlayerRoute::Ogg) << "main~es";
    QTest::addRow("no extension") << "/stream/main" << int(PlayerRoute::Invalid) << "";
    QTest::addRow("unknown extension") << "/stream/main.wav" << int(PlayerRoute::Invalid) << "";
    QTest::addRow("empty id") << "/stream/.mp3" << int(PlayerRoute::Invalid) << "";
    QTest::addRow("slash in id") << "/stream/a/b.mp3" << int(PlayerRoute::Invalid) << "";
    QTest::addRow("bad characters") << "/stream/a%20b.mp3" << int(PlayerRoute::Invalid) << "";
    QTest::addRow("id too long") << QStringLiteral("/stream/%1.mp3").arg(QString(65, u'a')) << int(PlayerRoute::Invalid) << "";
    QTest::addRow("not a player path") << "/streams/main.mp3" << int(PlayerRoute::NotPlayer) << "";
}

void TestPlayers::routes()
{
    QFETCH(QString, path);
    QFETCH(int, kind);
    QFETCH(QString, stream);
    const PlayerRoute r = parsePlayerRoute(path);
    QCOMPARE(int(r.kind), kind);
    QCOMPARE(r.streamId, stream);
    QCOMPARE(r.error.isEmpty(), kind != int(PlayerRoute::Invalid));
}

void TestPlayers::oggWriterPages()
{
    OpusFrameEncoder enc;
    QString err;
    QVERIFY(enc.open(OpusSettings{}, &err));
    OggOpusWriter w(1234, 1, 312, QStringLiteral("main"));
    QList<QByteArray> sent;
    QByteArray stream = w.headers();
    for (int f = 0; f < 25; ++f) {
        for (const QByteArray &p : enc.encode(QByteArray(1920, char(f)))) {
            QVERIFY(w.addPacket(p));
            sent.append(p);
        }
        if (w.pendingSamples() >= 4800)
            stream += w.flush();
    }
    stream += w.flush();
    QVERIFY(!w.addPacket(QByteArray())); // not Opus: refused, nothing added
    const QList<OggPage> pages = parseOgg(stream);
    QVERIFY(pages.size() >= 7);
    // RFC 7845: OpusHead alone on the first (BOS) page, OpusTags alone on the second.
    QVERIFY(pages[0].bos);
    QCOMPARE(pages[0].packets.size(), 1);
    const QByteArray head = pages[0].packets[0];
    QCOMPARE(head.size(), 19);
    QVERIFY(head.startsWith("OpusHead"));
    QCOMPARE(int(head[8]), 1);  // version
    QCOMPARE(int(head[9]), 1);  // channels
    QCOMPARE(qFromLittleEndian<quint16>(head.constData() + 10), quint16(312));
    QCOMPARE(qFromLittleEndian<quint32>(head.constData() + 12), 48000u);
    QCOMPARE(pages[0].granule, 0);
    QVERIFY(!pages[1].bos);
    QCOMPARE(pages[1].packets.size(), 1);
    QVERIFY(pages[1].packets[0].startsWith("OpusTags"));
    QVERIFY(pages[1].packets[0].contains("TITLE=main"));
    // Audio: the packets exactly as added, granule = samples so far at each page's end.
    QList<QByteArray> got;
    qint64 samples = 0;
    for (qsizetype i = 2; i < pages.size(); ++i) {
        QCOMPARE(pages[i].serial, 1234);
        for (const QByteArray &p : pages[i].packets) {
            got.append(p);
            samples += opusPacketSamples(p);
        }
        QCOMPARE(pages[i].granule, samples);
    }
    QCOMPARE(got, sent);
    QCOMPARE(samples, qint64(25 * 960));
}

void TestPlayers::mp3EncoderFrames()
{
    Mp3Encoder mp3;
    QString err;
    QVERIFY(mp3.open(64, &err));
    QByteArray out;
    for (int i = 0; i < 50; ++i)
        out += mp3.encode(QByteArray(1920, '\0'));
    // 1 s in: LAME holds about a frame back; every frame starts with the MPEG-1 Layer III
    // sync and is 64 kb/s × 1152 / 48 kHz = 192 bytes (no padding at 48 kHz).
    QVERIFY2(out.size() >= 40 * 192, QByteArray::number(out.size()));
    QCOMPARE(out.size() % 192, 0);
    for (qsizetype i = 0; i < out.size(); i += 192) {
        QCOMPARE(uchar(out[i]), uchar(0xFF));
        QCOMPARE(uchar(out[i + 1]) & 0xFE, 0xFA); // MPEG-1, Layer III
    }
    Mp3Encoder bad;
    QVERIFY(!bad.open(7, &err));
    QVERIFY(!err.isEmpty());
}

void TestPlayers::playlist()
{
    const QByteArray m3u = playerPlaylist(QStringLiteral("main"), QStringLiteral("http://192.168.1.20:8765"),
                                          QStringLiteral("?token=abc"));
    QVERIFY(m3u.startsWith("#EXTM3U\n"));
    QVERIFY(m3u.contains("\nhttp://192.168.1.20:8765/stream/main.mp3?token=abc\n"));
    QVERIFY(m3u.contains("\nhttp://192.168.1.20:8765/stream/main.ogg?token=abc\n"));
}

void TestPlayers::playersHearTheTone_data()
{
    QTest::addColumn<QString>("ext");
    QTest::addColumn<bool>("opusSpeaker");
    QTest::addColumn<QString>("codec");
    QTest::addRow("ogg from opus") << "ogg" << true << "opus";
    QTest::addRow("mp3 from opus") << "mp3" << true << "mp3";
    QTest::addRow("ogg from pcm") << "ogg" << false << "opus";
    QTest::addRow("mp3 from pcm") << "mp3" << false << "mp3";
}

void TestPlayers::playersHearTheTone()
{
    QFETCH(QString, ext);
    QFETCH(bool, opusSpeaker);
    QFETCH(QString, codec);
    TestServer server;
    ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/tone")), 440, opusSpeaker);
    QVERIFY(speaker.ok());
    QTest::qWait(300); // scenario timing: the speaker is on air a moment before the player comes
    const QString url = QStringLiteral("http://127.0.0.1:%1/stream/tone.%2").arg(server.port()).arg(ext);
    Ffmpeg player;
    QElapsedTimer started;
    started.start();
    player.start(url, 5);
    const PlayerRun run = player.wait(20000);
    const QString err = runError(run, 5);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    // A player starts near live (a burst of at most ~0.5 s), so 5 s take about 5 s to read.
    QVERIFY2(started.elapsed() < 6500, QByteArray::number(started.elapsed()));
    const Tone t = analyse(run.pcm, 1.0, 5.0);
    qInfo("%s: %.1f Hz at %.2f dBFS RMS (sent 440 Hz at %.2f)", qPrintable(url), t.hz, t.rmsDb,
          20 * std::log10(kAmplitude / std::sqrt(2.0)));
    // Zero crossings over 4 s: a wrong rate (44.1 kHz) would be 8 % off; a stall of this
    // busy machine's speaker thread may splice a few ms.
    QVERIFY2(std::abs(t.hz - 440) < 440 * 0.02, QByteArray::number(t.hz));
    QVERIFY2(std::abs(t.rmsDb - 20 * std::log10(kAmplitude / std::sqrt(2.0))) < 1.5, QByteArray::number(t.rmsDb));
    const QString probed = probe(url);
    QVERIFY2(probed.contains(QStringLiteral("codec_name=") + codec), qPrintable(probed));
    QVERIFY2(probed.contains(QStringLiteral("sample_rate=48000")), qPrintable(probed));
    QVERIFY2(probed.contains(QStringLiteral("channels=1")), qPrintable(probed));
    speaker.stop();
}

void TestPlayers::oggCarriesTheSpeakersPacketsNearLive()
{
    TestServer server;
    ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/live")), 440);
    QVERIFY(speaker.ok());
    QTest::qWait(2000); // the stream's rendition does not exist yet: it starts with this player
    RawPlayer first;
    QVERIFY(first.open(server.port(), "/stream/live.ogg"));
    QTest::qWait(1500); // scenario timing: the rendition runs a while before the second player
    // A second player joins a running rendition: headers, then a burst of at most ~0.5 s.
    RawPlayer p;
    QElapsedTimer t;
    t.start();
    QVERIFY(p.open(server.port(), "/stream/live.ogg"));
    QVERIFY(p.head.contains("Content-Type: audio/ogg"));
    QVERIFY(p.head.contains("icy-name: live"));
    QVERIFY(p.head.contains("Cache-Control: no-cache"));
    p.readFor(30);
    const QList<OggPage> intro = parseOgg(p.all);
    QVERIFY(intro.size() >= 3);
    qint64 burstSamples = 0;
    for (qsizetype i = 2; i < intro.size(); ++i)
        for (const QByteArray &pk : intro[i].packets)
            burstSamples += opusPacketSamples(pk);
    qInfo("burst on join: %lld ms of audio", burstSamples / 48);
    QVERIFY2(burstSamples >= 48 * 300 && burstSamples <= 48 * 600, QByteArray::number(burstSamples / 48));
    p.readFor(2000);
    const QList<OggPage> pages = parseOgg(p.all);
    QVERIFY(pages[0].bos);
    QVERIFY(pages[0].packets[0].startsWith("OpusHead"));
    int audio = 0, asSent = 0;
    qint64 lastGranule = -1;
    for (qsizetype i = 2; i < pages.size(); ++i) {
        QVERIFY(pages[i].granule > lastGranule);
        lastGranule = pages[i].granule;
        for (const QByteArray &pk : pages[i].packets) {
            ++audio;
            asSent += speaker.sentPackets.contains(pk) ? 1 : 0;
        }
    }
    // 2 s + the burst: the speaker's own packets, byte for byte (never re-encoded).
    QVERIFY2(audio >= 100, QByteArray::number(audio));
    QCOMPARE(asSent, audio);
    speaker.stop();
}

// One row per player format.
static void formatRows()
{
    QTest::addColumn<QString>("ext");
    QTest::addRow("ogg") << "ogg";
    QTest::addRow("mp3") << "mp3";
}

void TestPlayers::playerJoinsBeforeTheSpeaker_data() { formatRows(); }

void TestPlayers::playerJoinsBeforeTheSpeaker()
{
    QFETCH(QString, ext);
    TestServer server;
    Ffmpeg player;
    player.start(QStringLiteral("http://127.0.0.1:%1/stream/early.%2").arg(server.port()).arg(ext), 6);
    QTest::qWait(2000); // scenario timing: the player hears silence first (analysed below)
    ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/early")), 440);
    QVERIFY(speaker.ok());
    const PlayerRun run = player.wait(20000);
    speaker.stop();
    const QString err = runError(run, 6);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const Tone before = analyse(run.pcm, 0.0, 1.0), after = analyse(run.pcm, 4.0, 6.0);
    qInfo("before the speaker: %.1f dBFS; after: %.1f Hz at %.1f dBFS", before.rmsDb, after.hz, after.rmsDb);
    QVERIFY2(before.rmsDb < -60, QByteArray::number(before.rmsDb)); // silence, but a valid stream
    QVERIFY2(std::abs(after.hz - 440) < 3, QByteArray::number(after.hz));
    QVERIFY(after.rmsDb > -17);
}

void TestPlayers::playerStaysAcrossASpeakerChange_data() { formatRows(); }

void TestPlayers::playerStaysAcrossASpeakerChange()
{
    QFETCH(QString, ext);
    TestServer server;
    auto first = std::make_unique<ToneSpeaker>(server.ws(QStringLiteral("/ws/speak/change")), 440);
    QVERIFY(first->ok());
    QTest::qWait(300); // scenario timing, as above
    Ffmpeg player;
    player.start(QStringLiteral("http://127.0.0.1:%1/stream/change.%2").arg(server.port()).arg(ext), 7);
    QTest::qWait(2500); // scenario timing: the first speaker's tone, then a gap, then the second's
    first->stop();
    first.reset();
    QTest::qWait(1200); // nobody speaks
    ToneSpeaker second(server.ws(QStringLiteral("/ws/speak/change")), 660);
    QVERIFY(second.ok());
    const PlayerRun run = player.wait(25000);
    second.stop();
    const QString err = runError(run, 7);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const Tone a = analyse(run.pcm, 0.5, 1.8), b = analyse(run.pcm, 5.5, 7.0);
    qInfo("first speaker %.1f Hz, second %.1f Hz", a.hz, b.hz);
    QVERIFY2(std::abs(a.hz - 440) < 4, QByteArray::number(a.hz));
    QVERIFY2(std::abs(b.hz - 660) < 4, QByteArray::number(b.hz));
    // The pause between them is silence in the same stream, not an end.
    bool quiet = false;
    for (double s = 2.0; s < 5.0; s += 0.1)
        quiet = quiet || analyse(run.pcm, s, s + 0.3).rmsDb < -60;
    QVERIFY(quiet);
}

void TestPlayers::playersAreListeners()
{
    TestServer server;
    const quint16 port = server.port();
    ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/count")), 440);
    QVERIFY(speaker.ok());
    WsClient ws;
    QVERIFY(ws.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/count"))));
    // A page playing the MP3 stream keeps a WebSocket for messages only: not a second listener.
    WsClient messagesOnly;
    QVERIFY(messagesOnly.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/count?audio=0"))));
    RawPlayer mp3a, mp3b, ogg;
    QVERIFY(mp3a.open(port, "/stream/count.mp3"));
    QVERIFY(mp3b.open(port, "/stream/count.mp3"));
    QVERIFY(ogg.open(port, "/stream/count.ogg"));
    QTRY_COMPARE(playersOf(port, QStringLiteral("count")), 3);
    const QJsonObject health = getJson(port, QStringLiteral("/health/connections"));
    QCOMPARE(health.value(QLatin1String("totals")).toObject().value(QLatin1String("listeners")).toInt(), 4);
    QCOMPARE(health.value(QLatin1String("totals")).toObject().value(QLatin1String("players")).toInt(), 3);
    // One MP3 encoder for both MP3 players, one Ogg rendition.
    const QJsonArray outputs = health.value(QLatin1String("player_outputs")).toArray();
    QCOMPARE(outputs.size(), 2);
    for (const QJsonValue &o : outputs) {
        const QString f = o.toObject().value(QLatin1String("format")).toString();
        QCOMPARE(o.toObject().value(QLatin1String("players")).toInt(), f == QLatin1String("mp3") ? 2 : 1);
    }
    const QByteArray metrics = httpGet(port, QStringLiteral("/metrics")).body;
    QVERIFY(metrics.contains("\nonair_players 3\n"));
    QVERIFY(metrics.contains("\nonair_stream_players{stream=\"count\"} 3\n"));
    // The listeners list marks them as HTTP, with their user agent.
    const auto listeners = server.engine().listenersOf(QStringLiteral("count"));
    QCOMPARE(listeners.size(), 4);
    int http = 0;
    quint64 kickId = 0;
    for (const auto &l : listeners) {
        if (l.transport.startsWith(QLatin1String("http-"))) {
            ++http;
            QCOMPARE(l.userAgent, QStringLiteral("OnAirTest/1.0"));
            QVERIFY(l.identity.startsWith(QLatin1String("http:127.0.0.1")));
            if (l.transport == QLatin1String("http-mp3"))
                kickId = l.id;
        } else {
            QCOMPARE(l.transport, QStringLiteral("websocket"));
        }
    }
    QCOMPARE(http, 3);
    QVERIFY(ws.waitBinary(50));
    QVERIFY(messagesOnly.binary.isEmpty()); // no audio for it, though the stream flows
    const HttpReply banner = httpSend(port, "POST", QStringLiteral("/api/broadcasts"), R"({"message":"to every page"})",
                                      bearer(server.token(Role::Admin)));
    QCOMPARE(banner.status, 201);
    QVERIFY(messagesOnly.waitJsonType(QStringLiteral("new_broadcast")));
    // Kickable like any listener: its connection closes, the others keep going.
    QVERIFY(server.engine().kick(kickId, QStringLiteral("test")));
    QTRY_COMPARE(playersOf(port, QStringLiteral("count")), 2);
    QTRY_VERIFY(mp3a.socket.state() != QAbstractSocket::ConnectedState || mp3b.socket.state() != QAbstractSocket::ConnectedState);
    RawPlayer &left = mp3a.socket.state() == QAbstractSocket::ConnectedState ? mp3a : mp3b;
    left.all.clear();
    left.readFor(500);
    QVERIFY(left.all.size() >= 2000); // 64 kb/s: 4 KB in 0.5 s
    // The last MP3 player leaving stops the MP3 encoder.
    left.socket.abort();
    QTRY_COMPARE(getJson(port, QStringLiteral("/health/connections")).value(QLatin1String("player_outputs")).toArray().size(), 1);
    speaker.stop();
}

void TestPlayers::refusals_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<bool>("requireToken");
    auto get = [](const QByteArray &target, const QByteArray &method = "GET") -> QByteArray {
        return method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    };
    QTest::addRow("invalid id") << get("/stream/a%20b.mp3") << 400 << "invalid_stream_id" << false;
    QTest::addRow("slash in id") << get("/stream/a/b.mp3") << 400 << "invalid_stream_id" << false;
    QTest::addRow("unknown format") << get("/stream/main.flac") << 400 << "unknown_format" << false;
    QTest::addRow("no format") << get("/stream/main") << 400 << "unknown_format" << false;
    QTest::addRow("POST") << get("/stream/main.mp3", "POST") << 405 << "method_not_allowed" << false;
    QTest::addRow("token required") << get("/stream/main.mp3") << 401 << "unauthorized" << true;
    QTest::addRow("bad token") << get("/stream/main.ogg?token=nope") << 401 << "unauthorized" << false;
    QTest::addRow("playlist needs the token too") << get("/stream/main.m3u") << 401 << "unauthorized" << true;
}

void TestPlayers::refusals()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(bool, requireToken);
    EngineConfig c = testConfig();
    c.requireListenerToken = requireToken;
    TestServer server(c);
    ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/main")), 440);
    WsClient bystander;
    QVERIFY(bystander.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main?token=")
                                                     + QString::fromLatin1(server.token(Role::Listener)))));
    const int before = bystander.binary.size();
    const HttpReply r = rawHttp(server.port(), request);
    QCOMPARE(r.status, status);
    QVERIFY(r.head.contains("Content-Type: application/json"));
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), error);
    QVERIFY(!r.json().value(QLatin1String("message")).toString().isEmpty());
    // Nothing else changed: the server is up and the bystander still hears the stream.
    QVERIFY(bystander.waitBinary(before + 10));
    QCOMPARE(httpGet(server.port(), QStringLiteral("/health")).status, 200);
    speaker.stop();
}

void TestPlayers::slowPlayerSkipsThenCloses()
{
    EngineConfig c = testConfig();
    c.slowSoftBytes = 64 * 1024;
    c.slowHardBytes = 512 * 1024;
    c.slowGraceMs = 500;
    TestServer server(c);
    const quint16 port = server.port();
    RawPlayer good;
    QVERIFY(good.open(port, "/stream/slow.ogg"));
    // Reads its head and then nothing: the kernel buffers fill, then the server's backlog.
    RawPlayer stalled;
    QVERIFY(stalled.open(port, "/stream/slow.ogg", {}, 4096));
    WsClient speaker;
    QVERIFY(speaker.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/slow"))));
    OpusFrameEncoder enc;
    QString err;
    OpusSettings big;
    big.bitrate = 510000;
    QVERIFY(enc.open(big, &err));
    speaker.socket.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("hello")},
                                                                               {QStringLiteral("format"), enc.format()}})
                                                         .toJson(QJsonDocument::Compact)));
    QByteArray noise(1920, Qt::Uninitialized);
    for (char &b : noise)
        b = char(QRandomGenerator::global()->generate());
    QByteArray packet;
    for (int i = 0; i < 3; ++i)
        packet = enc.encode(noise).value(0);
    QVERIFY2(packet.size() > 300, QByteArray::number(packet.size()));
    const int perTick = int(40000 / packet.size());
    // Far faster than real time (the Ogg stream passes packets as they come): ~4 MB/s.
    const qint64 slowBefore = server.engine().metrics()->refusals(Refusal::SlowConsumer);
    QTimer flood;
    connect(&flood, &QTimer::timeout, this, [&] {
        for (int i = 0; i < perTick; ++i)
            speaker.socket.sendBinaryMessage(packet);
        good.all += good.socket.readAll();
    });
    flood.start(10);
    QTest::qWait(3000); // a 3 s flood (a duration, not a synchronisation)
    flood.stop();
    good.readFor(500);
    // (The stalled client reads nothing, so it would not even notice; the server's view counts.)
    QTRY_COMPARE_WITH_TIMEOUT(server.engine().metrics()->refusals(Refusal::SlowConsumer), slowBefore + 1, 5000);
    QTRY_COMPARE(playersOf(port, QStringLiteral("slow")), 1);
    QVERIFY(server.engine().hub()->snapshot().first().drops > 0); // skipped before it was closed
    // The good player got every page, in order, while the stalled one was skipped and closed.
    const QList<OggPage> pages = parseOgg(good.all);
    QVERIFY2(pages.size() > 100, QByteArray::number(pages.size()));
    for (qsizetype i = 1; i < pages.size(); ++i)
        QCOMPARE(pages[i].pageNo, pages[i - 1].pageNo + 1);
    QCOMPARE(good.socket.state(), QAbstractSocket::ConnectedState);
}

void TestPlayers::keepAliveConnectionIsRedirected()
{
    TestServer server;
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, server.port());
    QTRY_COMPARE(s.state(), QAbstractSocket::ConnectedState);
    s.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray all;
    QTRY_VERIFY((all += s.readAll()).contains("\"status\""));
    all.clear();
    // A browser reusing the connection for the stream gets the same URL back and a fresh start.
    s.write("GET /stream/main.mp3?token=abc HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_VERIFY((all += s.readAll()).contains("\r\n\r\n"));
    QVERIFY2(all.startsWith("HTTP/1.1 307"), all.constData());
    QVERIFY(all.contains("Location: /stream/main.mp3?token=abc\r\n"));
    QTRY_COMPARE(s.state(), QAbstractSocket::UnconnectedState);
    RawPlayer p;
    QVERIFY(p.open(server.port(), "/stream/main.mp3"));
}

void TestPlayers::headPlaylistAndLimits()
{
    EngineConfig c = testConfig();
    c.maxListenersPerStream = 2;
    c.requireListenerToken = true;
    TestServer server(c);
    const quint16 port = server.port();
    const QByteArray token = server.token(Role::Listener);
    // HEAD: the player's head, no body, and the connection closes.
    HttpReply r = rawHttp(port, "HEAD /stream/main.mp3?token=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(r.status, 200);
    QVERIFY(r.head.contains("Content-Type: audio/mpeg"));
    QVERIFY(r.head.contains("icy-br: 64"));
    QVERIFY(r.body.isEmpty());
    r = rawHttp(port, "HEAD /stream/main.ogg HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n");
    QCOMPARE(r.status, 200);
    QVERIFY(r.head.contains("Content-Type: audio/ogg"));
    QVERIFY(r.body.isEmpty());
    // The playlist names both streams at the address the request came in on, token carried.
    r = rawHttp(port, "GET /stream/main.m3u?token=" + token + " HTTP/1.1\r\nHost: 192.168.1.20:8765\r\n\r\n");
    QCOMPARE(r.status, 200);
    QVERIFY(r.head.contains("Content-Type: audio/x-mpegurl"));
    QVERIFY2(r.body.contains(QByteArray("\nhttp://192.168.1.20:8765/stream/main.mp3?token=" + token + "\n")), r.body.constData());
    QVERIFY(r.body.contains(QByteArray("\nhttp://192.168.1.20:8765/stream/main.ogg?token=" + token + "\n")));
    // A Host that is not a host name: the server's own address instead of the header's text.
    r = rawHttp(port, "GET /stream/main.m3u?token=" + token + " HTTP/1.1\r\nHost: evil\"<x>\r\n\r\n");
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.contains(QStringLiteral("\nhttp://127.0.0.1:%1/stream/main.mp3").arg(port).toUtf8()), r.body.constData());
    // /api/streams lists each stream's player links.
    WsClient ws;
    QVERIFY(ws.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main?token=") + QString::fromLatin1(token))));
    const QJsonObject stream = httpGet(port, QStringLiteral("/api/streams"), bearer(token)).json()
                                   .value(QLatin1String("streams")).toArray().first().toObject();
    QCOMPARE(stream.value(QLatin1String("players")).toObject().value(QLatin1String("mp3")).toString(), QStringLiteral("/stream/main.mp3"));
    QCOMPARE(stream.value(QLatin1String("players")).toObject().value(QLatin1String("ogg")).toString(), QStringLiteral("/stream/main.ogg"));
    QCOMPARE(stream.value(QLatin1String("players")).toObject().value(QLatin1String("m3u")).toString(), QStringLiteral("/stream/main.m3u"));
    // Players count against --max-listeners like everyone: 1 WebSocket + 1 player = 2, then full.
    RawPlayer p;
    QVERIFY(p.open(port, "/stream/main.mp3?token=" + token));
    QTRY_COMPARE(server.engine().hub()->listenersOf(QStringLiteral("main")), 2);
    r = rawHttp(port, "GET /stream/main.ogg?token=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(r.status, 503);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), QStringLiteral("stream_full"));
    QVERIFY(r.head.contains("Retry-After: 5"));
    p.readFor(300);
    QVERIFY(p.all.size() > 1000); // the player already in keeps playing
    // A player says nothing after its request; one that keeps talking is closed.
    const qint64 before = server.engine().metrics()->refusals(Refusal::BadRequest);
    p.socket.write(QByteArray(c.maxHeaderBytes + 100, 'x'));
    QTRY_COMPARE(server.engine().metrics()->refusals(Refusal::BadRequest), before + 1);
    QTRY_COMPARE(p.socket.state(), QAbstractSocket::UnconnectedState);
}

void TestPlayers::plainHttpOnATlsPortIsForListening()
{
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem")), key = dir.filePath(QStringLiteral("key.pem"));
    QString err;
    QVERIFY2(makeSelfSignedCertificate(cert, key, {}, 30, &err), qPrintable(err));
    EngineConfig c = testConfig();
    c.tlsCertPath = cert;
    c.tlsKeyPath = key;
    c.openSpeakers = false;
    TestServer server(c);
    const quint16 port = server.port();
    // Plain: pages, players, reading the API, listening.
    QCOMPARE(httpGet(port, QStringLiteral("/listen/main")).status, 200);
    QCOMPARE(httpGet(port, QStringLiteral("/api/streams")).status, 200);
    RawPlayer player;
    QVERIFY(player.open(port, "/stream/main.mp3"));
    QVERIFY(player.head.contains("audio/mpeg"));
    RawWsClient listener;
    QCOMPARE(listener.open(port, "/ws/listen/main"), 101);
    // Plain: no speaking, no changes — their tokens must not cross the network in clear.
    const QByteArray admin = server.token(Role::Admin);
    HttpReply r = httpSend(port, "POST", QStringLiteral("/api/broadcasts"), R"({"message":"hi"})", bearer(admin));
    QCOMPARE(r.status, 403);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), QStringLiteral("https_required"));
    r = rawHttp(port, upgradeRequest("/ws/speak/main"));
    QCOMPARE(r.status, 403);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), QStringLiteral("https_required"));
    // TLS on the same port: everything.
    QSslSocket tls;
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    tls.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    QTRY_VERIFY(tls.isEncrypted());
    const QByteArray body = R"({"message":"over tls"})";
    tls.write("POST /api/broadcasts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer " + admin
              + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    QByteArray answer;
    QTRY_VERIFY((answer += tls.readAll()).contains("over tls"));
    QVERIFY2(answer.startsWith("HTTP/1.1 201"), answer.constData());
    // Off: plain connections to a TLS port get nothing.
    c.plainHttp = false;
    TestServer strict(c);
    QCOMPARE(httpGet(strict.port(), QStringLiteral("/health")).status, 0);
}

QTEST_GUILESS_MAIN(TestPlayers)
#include "tst_players.moc"
