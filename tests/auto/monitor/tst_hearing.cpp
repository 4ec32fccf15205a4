// "Are they hearing me?" (issue 19): listener reports, validated and rate limited; what the
// listeners hear per stream in /health/connections, /metrics and the listeners list; a page on
// the players' MP3 stream counted once, with what its page says; the two warnings.
#include "engine/engine.h"
#include "fanout/hearing.h"
#include "monitor/streamwatch.h"
#include "protocol/listenerreport.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTest>

#include <cmath>

using namespace onair;
using namespace onair::test;

namespace {

const char *kIphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                      "Version/17.1 Mobile/15E148 Safari/604.1";

QByteArray pcmFrame(double hz, double amplitude, int *phase)
{
    QByteArray pcm(960 * 2, Qt::Uninitialized);
    auto *s = reinterpret_cast<qint16 *>(pcm.data());
    for (int i = 0; i < 960; ++i, ++*phase)
        s[i] = qint16(amplitude * 32767 * std::sin(2 * M_PI * hz * *phase / 48000.0));
    return pcm;
}

QJsonObject streamOf(quint16 port, const QString &id)
{
    const HttpReply r = httpGet(port, QStringLiteral("/health/connections"));
    for (const QJsonValue &v : QJsonDocument::fromJson(r.body).object().value(QLatin1String("streams")).toArray())
        if (v.toObject().value(QLatin1String("stream_id")).toString() == id)
            return v.toObject();
    return {};
}

int hearingCount(quint16 port, const QString &stream, const char *state)
{
    return streamOf(port, stream).value(QLatin1String("hearing")).toObject().value(QLatin1String(state)).toInt(-1);
}

QStringList warningsOf(quint16 port, const QString &stream)
{
    QStringList out;
    for (const QJsonValue &v : streamOf(port, stream).value(QLatin1String("warnings")).toArray())
        out.append(v.toString());
    return out;
}

// Sends {"type":"listener_report", <fields>}.
void report(WsClient &c, const char *fields)
{
    c.socket.sendTextMessage(QStringLiteral("{\"type\":\"listener_report\",") + QString::fromUtf8(fields) + u'}');
}

// A speaker sending 20 ms PCM frames (no hello: 48 kHz mono s16le) every 20 ms.
struct Speaker
{
    WsClient ws;
    QTimer timer;
    int phase = 0;
    double amplitude = 0.3;
    bool open(TestServer &server, const QString &stream)
    {
        if (!ws.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/") + stream)))
            return false;
        QObject::connect(&timer, &QTimer::timeout, [this] { ws.socket.sendBinaryMessage(pcmFrame(440, amplitude, &phase)); });
        timer.start(20);
        return true;
    }
};

} // namespace

class TestHearing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseReports_data();
    void parseReports();
    void deviceClasses_data();
    void deviceClasses();
    void mergeMatchesPagesToPlayers();
    void reportsShowPerStream();
    void badReportsAreRefusedAndChangeNothing();
    void pageOnThePlayerCountsOnce();
    void warningsRiseAndClear();
};

void TestHearing::parseReports_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error"); // empty: valid
    QTest::newRow("full") << QByteArray(R"({"type":"listener_report","state":"playing","delay_ms":140,"underruns":2,"decoder":"wasm","hidden":true})") << QString();
    QTest::newRow("minimal") << QByteArray(R"({"type":"listener_report","state":"blocked"})") << QString();
    QTest::newRow("null delay") << QByteArray(R"({"type":"listener_report","state":"buffering","delay_ms":null})") << QString();
    QTest::newRow("no state") << QByteArray(R"({"type":"listener_report"})") << QStringLiteral("state");
    QTest::newRow("bad state") << QByteArray(R"({"type":"listener_report","state":"dancing"})") << QStringLiteral("state");
    QTest::newRow("negative delay") << QByteArray(R"({"type":"listener_report","state":"playing","delay_ms":-5})") << QStringLiteral("delay_ms");
    QTest::newRow("huge delay") << QByteArray(R"({"type":"listener_report","state":"playing","delay_ms":1e9})") << QStringLiteral("delay_ms");
    QTest::newRow("enormous delay") << QByteArray(R"({"type":"listener_report","state":"playing","delay_ms":1e300})") << QStringLiteral("delay_ms");
    QTest::newRow("enormous underruns") << QByteArray(R"({"type":"listener_report","state":"playing","underruns":-1e300})") << QStringLiteral("underruns");
    QTest::newRow("fraction") << QByteArray(R"({"type":"listener_report","state":"playing","underruns":1.5})") << QStringLiteral("underruns");
    QTest::newRow("decoder shout") << QByteArray(R"({"type":"listener_report","state":"playing","decoder":"<script>"})") << QStringLiteral("decoder");
    QTest::newRow("hidden string") << QByteArray(R"({"type":"listener_report","state":"playing","hidden":"yes"})") << QStringLiteral("hidden");
    QTest::newRow("unknown field") << QByteArray(R"({"type":"listener_report","state":"playing","volume":3})") << QStringLiteral("volume");
}

