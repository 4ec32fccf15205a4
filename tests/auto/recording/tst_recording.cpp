// Recording and the archive (docs/recording.md, issue 20), in-process over real loopback
// sockets: a tone speaker on /ws/speak/main, the REST calls an operator makes, and the file
// read back by ffprobe and ffmpeg (Debian's: players no one here wrote). Faults that need the
// real binary (kill -9, a full disk) are in tests/system/tst_recordingfaults.cpp.
#include "testsupport.h"

#include "fanout/hub.h"
#include "net/byterange.h"
#include "recording/recordings.h"
#include "recording/recordingstore.h"
#include "banners/store.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace onair;
using namespace onair::test;

namespace {
constexpr int kRate = 48000;

QByteArray runTool(const QString &program, const QStringList &args, QByteArray *err = nullptr)
{
    QProcess p;
    p.start(program, args);
    // The event loop runs meanwhile: the engine under test answers on this thread.
    if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 60000))
        p.kill();
    p.waitForFinished(1000);
    if (err)
        *err = p.readAllStandardError();
    return p.readAllStandardOutput();
}

// ffprobe's view of a file: {"streams":[{codec_name, sample_rate, channels}], "format":{duration}}.
QJsonObject ffprobe(const QString &path)
{
    return QJsonDocument::fromJson(runTool(QStringLiteral("ffprobe"),
                                           {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-show_entries"),
                                            QStringLiteral("stream=codec_name,sample_rate,channels:format=duration"),
                                            QStringLiteral("-of"), QStringLiteral("json"), path}))
        .object();
}

// The audio as ffmpeg decodes it: mono s16le at 48 kHz.
QByteArray decode(const QString &path)
{
    return runTool(QStringLiteral("ffmpeg"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-i"), path,
                                              QStringLiteral("-f"), QStringLiteral("s16le"), QStringLiteral("-ac"),
                                              QStringLiteral("1"), QStringLiteral("-ar"), QStringLiteral("48000"),
                                              QStringLiteral("-")});
}

// Frequency from zero crossings of [fromS, toS).
double pitchHz(const QByteArray &pcm, double fromS, double toS)
{
    const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
    const qsizetype n = pcm.size() / 2;
    const qsizetype a = qMin(n, qsizetype(fromS * kRate)), b = qMin(n, qsizetype(toS * kRate));
    if (b - a < 1000)
        return 0;
    int crossings = 0;
    for (qsizetype i = a + 1; i < b; ++i)
        if ((s[i - 1] < 0) != (s[i] < 0))
            ++crossings;
    return crossings / 2.0 / (double(b - a) / kRate);
}

// RMS of [fromS, toS), full scale 1.
double rms(const QByteArray &pcm, double fromS, double toS)
{
    const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
    const qsizetype n = pcm.size() / 2;
    const qsizetype a = qMin(n, qsizetype(fromS * kRate)), b = qMin(n, qsizetype(toS * kRate));
    double sum = 0;
    for (qsizetype i = a; i < b; ++i)
        sum += double(s[i]) * s[i];
    return b > a ? std::sqrt(sum / double(b - a)) / 32768.0 : 0;
}

// The first 10 ms window from `fromS` on whose RMS is above (`above`) or below `threshold`
// (seconds; -1: none).
double firstWindowS(const QByteArray &pcm, double fromS, double threshold, bool above)
{
    const double total = double(pcm.size()) / 2 / kRate;
    for (double t = fromS; t + 0.01 <= total; t += 0.01)
        if ((rms(pcm, t, t + 0.01) > threshold) == above)
            return t;
    return -1;
}

double onsetS(const QByteArray &pcm, double fromS, double threshold) { return firstWindowS(pcm, fromS, threshold, true); }
double offsetS(const QByteArray &pcm, double fromS, double threshold) { return firstWindowS(pcm, fromS, threshold, false); }

QJsonArray timelineOf(const QString &oggPath)
{
    QString p = oggPath;
    p.chop(4);
    return Recordings::readTimeline(p + QStringLiteral(".jsonl"));
}

QList<QJsonObject> linesOfType(const QJsonArray &timeline, const QString &type)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : timeline)
        if (v.toObject().value(QLatin1String("type")).toString() == type)
            out.append(v.toObject());
    return out;
}
} // namespace

class TestRecording : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void byteRanges();
    void toneRecording();
    void archiveAccess();
    void badRequests();
    void unwritableDirectory();
    void gapIsSilence();
    void joinsAndLeavesInTurn();
    void rotationAndTotalCap();
    void keepDays();
};

