// The engine's web surface over real sockets: the embedded pages and their security headers,
// /api/streams, the "streams" topic, latency marks relayed in order with audio, and the
// server clock in pong. (The pages themselves run in Chromium: tests/browser/.)
#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace onair;
using namespace onair::test;

class TestWebPages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void pagesAreServedWithSecurityHeaders_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("script");
        QTest::newRow("index") << QStringLiteral("/") << QStringLiteral("/assets/index.js");
        QTest::newRow("listen") << QStringLiteral("/listen/main") << QStringLiteral("/assets/listen.js");
        QTest::newRow("speak") << QStringLiteral("/speak/main") << QStringLiteral("/assets/speak.js");
        QTest::newRow("listen odd id") << QStringLiteral("/listen/a.b-c_1") << QStringLiteral("/assets/listen.js");
        QTest::newRow("recordings") << QStringLiteral("/recordings") << QStringLiteral("/assets/recordings.js");
        QTest::newRow("listen channel") << QStringLiteral("/listen/main~nl") << QStringLiteral("/assets/listen.js");
        QTest::newRow("booth") << QStringLiteral("/interpret/main/nl") << QStringLiteral("/assets/interpret.js");
        QTest::newRow("booth three-letter language") << QStringLiteral("/interpret/a.b-c_1/nld") << QStringLiteral("/assets/interpret.js");
    }
    void pagesAreServedWithSecurityHeaders()
    {
        QFETCH(QString, path);
        QFETCH(QString, script);
        const HttpReply r = httpGet(m_server->port(), path);
        QCOMPARE(r.status, 200);
        const QByteArray head = r.head.toLower();
        QVERIFY(head.contains("content-type: text/html; charset=utf-8"));
        QVERIFY(head.contains("content-security-policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"));
        QVERIFY(head.contains("frame-ancestors 'none'"));
        QVERIFY(head.contains("x-content-type-options: nosniff"));
        QVERIFY(r.body.contains(QStringLiteral("src=\"%1\"").arg(script).toUtf8()));
        // The CSP forbids inline script: every <script> has a src, no on*= handlers.
        static const QRegularExpression inlineScript(QStringLiteral("<script(?![^>]*\\bsrc=)[^>]*>"));
        static const QRegularExpression handler(QStringLiteral("\\son[a-z]+\\s*="), QRegularExpression::CaseInsensitiveOption);
        QVERIFY(!inlineScript.match(QString::fromUtf8(r.body)).hasMatch());
        QVERIFY(!handler.match(QString::fromUtf8(r.body)).hasMatch());
        // Every asset the page names is served, with its type.
        static const QRegularExpression asset(QStringLiteral("(?:src|href)=\"(/assets/[^\"]+)\""));
        int assets = 0;
        for (auto it = asset.globalMatch(QString::fromUtf8(r.body)); it.hasNext(); ++assets) {
            const QString a = it.next().captured(1);
            const HttpReply ar = httpGet(m_server->port(), a);
            QVERIFY2(ar.status == 200 && !ar.body.isEmpty(), qPrintable(a));
            QVERIFY(ar.head.toLower().contains("x-content-type-options: nosniff"));
            if (a.endsWith(QLatin1String(".js")))
                QVERIFY(ar.head.toLower().contains("content-type: text/javascript"));
        }
        QVERIFY(assets >= 3);
    }

    void badPagePathsAreRefused_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::newRow("id too long") << QStringLiteral("/listen/") + QString(65, u'a') << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("unicode id") << QStringLiteral("/listen/caf%C3%A9") << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("speak bad id") << QStringLiteral("/speak/a%20b") << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("booth unknown language") << QStringLiteral("/interpret/main/xx") << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("booth upper-case language") << QStringLiteral("/interpret/main/NL") << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("booth bad stream") << QStringLiteral("/interpret/a%20b/nl") << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("booth on a channel") << QStringLiteral("/interpret/main~en/nl") << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("booth doubled tilde") << QStringLiteral("/interpret/main~/nl") << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("booth stream too long") << QStringLiteral("/interpret/") + QString(65, u'a') + QStringLiteral("/nl") << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("booth without language") << QStringLiteral("/interpret/main") << 404 << QStringLiteral("not_found");
        QTest::newRow("listen unknown language") << QStringLiteral("/listen/main~xx") << 400 << QStringLiteral("invalid_stream_id");
        QTest::newRow("missing asset") << QStringLiteral("/assets/nope.js") << 404 << QStringLiteral("not_found");
        QTest::newRow("traversal") << QStringLiteral("/assets/..%2Findex.html") << 404 << QStringLiteral("not_found");
        QTest::newRow("html not an asset") << QStringLiteral("/assets/index.html") << 404 << QStringLiteral("not_found");
        QTest::newRow("unknown page") << QStringLiteral("/nothing") << 404 << QStringLiteral("not_found");
    }
    void badPagePathsAreRefused()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, error);
        const HttpReply r = httpGet(m_server->port(), path);
        QCOMPARE(r.status, status);
        QCOMPARE(r.json().value(QLatin1String("error")).toString(), error);
        QCOMPARE(httpGet(m_server->port(), QStringLiteral("/health")).status, 200); // still up
    }

    void streamsListAndTopic()
    {
        WsClient events;
        QVERIFY(events.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/events"))));
        QVERIFY(events.subscribe({QStringLiteral("streams")}));
        QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/streams")).json().value(QLatin1String("streams")).toArray().size(), 0);
        WsClient speaker, listener;
        QVERIFY(speaker.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/alpha"))));
        speaker.socket.sendTextMessage(QStringLiteral(R"({"type":"hello","format":{"codec":"opus","bitrate":24000,"fec":true}})"));
        QVERIFY(speaker.waitJsonType(QStringLiteral("format_accepted")));
        QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/beta"))));
        QVERIFY(events.waitJsonType(QStringLiteral("event")));
        QTRY_VERIFY(events.json.size() >= 4); // speaker_joined alpha + listeners beta (throttled)
        QStringList seen;
        for (const QJsonObject &o : std::as_const(events.json))
            if (o.value(QLatin1String("type")).toString() == QLatin1String("event"))
                seen.append(o.value(QLatin1String("topic")).toString());
        QVERIFY(seen.contains(QStringLiteral("stream:alpha")));
        QTRY_VERIFY(seen.contains(QStringLiteral("stream:beta")) || [&] {
            for (const QJsonObject &o : std::as_const(events.json))
                if (o.value(QLatin1String("topic")).toString() == QLatin1String("stream:beta"))
                    return true;
            return false;
        }());

        const QJsonArray streams = httpGet(m_server->port(), QStringLiteral("/api/streams")).json()
                                       .value(QLatin1String("streams")).toArray();
        QCOMPARE(streams.size(), 2);
        QCOMPARE(streams.at(0).toObject().value(QLatin1String("id")).toString(), QStringLiteral("alpha"));
        QCOMPARE(streams.at(0).toObject().value(QLatin1String("speaker_live")).toBool(), true);
        QCOMPARE(streams.at(0).toObject().value(QLatin1String("format")).toObject().value(QLatin1String("bitrate")).toInt(), 24000);
        QCOMPARE(streams.at(0).toObject().value(QLatin1String("format")).toObject().value(QLatin1String("fec")).toBool(), true);
        QCOMPARE(streams.at(1).toObject().value(QLatin1String("id")).toString(), QStringLiteral("beta"));
        QCOMPARE(streams.at(1).toObject().value(QLatin1String("listeners")).toInt(), 1);
        QCOMPARE(streams.at(1).toObject().value(QLatin1String("speaker_live")).toBool(), false);
        // The probe stream of /health/full stays internal.
        QCOMPARE(httpGet(m_server->port(), QStringLiteral("/health/full")).status, 200);
        QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/streams")).json().value(QLatin1String("streams")).toArray().size(), 2);
    }

    void streamsListNeedsTokenWhenListenersDo()
    {
        EngineConfig c = testConfig();
        c.requireListenerToken = true;
        TestServer locked(c);
        QCOMPARE(httpGet(locked.port(), QStringLiteral("/api/streams")).status, 401);
        QCOMPARE(httpGet(locked.port(), QStringLiteral("/api/streams"), bearer(locked.token(Role::Listener))).status, 200);
        QCOMPARE(httpGet(locked.port(), QStringLiteral("/")).status, 200); // the page itself is public
    }

    void marksTravelInOrderWithAudio()
    {
        WsClient speaker, listener;
        QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/m"))));
        QVERIFY(speaker.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/m"))));
        QVERIFY(listener.waitJsonType(QStringLiteral("speaker_joined")));
        // The listener records text and binary in arrival order in `texts` / `binary`; record
        // the interleaving through a combined log instead.
        QStringList order;
        connect(&listener.socket, &QWebSocket::textMessageReceived, this, [&order](const QString &t) {
            const QJsonObject o = QJsonDocument::fromJson(t.toUtf8()).object();
            if (o.value(QLatin1String("type")).toString() == QLatin1String("mark"))
                order.append(QStringLiteral("mark%1").arg(o.value(QLatin1String("id")).toInt()));
        });
        connect(&listener.socket, &QWebSocket::binaryMessageReceived, this, [&order](const QByteArray &b) {
            order.append(QStringLiteral("audio%1").arg(int(quint8(b.at(0)))));
        });
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int i = 0; i < 10; ++i) {
            if (i % 3 == 0)
                speaker.socket.sendTextMessage(QStringLiteral(R"({"type":"mark","id":%1,"t":%2})").arg(i).arg(now + i));
            speaker.socket.sendBinaryMessage(QByteArray(1, char(i)) + QByteArray(100, 'x'));
        }
        QTRY_COMPARE(order.size(), 14);
        QCOMPARE(order, QStringList({QStringLiteral("mark0"), QStringLiteral("audio0"), QStringLiteral("audio1"),
                                     QStringLiteral("audio2"), QStringLiteral("mark3"), QStringLiteral("audio3"),
                                     QStringLiteral("audio4"), QStringLiteral("audio5"), QStringLiteral("mark6"),
                                     QStringLiteral("audio6"), QStringLiteral("audio7"), QStringLiteral("audio8"),
                                     QStringLiteral("mark9"), QStringLiteral("audio9")}));
        const QJsonObject mark = listener.lastJsonOfType(QStringLiteral("mark"));
        QCOMPARE(mark.value(QLatin1String("stream_id")).toString(), QStringLiteral("m"));
        QCOMPARE(qint64(mark.value(QLatin1String("t")).toDouble()), now + 9);
        QVERIFY(speaker.lastJsonOfType(QStringLiteral("error")).isEmpty());
    }

    void badMarksAreRefused_data()
    {
        QTest::addColumn<QString>("message");
        QTest::newRow("no id") << QStringLiteral(R"({"type":"mark","t":1})");
        QTest::newRow("negative id") << QStringLiteral(R"({"type":"mark","id":-1,"t":1})");
        QTest::newRow("fractional id") << QStringLiteral(R"({"type":"mark","id":1.5,"t":1})");
        QTest::newRow("string t") << QStringLiteral(R"({"type":"mark","id":1,"t":"now"})");
        QTest::newRow("huge t") << QStringLiteral(R"({"type":"mark","id":1,"t":1e300})");
    }
    void badMarksAreRefused()
    {
        QFETCH(QString, message);
        WsClient speaker, listener;
        QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/bad"))));
        QVERIFY(speaker.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/bad"))));
        speaker.socket.sendTextMessage(message);
        QVERIFY(speaker.waitJsonType(QStringLiteral("error")));
        QCOMPARE(speaker.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(),
                 QStringLiteral("invalid_mark"));
        speaker.socket.sendBinaryMessage(QByteArray(10, 'a'));
        QVERIFY(listener.waitBinary(1));
        QVERIFY(listener.lastJsonOfType(QStringLiteral("mark")).isEmpty()); // nothing relayed
        QVERIFY(!speaker.disconnected);
    }

    void marksAreRateLimitedAndListenersCannotMark()
    {
        WsClient speaker, listener;
        QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/r"))));
        QVERIFY(speaker.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/r"))));
        for (int i = 0; i < 60; ++i)
            speaker.socket.sendTextMessage(QStringLiteral(R"({"type":"mark","id":%1,"t":1000})").arg(i));
        QVERIFY(speaker.waitJsonType(QStringLiteral("error")));
        QCOMPARE(speaker.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(),
                 QStringLiteral("rate_limited"));
        listener.socket.sendTextMessage(QStringLiteral(R"({"type":"mark","id":1,"t":1000})"));
        QVERIFY(listener.waitJsonType(QStringLiteral("error")));
        QCOMPARE(listener.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(),
                 QStringLiteral("unknown_type"));
    }

    void pongCarriesServerTime()
    {
        WsClient c;
        QVERIFY(c.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/clock"))));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        c.socket.sendTextMessage(QStringLiteral(R"({"type":"ping","t":%1})").arg(before));
        QVERIFY(c.waitJsonType(QStringLiteral("pong")));
        const QJsonObject pong = c.lastJsonOfType(QStringLiteral("pong"));
        QCOMPARE(qint64(pong.value(QLatin1String("t")).toDouble()), before);
        const qint64 server = qint64(pong.value(QLatin1String("server_time")).toDouble());
        QVERIFY(server >= before && server <= QDateTime::currentMSecsSinceEpoch());
    }

private:
    std::unique_ptr<TestServer> m_server;
};

QTEST_GUILESS_MAIN(TestWebPages)
#include "tst_webpages.moc"