void TestHearing::parseReports()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    ListenerReport r;
    QString message;
    const QString code = parseListenerReport(QJsonDocument::fromJson(json).object(), &r, &message);
    if (error.isEmpty()) {
        QVERIFY2(code.isEmpty(), qPrintable(message));
        QVERIFY(r.state != HearingState::Unknown);
    } else {
        QCOMPARE(code, QStringLiteral("invalid_report"));
        QVERIFY2(message.contains(error), qPrintable(message));
    }
}

void TestHearing::deviceClasses_data()
{
    QTest::addColumn<QString>("ua");
    QTest::addColumn<QString>("device");
    QTest::newRow("iPhone") << QString::fromLatin1(kIphone) << "phone";
    QTest::newRow("Android phone") << "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36" << "phone";
    QTest::newRow("Android tablet") << "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36" << "tablet";
    QTest::newRow("iPad") << "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1" << "tablet";
    QTest::newRow("Firefox") << "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0" << "desktop";
    QTest::newRow("VLC") << "VLC/3.0.18 LibVLC/3.0.18" << "player";
    QTest::newRow("ffmpeg") << "Lavf/59.27.100" << "player";
    QTest::newRow("none") << "" << "unknown";
    QTest::newRow("gibberish") << "x" << "unknown";
}

void TestHearing::deviceClasses()
{
    QFETCH(QString, ua);
    QFETCH(QString, device);
    QCOMPARE(QString::fromLatin1(deviceClassName(deviceClassOf(ua))), device);
}

void TestHearing::mergeMatchesPagesToPlayers()
{
    HearingPart a, b;
    a.counts[QStringLiteral("main")].add(HearingState::Playing, 100, false);
    a.counts[QStringLiteral("main")].add(HearingState::Playing, 300, true);
    // A page (messages-only WebSocket) on worker a, its player on worker b: counted once, blocked.
    a.keyed.append({QStringLiteral("main"), QStringLiteral("client:p1"), HearingState::Blocked, -1, false, true});
    b.keyed.append({QStringLiteral("main"), QStringLiteral("client:p1"), HearingState::Playing, -1, false, false});
    // A player nobody reports for (VLC): playing while it reads.
    b.keyed.append({QStringLiteral("main"), QStringLiteral("http:127.0.0.1"), HearingState::Playing, -1, false, false});
    // A page whose player has not connected: counted with its own state.
    b.keyed.append({QStringLiteral("main"), QStringLiteral("client:p2"), HearingState::Buffering, -1, false, true});
    const QHash<QString, HearingCounts> merged = mergeHearing({a, b});
    const HearingCounts &m = merged.value(QStringLiteral("main"));
    QCOMPARE(m.count(HearingState::Playing), 3);
    QCOMPARE(m.count(HearingState::Blocked), 1);
    QCOMPARE(m.count(HearingState::Buffering), 1);
    QCOMPARE(m.total(), 5);
    QCOMPARE(m.hidden, 1);
    QCOMPARE(m.medianDelayMs(), 300); // of {100, 300}: the upper middle
    QCOMPARE(m.worstDelayMs(), 300);
    const HearingCounts back = HearingCounts::fromJson(m.toJson());
    QCOMPARE(back.byState, m.byState);
    QCOMPARE(back.worstDelayMs(), 300);
}