void TestRecording::byteRanges()
{
    const auto r = [](const char *h, qint64 size) { return parseByteRange(QByteArray(h), size); };
    QCOMPARE(r("", 100).kind, ByteRange::Whole);
    QCOMPARE(r("bytes=0-", 100).kind, ByteRange::Partial);
    QCOMPARE(r("bytes=0-", 100).last, 99);
    QCOMPARE(r("bytes=10-19", 100).first, 10);
    QCOMPARE(r("bytes=10-19", 100).length(), 10);
    QCOMPARE(r("bytes=90-500", 100).last, 99); // clamped to the end
    QCOMPARE(r("bytes=-30", 100).first, 70);
    QCOMPARE(r("bytes=-300", 100).first, 0);
    QCOMPARE(r("bytes=100-", 100).kind, ByteRange::Unsatisfiable);
    QCOMPARE(r("bytes=-0", 100).kind, ByteRange::Unsatisfiable);
    QCOMPARE(r("bytes=0-", 0).kind, ByteRange::Unsatisfiable);
    // Malformed or several ranges: ignored (the whole file), as RFC 9110 allows.
    for (const char *h : {"bytes=5-1", "bytes=a-b", "bytes=1-2,4-5", "items=0-1", "bytes=", "bytes=-", "bytes=+1-2",
                          "bytes=99999999999999999999-"})
        QCOMPARE(r(h, 100).kind, ByteRange::Whole);
}

// A 10 s recording of a 440 Hz tone, started and stopped through REST with a banner, a
// caption and a mark in it: ffprobe and ffmpeg read the file; the timeline's lines fall where
// they happened; Range requests answer 206; the archive lists and deletes it.
void TestRecording::toneRecording()
{
    ONAIR_SKIP_WITHOUT("ffmpeg");
    ONAIR_SKIP_WITHOUT("ffprobe");
    TestServer server;
    const QByteArray admin = bearer(server.token(Role::Admin));
    ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(speaker.ok());
    QTest::qWait(300);

    QElapsedTimer wall;
    HttpReply on = httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":true})", admin);
    wall.start();
    QCOMPARE(on.status, 200);
    const QString id = on.json().value(QLatin1String("id")).toString();
    QVERIFY2(id.startsWith(QLatin1String("rec-")), on.body.constData());
    QVERIFY(on.json().value(QLatin1String("recording")).toBool());

    // Where the recording's clock started, from its own elapsed time.
    QTest::qWait(1000);
    QElapsedTimer rtt;
    rtt.start();
    const HttpReply st = httpGet(server.port(), QStringLiteral("/api/streams/main/recording"), admin);
    QCOMPARE(st.status, 200);
    const qint64 startAt = wall.elapsed() - rtt.elapsed() / 2 - st.json().value(QLatin1String("elapsed_ms")).toInteger();

    QTest::qWait(2000);
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main?client_id=pew-3"))));
    const qint64 bannerAt = wall.elapsed() - startAt;
    const HttpReply banner = httpSend(server.port(), "POST", QStringLiteral("/api/broadcasts"),
                                      R"({"message":"Service starts","type":"info"})", admin);
    QCOMPARE(banner.status, 201);
    const QString bannerId = banner.json().value(QLatin1String("id")).toString();
    QVERIFY(listener.waitJsonType(QStringLiteral("new_broadcast")));
    listener.socket.sendTextMessage(QStringLiteral(R"({"type":"acknowledge_broadcast","broadcast_id":"%1"})").arg(bannerId));
    QTest::qWait(2000);
    const qint64 captionAt = wall.elapsed() - startAt;
    QCOMPARE(httpSend(server.port(), "POST", QStringLiteral("/api/publish"),
                      R"({"topic":"stream:main","data":{"event":"caption","lang":"en","text":"hello world","final":true}})",
                      admin).status / 100, 2);
    const HttpReply mark = httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording/marks"),
                                    R"({"text":"chapter: sermon"})", admin);
    QCOMPARE(mark.status, 200);
    const qint64 markAt = wall.elapsed() - startAt;
    QTest::qWait(10000 - int(wall.elapsed()));
    const HttpReply off = httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":false})", admin);
    const qint64 wallMs = wall.elapsed();
    QCOMPARE(off.status, 200);
    QCOMPARE(off.json().value(QLatin1String("id")).toString(), id);
    QVERIFY(!off.json().value(QLatin1String("recording")).toBool());

    // The archive lists it, finished.
    const HttpReply list = httpGet(server.port(), QStringLiteral("/api/recordings?stream=main"), admin);
    QCOMPARE(list.status, 200);
    const QJsonArray rows = list.json().value(QLatin1String("recordings")).toArray();
    QCOMPARE(rows.size(), 1);
    const QJsonObject row = rows.first().toObject();
    QCOMPARE(row.value(QLatin1String("id")).toString(), id);
    QCOMPARE(row.value(QLatin1String("state")).toString(), QStringLiteral("finished"));
    const qint64 durationMs = row.value(QLatin1String("duration_ms")).toInteger();
    QVERIFY2(std::abs(durationMs - wallMs) < 400, qPrintable(QStringLiteral("%1 ms recorded in %2 ms").arg(durationMs).arg(wallMs)));
    const QString path = QDir(server.dataDir()).filePath(QStringLiteral("recordings/main/"));
    const QStringList files = QDir(path).entryList({QStringLiteral("*.ogg")});
    QCOMPARE(files.size(), 1);
    const QString ogg = path + files.first();
    QCOMPARE(row.value(QLatin1String("bytes")).toInteger(), QFileInfo(ogg).size());

    // ffprobe: Opus, 48 kHz, mono, the duration the recording says (± 50 ms).
    const QJsonObject probe = ffprobe(ogg);
    const QJsonObject stream = probe.value(QLatin1String("streams")).toArray().first().toObject();
    QCOMPARE(stream.value(QLatin1String("codec_name")).toString(), QStringLiteral("opus"));
    QCOMPARE(stream.value(QLatin1String("sample_rate")).toString(), QStringLiteral("48000"));
    QCOMPARE(stream.value(QLatin1String("channels")).toInt(), 1);
    const double probed = probe.value(QLatin1String("format")).toObject().value(QLatin1String("duration")).toString().toDouble();
    qInfo("recorded %lld ms in %lld ms of wall time; ffprobe says %.3f s", durationMs, wallMs, probed);
    QVERIFY2(std::abs(probed * 1000 - double(durationMs)) <= 50, qPrintable(QString::number(probed)));
    // ffmpeg decodes the tone.
    const QByteArray pcm = decode(ogg);
    QVERIFY(std::abs(double(pcm.size()) / 2 / kRate * 1000 - double(durationMs)) <= 50);
    const double hz = pitchHz(pcm, 1.0, double(durationMs) / 1000 - 0.5);
    QVERIFY2(std::abs(hz - 440) < 3, qPrintable(QString::number(hz)));

    // The timeline: banner, caption and mark where they happened (± 100 ms); an end line.
    const QJsonArray timeline = timelineOf(ogg);
    const auto banners = linesOfType(timeline, QStringLiteral("banner"));
    QVERIFY(!banners.isEmpty());
    QVERIFY2(std::abs(banners.first().value(QLatin1String("t")).toInteger() - bannerAt) <= 100,
             qPrintable(QStringLiteral("banner at %1, expected %2").arg(banners.first().value(QLatin1String("t")).toInteger()).arg(bannerAt)));
    QCOMPARE(banners.first().value(QLatin1String("event")).toString(), QStringLiteral("new"));
    QCOMPARE(banners.first().value(QLatin1String("broadcast")).toObject().value(QLatin1String("message")).toString(),
             QStringLiteral("Service starts"));
    // The receipts, sampled once a second: the listener's acknowledgement is counted.
    bool acknowledged = false;
    for (const QJsonObject &b : banners)
        acknowledged = acknowledged || (b.value(QLatin1String("event")).toString() == QLatin1String("receipts")
                                        && b.value(QLatin1String("broadcast_id")).toString() == bannerId
                                        && b.value(QLatin1String("dismissed")).toInt() == 1);
    QVERIFY2(acknowledged, "no receipts line counts the acknowledgement");
    const auto captions = linesOfType(timeline, QStringLiteral("caption"));
    QCOMPARE(captions.size(), 1);
    QCOMPARE(captions.first().value(QLatin1String("text")).toString(), QStringLiteral("hello world"));
    QVERIFY2(std::abs(captions.first().value(QLatin1String("t")).toInteger() - captionAt) <= 100,
             qPrintable(QStringLiteral("caption at %1, expected %2").arg(captions.first().value(QLatin1String("t")).toInteger()).arg(captionAt)));
    const auto marks = linesOfType(timeline, QStringLiteral("mark"));
    QCOMPARE(marks.size(), 1);
    QVERIFY(std::abs(marks.first().value(QLatin1String("t")).toInteger() - markAt) <= 100);
    QVERIFY(linesOfType(timeline, QStringLiteral("listeners")).size() >= 8);
    const auto end = linesOfType(timeline, QStringLiteral("end"));
    QCOMPARE(end.size(), 1);
    QCOMPARE(end.first().value(QLatin1String("duration_ms")).toInteger(), durationMs);

    // GET /api/recordings/{id}: metadata and the timeline.
    const HttpReply detail = httpGet(server.port(), QStringLiteral("/api/recordings/") + id, admin);
    QCOMPARE(detail.status, 200);
    QCOMPARE(detail.json().value(QLatin1String("timeline")).toArray().size(), timeline.size());

    // The file over HTTP: whole, one range, a range past the end.
    QFile f(ogg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    const HttpReply whole = httpGet(server.port(), QStringLiteral("/api/recordings/%1.ogg").arg(id), admin);
    QCOMPARE(whole.status, 200);
    QCOMPARE(whole.header("content-type"), QByteArray("audio/ogg"));
    QCOMPARE(whole.header("accept-ranges"), QByteArray("bytes"));
    QCOMPARE(whole.body.size(), bytes.size());
    QCOMPARE(whole.body, bytes);
    const qint64 mid = bytes.size() / 2;
    const HttpReply part = httpGet(server.port(), QStringLiteral("/api/recordings/%1.ogg").arg(id),
                                   admin + "Range: bytes=" + QByteArray::number(mid) + "-\r\n");
    QCOMPARE(part.status, 206);
    QCOMPARE(part.header("content-range"), "bytes " + QByteArray::number(mid) + '-' + QByteArray::number(bytes.size() - 1)
                                               + '/' + QByteArray::number(bytes.size()));
    QCOMPARE(part.body, bytes.mid(mid));
    const HttpReply past = httpGet(server.port(), QStringLiteral("/api/recordings/%1.ogg").arg(id),
                                   admin + "Range: bytes=" + QByteArray::number(bytes.size()) + "-\r\n");
    QCOMPARE(past.status, 416);
    QCOMPARE(past.header("content-range"), "bytes */" + QByteArray::number(bytes.size()));

    // HEAD: the length, no body.
    const HttpReply headOnly = rawHttp(server.port(), "HEAD /api/recordings/" + id.toLatin1() + ".ogg HTTP/1.1\r\nHost: x\r\n"
                                                          + admin + "\r\n", 5000, true);
    QCOMPARE(headOnly.status, 200);
    QCOMPARE(headOnly.header("content-length"), QByteArray::number(bytes.size()));
    QVERIFY(headOnly.body.isEmpty());
    // Asked for on a keep-alive connection (after the page's JSON): answered there; a head that
    // came in pieces is sent to the same URL on a fresh connection instead (307), as players are.
    for (const bool pieces : {false, true}) {
        RawConnection c;
        QVERIFY(c.connectTo(server.port()));
        QVERIFY(c.send("GET /api/recordings/" + id.toLatin1() + " HTTP/1.1\r\nHost: x\r\n" + admin + "\r\n"));
        QVERIFY(c.readUntil([](const QByteArray &in) { return haveHttpAnswer(in); }, 5000));
        QCOMPARE(parseHttp(c.in).status, 200);
        c.in.clear();
        const QByteArray request = "GET /api/recordings/" + id.toLatin1() + ".ogg HTTP/1.1\r\nHost: x\r\n" + admin
                                   + "Range: bytes=100-199\r\n\r\n";
        if (pieces) {
            QVERIFY(c.send(request.left(20)));
            QTest::qWait(100);
            QVERIFY(c.send(request.mid(20)));
        } else {
            QVERIFY(c.send(request));
        }
        QVERIFY(c.readUntil([](const QByteArray &in) { return haveHttpAnswer(in); }, 5000));
        const HttpReply r = parseHttp(c.in);
        QCOMPARE(r.status, pieces ? 307 : 206);
        if (pieces)
            QCOMPARE(r.header("location"), "/api/recordings/" + id.toLatin1() + ".ogg");
        else
            QCOMPARE(r.body, bytes.mid(100, 100));
        QVERIFY(c.waitEof(5000));
    }
    // A client that goes away mid-file (a browser seeking): the server carries on.
    for (int i = 0; i < 5; ++i) {
        RawConnection c;
        QVERIFY(c.connectTo(server.port(), 4096));
        QVERIFY(c.send("GET /api/recordings/" + id.toLatin1() + ".ogg HTTP/1.1\r\nHost: x\r\n" + admin + "\r\n"));
        QVERIFY(c.readUntil([](const QByteArray &in) { return in.size() > 2000; }, 5000));
        c.rst();
    }
    QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings/%1.ogg").arg(id), admin).body, bytes);

    // A player no one here wrote reads it over HTTP (token in the query, as an <audio src>).
    const QString url = QStringLiteral("http://127.0.0.1:%1/api/recordings/%2.ogg?token=%3")
                            .arg(server.port()).arg(id, QString::fromLatin1(server.token(Role::Admin)));
    const double overHttp = ffprobe(url).value(QLatin1String("format")).toObject().value(QLatin1String("duration")).toString().toDouble();
    QVERIFY2(std::abs(overHttp - probed) < 0.001, qPrintable(QString::number(overHttp)));
    QCOMPARE(decode(url), pcm);

    // The MP3 rendition (browsers without Ogg Opus): 503 preparing with Retry-After, then the
    // file, the same length, the same tone.
    const QString mp3Path = QStringLiteral("/api/recordings/%1.mp3").arg(id);
    const HttpReply preparing = httpGet(server.port(), mp3Path, admin);
    QCOMPARE(preparing.status, 503);
    QCOMPARE(preparing.header("retry-after"), QByteArray("1"));
    QCOMPARE(preparing.json().value(QLatin1String("error")).toString(), QStringLiteral("preparing"));
    HttpReply mp3;
    QTRY_VERIFY_WITH_TIMEOUT((mp3 = httpGet(server.port(), mp3Path, admin)).status == 200, 20000);
    QCOMPARE(mp3.header("content-type"), QByteArray("audio/mpeg"));
    const QString mp3File = ogg.chopped(4) + QStringLiteral(".mp3");
    QVERIFY(QFile::exists(mp3File));
    const QJsonObject mp3Probe = ffprobe(mp3File);
    QCOMPARE(mp3Probe.value(QLatin1String("streams")).toArray().first().toObject().value(QLatin1String("codec_name")).toString(),
             QStringLiteral("mp3"));
    const double mp3Seconds = mp3Probe.value(QLatin1String("format")).toObject().value(QLatin1String("duration")).toString().toDouble();
    QVERIFY2(std::abs(mp3Seconds - probed) < 0.1, qPrintable(QString::number(mp3Seconds)));
    const double mp3Hz = pitchHz(decode(mp3File), 1.0, double(durationMs) / 1000 - 0.5);
    QVERIFY2(std::abs(mp3Hz - 440) < 3, qPrintable(QString::number(mp3Hz)));

    // Deleting: files (the MP3 too) and row gone.
    QCOMPARE(httpSend(server.port(), "DELETE", QStringLiteral("/api/recordings/") + id, {}, admin).status, 200);
    QVERIFY(!QFile::exists(ogg));
    QVERIFY(!QFile::exists(mp3File));
    QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings/") + id, admin).status, 404);
    speaker.stop();
}