void TestHearing::reportsShowPerStream()
{
    TestServer server;
    const quint16 port = server.port();
    Speaker speaker;
    QVERIFY(speaker.open(server, QStringLiteral("main")));
    WsClient phone, laptop, tablet;
    QNetworkRequest req(server.ws(QStringLiteral("/ws/listen/main")));
    req.setRawHeader("User-Agent", kIphone);
    phone.socket.open(req);
    QTRY_VERIFY_WITH_TIMEOUT(!phone.lastJsonOfType(QStringLiteral("connected")).isEmpty(), 5000);
    QVERIFY(laptop.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    QVERIFY(tablet.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    report(phone, R"("state":"playing","delay_ms":120,"decoder":"wasm","underruns":3)");
    report(laptop, R"("state":"playing","delay_ms":80,"decoder":"webcodecs","hidden":true)");
    report(tablet, R"("state":"blocked")");
    // An HTTP player (ffmpeg-like) reading the MP3 stream: playing while it reads.
    QTcpSocket player;
    QVERIFY(connectLoopback(player, port));
    player.write("GET /stream/main.mp3 HTTP/1.1\r\nHost: x\r\nUser-Agent: Lavf/59.27.100\r\n\r\n");
    QObject::connect(&player, &QTcpSocket::readyRead, [&player] { player.readAll(); });

    QTRY_COMPARE_WITH_TIMEOUT(hearingCount(port, QStringLiteral("main"), "playing"), 3, 5000);
    QCOMPARE(hearingCount(port, QStringLiteral("main"), "blocked"), 1);
    QCOMPARE(hearingCount(port, QStringLiteral("main"), "unknown"), 0);
    const QJsonObject s = streamOf(port, QStringLiteral("main"));
    const QJsonObject h = s.value(QLatin1String("hearing")).toObject();
    QCOMPARE(h.value(QLatin1String("hidden")).toInt(), 1);
    QCOMPARE(h.value(QLatin1String("delay_ms")).toObject().value(QLatin1String("worst")).toInt(), 120);
    QCOMPARE(h.value(QLatin1String("delay_ms")).toObject().value(QLatin1String("median")).toInt(), 120);
    QVERIFY(s.value(QLatin1String("level_dbfs")).toDouble() > -20); // the speaker's 440 Hz at -10 dBFS peak

    const QByteArray metrics = httpGet(port, QStringLiteral("/metrics")).body;
    QVERIFY(metrics.contains("onair_stream_hearing{stream=\"main\",state=\"playing\"} 3"));
    QVERIFY(metrics.contains("onair_stream_hearing{stream=\"main\",state=\"blocked\"} 1"));
    QVERIFY(metrics.contains("onair_stream_delay_ms{stream=\"main\",stat=\"worst\"} 120"));

    const QJsonArray rows = QJsonDocument::fromJson(
        httpSend(port, "GET", QStringLiteral("/api/streams/main/listeners"), {}, bearer(server.token(Role::Admin))).body)
                                .object().value(QLatin1String("listeners")).toArray();
    QCOMPARE(rows.size(), 4);
    QHash<QString, QJsonObject> byDevice;
    for (const QJsonValue &v : rows)
        byDevice.insert(v.toObject().value(QLatin1String("device")).toString(), v.toObject());
    QCOMPARE(byDevice.value(QStringLiteral("phone")).value(QLatin1String("state")).toString(), QStringLiteral("playing"));
    QCOMPARE(byDevice.value(QStringLiteral("phone")).value(QLatin1String("delay_ms")).toInt(), 120);
    QCOMPARE(byDevice.value(QStringLiteral("phone")).value(QLatin1String("decoder")).toString(), QStringLiteral("wasm"));
    QCOMPARE(byDevice.value(QStringLiteral("player")).value(QLatin1String("state")).toString(), QStringLiteral("playing"));
}

void TestHearing::badReportsAreRefusedAndChangeNothing()
{
    TestServer server;
    const quint16 port = server.port();
    Speaker speaker;
    QVERIFY(speaker.open(server, QStringLiteral("main")));
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    report(listener, R"("state":"playing","delay_ms":90)");
    // Too soon: ignored, said once; the last report stands.
    report(listener, R"("state":"blocked")");
    report(listener, R"("state":"blocked")");
    QVERIFY(listener.waitJsonType(QStringLiteral("error")));
    QTRY_COMPARE_WITH_TIMEOUT(hearingCount(port, QStringLiteral("main"), "playing"), 1, 5000);
    QCOMPARE(listener.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(), QStringLiteral("rate_limited"));
    // Invalid: an error naming the field; the connection stays, nothing changes.
    QTest::qWait(1100);
    report(listener, R"("state":"playing","delay_ms":"soon")");
    QTRY_VERIFY_WITH_TIMEOUT(listener.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString()
                                 == QLatin1String("invalid_report"), 5000);
    QVERIFY(listener.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("message")).toString().contains(QLatin1String("delay_ms")));
    int errors = 0;
    for (const QJsonObject &j : std::as_const(listener.json))
        errors += j.value(QLatin1String("type")).toString() == QLatin1String("error");
    QCOMPARE(errors, 2); // the rate limit was said once
    QTest::qWait(1100);
    QVERIFY2(hearingCount(port, QStringLiteral("main"), "playing") == 1,
             QJsonDocument(streamOf(port, QStringLiteral("main"))).toJson().constData());
    QCOMPARE(hearingCount(port, QStringLiteral("main"), "blocked"), 0);
    QVERIFY(!listener.disconnected);
    // A speaker may not report as a listener.
    report(speaker.ws, R"("state":"playing")");
    QTRY_COMPARE_WITH_TIMEOUT(speaker.ws.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(),
                              QStringLiteral("not_listener"), 5000);
    QVERIFY(!speaker.ws.disconnected);
}

void TestHearing::pageOnThePlayerCountsOnce()
{
    TestServer server;
    const quint16 port = server.port();
    Speaker speaker;
    QVERIFY(speaker.open(server, QStringLiteral("main")));
    // The listener page on plain http playing the MP3 stream: messages on ?audio=0, sound on the player.
    WsClient page;
    QVERIFY(page.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main?audio=0&client_id=page-1"))));
    QTcpSocket player;
    QVERIFY(connectLoopback(player, port));
    player.write("GET /stream/main.mp3?client_id=page-1 HTTP/1.1\r\nHost: x\r\n\r\n");
    QObject::connect(&player, &QTcpSocket::readyRead, [&player] { player.readAll(); });
    QTRY_COMPARE_WITH_TIMEOUT(hearingCount(port, QStringLiteral("main"), "playing"), 1, 5000); // the player reads
    report(page, R"("state":"blocked","decoder":"media")");
    QTRY_COMPARE_WITH_TIMEOUT(hearingCount(port, QStringLiteral("main"), "blocked"), 1, 5000);
    QCOMPARE(hearingCount(port, QStringLiteral("main"), "playing"), 0); // one listener, as its page says
    QCOMPARE(streamOf(port, QStringLiteral("main")).value(QLatin1String("listeners")).toInt(), 1);
}

void TestHearing::warningsRiseAndClear()
{
    EngineConfig config = testConfig();
    config.warnUnheardS = 1;
    config.warnSilenceS = 1;
    TestServer server(config);
    const quint16 port = server.port();
    QStringList raised;
    QObject here; // on this thread: the signal (from the watch's thread) is queued to it
    QObject::connect(server.engine().watch(), &StreamWatch::warningChanged, &here,
                     [&raised](const QString &stream, const QString &kind, bool up, const QString &) {
                         if (up)
                             raised.append(stream + u'/' + kind);
                     });
    Speaker speaker;
    speaker.amplitude = 0.0; // digital silence, and nobody listens
    QVERIFY(speaker.open(server, QStringLiteral("quiet")));
    QTRY_COMPARE_WITH_TIMEOUT(warningsOf(port, QStringLiteral("quiet")).size(), 2, 8000);
    QTRY_VERIFY(raised.contains(QStringLiteral("quiet/nobody_hearing")));
    QTRY_VERIFY(raised.contains(QStringLiteral("quiet/input_silent")));
    QVERIFY(httpGet(port, QStringLiteral("/metrics")).body.contains("onair_stream_warning{stream=\"quiet\",kind=\"input_silent\"} 1"));
    // A listener that hears it, and a voice: both clear.
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/quiet"))));
    report(listener, R"("state":"playing","delay_ms":60)");
    speaker.amplitude = 0.2;
    QTRY_VERIFY_WITH_TIMEOUT(warningsOf(port, QStringLiteral("quiet")).isEmpty(), 8000);
    // Off air: no warning however long nobody hears it.
    speaker.timer.stop();
    speaker.ws.socket.close();
    QTRY_VERIFY_WITH_TIMEOUT(!streamOf(port, QStringLiteral("quiet")).value(QLatin1String("speaker")).toObject()
                                  .value(QLatin1String("live")).toBool(), 5000);
    QTest::qWait(2500);
    QVERIFY(warningsOf(port, QStringLiteral("quiet")).isEmpty());
}

QTEST_GUILESS_MAIN(TestHearing)
#include "tst_hearing.moc"