// Who may list and play: admin by default (a token in ?token= for <audio src>), listeners
// with --public-recordings; deleting a running recording is refused.
void TestRecording::archiveAccess()
{
    for (const bool open : {false, true}) {
        EngineConfig config = testConfig();
        config.publicRecordings = open;
        TestServer server(config);
        const QByteArray adminToken = server.token(Role::Admin);
        ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/main")), 440);
        QVERIFY(speaker.ok());
        const HttpReply on = httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording"),
                                      R"({"record":true})", bearer(adminToken));
        QCOMPARE(on.status, 200);
        const QString id = on.json().value(QLatin1String("id")).toString();
        QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings")).status, open ? 200 : 401);
        QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings/%1.ogg").arg(id)).status, open ? 200 : 401);
        QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings"), bearer(server.token(Role::Listener))).status,
                 open ? 200 : 403);
        QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings/%1.ogg?token=%2").arg(id, QString::fromLatin1(adminToken))).status, 200);
        QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings/%1.ogg?token=bad").arg(id)).status, 401);
        // Changing things always needs admin.
        QCOMPARE(httpSend(server.port(), "DELETE", QStringLiteral("/api/recordings/") + id, {}).status, 401);
        QCOMPARE(httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":false})").status, 401);
        QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings/%1.mp3").arg(id), bearer(adminToken)).status, 409);
        const HttpReply busy = httpSend(server.port(), "DELETE", QStringLiteral("/api/recordings/") + id, {}, bearer(adminToken));
        QCOMPARE(busy.status, 409);
        QCOMPARE(busy.json().value(QLatin1String("error")).toString(), QStringLiteral("recording_busy"));
        speaker.stop();
    }
}

void TestRecording::badRequests()
{
    TestServer server;
    const QByteArray admin = bearer(server.token(Role::Admin));
    const auto post = [&](const QString &path, const QByteArray &body) {
        return httpSend(server.port(), "POST", path, body, admin);
    };
    QCOMPARE(post(QStringLiteral("/api/streams/main/recording"), R"({"record":"yes"})").json().value(QLatin1String("error")).toString(),
             QStringLiteral("invalid_record"));
    QCOMPARE(post(QStringLiteral("/api/streams/b%20ad/recording"), R"({"record":true})").status, 400);
    QCOMPARE(post(QStringLiteral("/api/streams/main/recording"), "{").status, 400);
    const HttpReply notRecording = post(QStringLiteral("/api/streams/main/recording/marks"), R"({"text":"chapter"})");
    QCOMPARE(notRecording.status, 409);
    QCOMPARE(notRecording.json().value(QLatin1String("error")).toString(), QStringLiteral("not_recording"));
    QCOMPARE(post(QStringLiteral("/api/streams/main/recording/marks"), R"({"text":""})").status, 400);
    QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings/rec-00000000000000000000"), admin).status, 404);
    QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings/rec-00000000000000000000.ogg"), admin).status, 404);
    QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings?from=yesterday"), admin).status, 400);
    QCOMPARE(httpGet(server.port(), QStringLiteral("/api/recordings?from=2026-01-01T00:00:00Z"), admin).status, 200);
    QCOMPARE(httpSend(server.port(), "DELETE", QStringLiteral("/api/recordings/rec-nope"), {}, admin).status, 404);
    QCOMPARE(httpGet(server.port(), QStringLiteral("/health")).status, 200); // still up
}

// A regular file where the stream's folder should be: the recording cannot start; the
// operator gets the reason (REST 507, /health's recording component), the broadcast goes on.
void TestRecording::unwritableDirectory()
{
    TestServer server;
    const QByteArray admin = bearer(server.token(Role::Admin));
    QVERIFY(QDir().mkpath(server.dataDir() + QStringLiteral("/recordings")));
    QFile blocker(server.dataDir() + QStringLiteral("/recordings/main"));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(speaker.ok());
    const HttpReply on = httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":true})", admin);
    QCOMPARE(on.status, 507);
    QCOMPARE(on.json().value(QLatin1String("error")).toString(), QStringLiteral("recording_failed"));
    QVERIFY2(on.json().value(QLatin1String("message")).toString().contains(QLatin1String("recordings/main")), on.body.constData());
    const QJsonObject health = httpGet(server.port(), QStringLiteral("/health")).json();
    const QJsonObject component = health.value(QLatin1String("components")).toObject().value(QLatin1String("recording")).toObject();
    QCOMPARE(component.value(QLatin1String("status")).toString(), QStringLiteral("degraded"));
    QVERIFY(QJsonDocument(component).toJson().contains("recordings/main"));
    const HttpReply st = httpGet(server.port(), QStringLiteral("/api/streams/main/recording"), admin);
    QVERIFY(!st.json().value(QLatin1String("error")).toString().isEmpty());
    // The broadcast: every frame the speaker sent reached the listener.
    QTest::qWait(1000);
    speaker.stop();
    QTRY_COMPARE_WITH_TIMEOUT(qint64(listener.binary.size()), speaker.framesSent(), 3000);
}

// The speaker leaves for two seconds and comes back: the same file goes on with silence, so the
// tone comes back exactly where the timeline says it did.
void TestRecording::gapIsSilence()
{
    ONAIR_SKIP_WITHOUT("ffmpeg");
    TestServer server;
    const QByteArray admin = bearer(server.token(Role::Admin));
    auto speaker = std::make_unique<ToneSpeaker>(server.ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(speaker->ok());
    QTest::qWait(200);
    const HttpReply on = httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":true})", admin);
    QCOMPARE(on.status, 200);
    QTest::qWait(2000);
    speaker.reset(); // leaves
    QTest::qWait(2000);
    speaker = std::make_unique<ToneSpeaker>(server.ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(speaker->ok());
    QTest::qWait(2000);
    QCOMPARE(httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":false})", admin).status, 200);
    QString error;
    const auto info = server.engine().recordings()->find(on.json().value(QLatin1String("id")).toString(), &error);
    QVERIFY2(info && !info->id.isEmpty(), qPrintable(error));
    const QJsonArray timeline = timelineOf(info->path);
    const auto left = linesOfType(timeline, QStringLiteral("speaker_left"));
    const auto joined = linesOfType(timeline, QStringLiteral("speaker_joined"));
    QCOMPARE(left.size(), 1);
    QCOMPARE(joined.size(), 1);
    const double leftS = double(left.first().value(QLatin1String("t")).toInteger()) / 1000;
    const double joinedS = double(joined.first().value(QLatin1String("t")).toInteger()) / 1000;
    qInfo("speaker left at %.3f s, back at %.3f s, recording %lld ms", leftS, joinedS, info->durationMs);
    QVERIFY(joinedS - leftS > 1.8 && joinedS - leftS < 2.5);
    const QByteArray pcm = decode(info->path);
    QVERIFY(std::abs(double(pcm.size()) / 2 / kRate * 1000 - double(info->durationMs)) <= 50);
    // Tone before, silence between, tone after — each where the timeline puts it. The lines are
    // written when the recorder learns of them, the audio where it lands in the file: on a loaded
    // machine (or under a sanitizer) the two drift apart by a few frames, so the tone's own end
    // and onset bound the silence, each within 0.6 s of its line.
    QVERIFY(rms(pcm, 0.5, leftS - 0.6) > 0.1);
    const double endS = offsetS(pcm, leftS - 0.6, 0.001);
    const double backS = endS > 0 ? onsetS(pcm, endS, 0.05) : -1;
    qInfo("the tone stops at %.3f s and comes back at %.3f s", endS, backS);
    QVERIFY2(endS > 0 && std::abs(endS - leftS) < 0.6, qPrintable(QString::number(endS)));
    QVERIFY2(backS > 0 && std::abs(backS - joinedS) < 0.6, qPrintable(QString::number(backS)));
    QVERIFY(backS - endS > 1.5);
    QVERIFY2(rms(pcm, endS + 0.03, backS - 0.03) < 0.001, qPrintable(QString::number(rms(pcm, endS + 0.03, backS - 0.03))));
    QVERIFY(rms(pcm, joinedS + 0.1, joinedS + 1.0) > 0.1);
    QVERIFY(std::abs(pitchHz(pcm, joinedS + 0.1, joinedS + 1.0) - 440) < 5);
}

// A speaker who comes and goes while nobody listens: each time, the stream is made anew and the
// recorder attaches to it while the speaker's "speaker_joined" is being published. The timeline
// says each join once and each leave once, in turn (CI once saw a join said twice).
void TestRecording::joinsAndLeavesInTurn()
{
    ONAIR_SKIP_WITHOUT("ffmpeg");
    TestServer server;
    const QByteArray admin = bearer(server.token(Role::Admin));
    const HttpReply on = httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":true})", admin);
    QCOMPARE(on.status, 200);
    constexpr int kRounds = 16;
    Hub *hub = server.engine().hub();
    qint64 framesSent = 0;
    for (int i = 0; i < kRounds; ++i) {
        ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/main")), 440);
        QVERIFY(speaker.ok());
        QTest::qWait(40 + 37 * (i % 5)); // across the recorder's 100 ms tick
        speaker.stop();
        framesSent += speaker.framesSent();
        QTRY_VERIFY(!hub->find(QStringLiteral("main")));
        QTest::qWait(13 * (i % 4));
    }
    QCOMPARE(httpSend(server.port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":false})", admin).status, 200);
    QString error;
    const auto info = server.engine().recordings()->find(on.json().value(QLatin1String("id")).toString(), &error);
    QVERIFY2(info && !info->id.isEmpty(), qPrintable(error));
    QStringList said;
    for (const QJsonValue &v : timelineOf(info->path)) {
        const QString type = v.toObject().value(QLatin1String("type")).toString();
        if (type == QLatin1String("speaker_joined") || type == QLatin1String("speaker_left"))
            said.append(type.mid(8));
    }
    QStringList expected;
    for (int i = 0; i < kRounds; ++i)
        expected << QStringLiteral("joined") << QStringLiteral("left");
    QCOMPARE(said.join(u' '), expected.join(u' '));
    // And every appearance's audio, from its first packet: as much tone as was sent.
    const QByteArray pcm = decode(info->path);
    int toneWindows = 0;
    for (double t = 0; t + 0.01 <= double(pcm.size()) / 2 / kRate; t += 0.01)
        toneWindows += rms(pcm, t, t + 0.01) > 0.05 ? 1 : 0;
    const double sentS = double(framesSent) * 0.02;
    const double toneS = toneWindows * 0.01;
    qInfo("%d appearances: %.2f s of tone sent, %.2f s in the recording", kRounds, sentS, toneS);
    QVERIFY2(std::abs(toneS - sentS) < 0.05 * sentS + 0.1, qPrintable(QString::number(toneS)));
}

// --recording-max-bytes rotates to a new file (reason "rotated"); --recordings-max-total-bytes
// deletes the oldest, never the one recording.
void TestRecording::rotationAndTotalCap()
{
    ONAIR_SKIP_WITHOUT("ffprobe");
    EngineConfig config = testConfig();
    config.recordStreams = {QStringLiteral("main")};
    config.recordingMaxBytes = 8192;         // ~2 s of 32 kb/s Opus
    config.recordingsMaxTotalBytes = 20000;  // ~2 of those
    TestServer server(config);
    ToneSpeaker speaker(server.ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(speaker.ok());
    QTest::qWait(9000);
    Recordings *recordings = server.engine().recordings();
    QString error;
    const auto rows = recordings->list({}, &error);
    QVERIFY2(rows, qPrintable(error));
    qInfo("%lld recordings kept after 9 s", qint64(rows->size()));
    QVERIFY(rows->size() >= 2 && rows->size() <= 4);
    QVERIFY(rows->first().isRecording()); // newest first: the running one is kept
    qint64 total = 0;
    for (const RecordingInfo &r : *rows) {
        total += r.bytes;
        if (r.isRecording())
            continue;
        QCOMPARE(r.state, QStringLiteral("finished"));
        QCOMPARE(r.reason, QStringLiteral("rotated"));
        QVERIFY(r.bytes >= 8192 && r.bytes < 8192 + 4096);
        QByteArray err;
        const double seconds = ffprobe(r.path).value(QLatin1String("format")).toObject().value(QLatin1String("duration"))
                                   .toString().toDouble();
        QVERIFY2(std::abs(seconds * 1000 - double(r.durationMs)) <= 50, qPrintable(r.path));
    }
    QVERIFY2(total <= 20000 + 8192 + 4096, qPrintable(QString::number(total)));
    // The oldest ones went, files and rows: only the kept files are on disk.
    const QStringList files = QDir(server.dataDir() + QStringLiteral("/recordings/main")).entryList({QStringLiteral("*.ogg")});
    QCOMPARE(files.size(), rows->size());
    speaker.stop();
}

// --recordings-keep-days: what is older goes at the start (and every minute); the rest stays.
void TestRecording::keepDays()
{
    QTemporaryDir data;
    const QString folder = data.path() + QStringLiteral("/recordings/main/");
    QVERIFY(QDir().mkpath(folder));
    {
        EngineConfig config = testConfig();
        config.dataDir = data.path();
        TestServer first(config);
        auto *store = dynamic_cast<RecordingStore *>(first.engine().store());
        QVERIFY(store);
        for (const int daysAgo : {10, 2, 0}) {
            RecordingInfo r;
            r.id = QStringLiteral("rec-") + QString::number(daysAgo).rightJustified(20, u'0');
            r.stream = QStringLiteral("main");
            r.replica = QStringLiteral("here");
            r.start = QDateTime::currentDateTimeUtc().addDays(-daysAgo).addSecs(-60);
            r.end = r.start.addSecs(30);
            r.state = QStringLiteral("finished");
            r.path = folder + QStringLiteral("%1.ogg").arg(daysAgo);
            QFile f(r.path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            r.bytes = f.write(QByteArray(1000, 'x'));
            f.close();
            QString error;
            QVERIFY2(store->insertRecording(r, &error) && store->updateRecording(r, &error), qPrintable(error));
        }
    }
    EngineConfig config = testConfig();
    config.dataDir = data.path();
    config.recordingsKeepDays = 7;
    TestServer server(config);
    QString error;
    QTRY_COMPARE_WITH_TIMEOUT(server.engine().recordings()->list({}, &error)->size(), qsizetype(2), 3000);
    QVERIFY(!QFile::exists(folder + QStringLiteral("10.ogg")));
    QVERIFY(QFile::exists(folder + QStringLiteral("2.ogg")));
    QVERIFY(QFile::exists(folder + QStringLiteral("0.ogg")));
}

QTEST_GUILESS_MAIN(TestRecording)
#include "tst_recording.moc"
