// Banners (seed 002) over real sockets: every REST route and error row, the WebSocket
// message flow of the seed's testing steps, and banner text stored and sent verbatim.
#include "banners/bannerservice.h"
#include "banners/store.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUuid>

using namespace onair;
using namespace onair::test;

class TestBanners : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        m_admin = bearer(m_server->token(Role::Admin, QStringLiteral("ops")));
    }
    void cleanup() { m_server.reset(); }

    void createRejects_data();
    void createRejects();
    void createClearHistoryStatsLimits();
    void seedTestingSteps();
    void payloadsAreVerbatim_data();
    void payloadsAreVerbatim();
    void restAcknowledge();
    void eventsClientsGetBannersToo();
    void adminListsAndKicksListeners();

private:
    HttpReply post(const QString &path, const QByteArray &body, const QByteArray &headers)
    {
        return httpSend(m_server->port(), "POST", path, body, headers);
    }
    std::unique_ptr<TestServer> m_server;
    QByteArray m_admin;
};

void TestBanners::createRejects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("auth"); // 0 none, 1 admin, 2 listener, 3 bad token
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    const QByteArray ok = R"({"message":"Session B starts in 5 minutes","type":"info"})";
    QTest::addRow("no-credentials") << ok << QByteArray("application/json") << 0 << 401 << QStringLiteral("unauthorized");
    QTest::addRow("bad-token") << ok << QByteArray("application/json") << 3 << 401 << QStringLiteral("unauthorized");
    QTest::addRow("listener-role") << ok << QByteArray("application/json") << 2 << 403 << QStringLiteral("forbidden");
    QTest::addRow("empty") << QByteArray(R"({"message":""})") << QByteArray("application/json") << 1 << 400 << QStringLiteral("empty_message");
    QTest::addRow("whitespace") << QByteArray(R"({"message":" \n\t "})") << QByteArray("application/json") << 1 << 400 << QStringLiteral("empty_message");
    QTest::addRow("missing-message") << QByteArray(R"({"type":"info"})") << QByteArray("application/json") << 1 << 400 << QStringLiteral("invalid_message");
    QTest::addRow("number-message") << QByteArray(R"({"message":5})") << QByteArray("application/json") << 1 << 400 << QStringLiteral("invalid_message");
    QTest::addRow("281-chars") << QByteArray(R"({"message":")" + QByteArray(281, 'a') + R"("})") << QByteArray("application/json") << 1 << 400
                               << QStringLiteral("message_too_long");
    // 281 emoji: 281 code points, 562 UTF-16 units, 1124 bytes
    QByteArray emoji;
    for (int i = 0; i < 281; ++i)
        emoji += "\xF0\x9F\x93\xA2";
    QTest::addRow("281-emoji") << QByteArray(R"({"message":")" + emoji + R"("})") << QByteArray("application/json") << 1 << 400
                               << QStringLiteral("message_too_long");
    QTest::addRow("unknown-type") << QByteArray(R"({"message":"hi","type":"urgent"})") << QByteArray("application/json") << 1 << 400
                                  << QStringLiteral("invalid_type");
    QTest::addRow("invalid-json") << QByteArray(R"({"message":)") << QByteArray("application/json") << 1 << 400 << QStringLiteral("invalid_json");
    QTest::addRow("json-array") << QByteArray(R"(["hi"])") << QByteArray("application/json") << 1 << 400 << QStringLiteral("invalid_json");
    QTest::addRow("form-content-type") << QByteArray("message=hi") << QByteArray("application/x-www-form-urlencoded") << 1 << 415
                                       << QStringLiteral("unsupported_media_type");
    QTest::addRow("too-large") << QByteArray(R"({"message":"hi","pad":")" + QByteArray(20000, 'x') + R"("})")
                               << QByteArray("application/json") << 1 << 413 << QStringLiteral("body_too_large");
}

void TestBanners::createRejects()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, auth);
    QFETCH(int, status);
    QFETCH(QString, error);
    QByteArray headers;
    if (auth == 1)
        headers = m_admin;
    else if (auth == 2)
        headers = bearer(m_server->token(Role::Listener));
    else if (auth == 3)
        headers = "Authorization: Bearer abc.def.ghi\r\n";
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    const HttpReply r = httpSend(m_server->port(), "POST", QStringLiteral("/api/broadcasts"), body, headers, contentType);
    QCOMPARE(r.status, status);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), error);
    QVERIFY(!r.json().value(QLatin1String("message")).toString().isEmpty());
    if (error == QLatin1String("message_too_long"))
        QCOMPARE(r.json().value(QLatin1String("max_characters")).toInt(), 280);
    // Nothing stored, nothing sent.
    QString e;
    QCOMPARE(m_server->engine().store()->history(10, &e)->size(), 0);
    quietPeriod();
    QVERIFY(listener.lastJsonOfType(QStringLiteral("new_broadcast")).isEmpty());
}

void TestBanners::createClearHistoryStatsLimits()
{
    QByteArray exactly280;
    for (int i = 0; i < 280; ++i)
        exactly280 += "\xC3\xA9"; // é: 280 code points, 560 bytes
    HttpReply r = post(QStringLiteral("/api/broadcasts"), R"({"message":")" + exactly280 + R"(","type":"warning"})", m_admin);
    QCOMPARE(r.status, 201);
    const QJsonObject b = r.json();
    QCOMPARE(b.value(QLatin1String("type")).toString(), QStringLiteral("warning"));
    QCOMPARE(b.value(QLatin1String("message_type")).toString(), QStringLiteral("warning"));
    QCOMPARE(b.value(QLatin1String("created_by")).toString(), QStringLiteral("ops"));
    QCOMPARE(b.value(QLatin1String("message")).toString().size(), 280);
    QVERIFY(!QUuid::fromString(b.value(QLatin1String("id")).toString()).isNull());
    QVERIFY(QDateTime::fromString(b.value(QLatin1String("created_at")).toString(), Qt::ISODateWithMs).isValid());

    r = post(QStringLiteral("/api/broadcasts"), R"({"message":"second"})", m_admin);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json().value(QLatin1String("type")).toString(), QStringLiteral("info")); // default type

    r = httpGet(m_server->port(), QStringLiteral("/api/broadcasts/active"));
    QCOMPARE(r.json().value(QLatin1String("message")).toString(), QStringLiteral("second"));

    r = httpGet(m_server->port(), QStringLiteral("/api/broadcasts/limits"));
    QCOMPARE(r.json().value(QLatin1String("max_characters")).toInt(), 280);
    QCOMPARE(r.json().value(QLatin1String("recommended_length")).toInt(), 120);
    QCOMPARE(r.json().value(QLatin1String("current_active_broadcasts")).toInt(), 1);

    r = httpGet(m_server->port(), QStringLiteral("/api/broadcasts?limit=1"), m_admin);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QLatin1String("broadcasts")).toArray().size(), 1);
    QCOMPARE(r.json().value(QLatin1String("broadcasts")).toArray().at(0).toObject().value(QLatin1String("message")).toString(),
             QStringLiteral("second"));
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts?limit=0"), m_admin).status, 400);
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts"), {}).status, 401);

    r = httpGet(m_server->port(), QStringLiteral("/api/broadcasts/stats"), m_admin);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QLatin1String("broadcasts_today")).toInt(), 2);
    QCOMPARE(r.json().value(QLatin1String("has_active_broadcast")).toBool(), true);
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts/stats"), bearer(m_server->token(Role::Speaker))).status, 403);

    r = post(QStringLiteral("/api/broadcasts/clear"), {}, m_admin);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QLatin1String("cleared")).toBool(), true);
    r = httpGet(m_server->port(), QStringLiteral("/api/broadcasts/active"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.trimmed(), QByteArray("null"));
    r = httpGet(m_server->port(), QStringLiteral("/api/broadcasts?limit=10"), m_admin);
    QCOMPARE(r.json().value(QLatin1String("broadcasts")).toArray().size(), 2); // history keeps both
    QCOMPARE(r.json().value(QLatin1String("broadcasts")).toArray().at(0).toObject().value(QLatin1String("active")).toBool(), false);
}

void TestBanners::seedTestingSteps()
{
    // 1. connect -> connected
    auto alice = std::make_unique<WsClient>();
    QVERIFY(alice->openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main?client_id=alice"))));
    // 2. create -> new_broadcast
    const HttpReply created = post(QStringLiteral("/api/broadcasts"), R"({"message":"Test broadcast","type":"info"})", m_admin);
    QCOMPARE(created.status, 201);
    const QString id = created.json().value(QLatin1String("id")).toString();
    QVERIFY(alice->waitJsonType(QStringLiteral("new_broadcast")));
    const QJsonObject nb = alice->lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("broadcast")).toObject();
    QCOMPARE(nb.value(QLatin1String("id")).toString(), id);
    QCOMPARE(nb.value(QLatin1String("message")).toString(), QStringLiteral("Test broadcast"));
    QCOMPARE(nb.value(QLatin1String("message_type")).toString(), QStringLiteral("info"));
    QCOMPARE(nb.value(QLatin1String("created_by")).toString(), QStringLiteral("ops"));
    QVERIFY(nb.contains(QLatin1String("created_at")));
    // get_active_broadcast answers with active_broadcast while not acknowledged
    alice->socket.sendTextMessage(QStringLiteral(R"({"type":"get_active_broadcast"})"));
    QVERIFY(alice->waitJsonType(QStringLiteral("active_broadcast")));
    // 3. ack -> reconnect -> no active_broadcast
    alice->socket.sendTextMessage(QStringLiteral(R"({"type":"acknowledge_broadcast","broadcast_id":"%1"})").arg(id));
    QVERIFY(alice->waitJsonType(QStringLiteral("broadcast_acknowledged")));
    QTRY_COMPARE(m_server->engine().banners()->acknowledgedCount(), 1);
    alice = std::make_unique<WsClient>();
    QVERIFY(alice->openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main?client_id=alice"))));
    quietPeriod(); // an acknowledged banner does not come again
    QVERIFY(alice->lastJsonOfType(QStringLiteral("active_broadcast")).isEmpty());
    alice->socket.sendTextMessage(QStringLiteral(R"({"type":"get_active_broadcast"})"));
    quietPeriod();
    QVERIFY(alice->lastJsonOfType(QStringLiteral("active_broadcast")).isEmpty());
    // 4. another identity -> gets it on connect
    WsClient bob;
    QVERIFY(bob.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main?client_id=bob"))));
    QVERIFY(bob.waitJsonType(QStringLiteral("active_broadcast")));
    QCOMPARE(bob.lastJsonOfType(QStringLiteral("active_broadcast")).value(QLatin1String("broadcast")).toObject()
                 .value(QLatin1String("id")).toString(), id);
    // REST view per identity
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts/active"), "X-Client-Id: alice\r\n").body.trimmed(),
             QByteArray("null"));
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts/active"), "X-Client-Id: bob\r\n").json()
                 .value(QLatin1String("id")).toString(), id);
    const HttpReply stats = httpGet(m_server->port(), QStringLiteral("/api/broadcasts/stats"), m_admin);
    QCOMPARE(stats.json().value(QLatin1String("acknowledged")).toInt(), 1);
    // 5. clear -> broadcast_cleared
    QCOMPARE(post(QStringLiteral("/api/broadcasts/clear"), {}, m_admin).status, 200);
    QVERIFY(alice->waitJsonType(QStringLiteral("broadcast_cleared")));
    QVERIFY(bob.waitJsonType(QStringLiteral("broadcast_cleared")));
    // acknowledging something that is not active is an error message, not a crash
    bob.socket.sendTextMessage(QStringLiteral(R"({"type":"acknowledge_broadcast","broadcast_id":"%1"})").arg(id));
    QVERIFY(bob.waitJsonType(QStringLiteral("error")));
    QVERIFY(!bob.disconnected);
}

void TestBanners::payloadsAreVerbatim_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("sql") << QStringLiteral("'); DROP TABLE broadcasts; --");
    QTest::addRow("html-script") << QStringLiteral("<script>alert('x')</script><b>bold</b> &amp;");
    QTest::addRow("unicode") << QStringLiteral("Sessie B begint over 5 minuten \u2014 \U0001F4E2 \u05E9\u05DC\u05D5\u05DD");
    QTest::addRow("json-looking") << QStringLiteral(R"({"type":"broadcast_cleared"})");
    QTest::addRow("percent-and-backslash") << QStringLiteral("100% \\n not a newline %s %d");
}

void TestBanners::payloadsAreVerbatim()
{
    QFETCH(QString, text);
    WsClient l;
    QVERIFY(l.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("message"), text}}).toJson(QJsonDocument::Compact);
    const HttpReply r = post(QStringLiteral("/api/broadcasts"), body, m_admin);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json().value(QLatin1String("message")).toString(), text);
    QVERIFY(l.waitJsonType(QStringLiteral("new_broadcast")));
    QCOMPARE(l.lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("broadcast")).toObject()
                 .value(QLatin1String("message")).toString(), text);
    QString e;
    QCOMPARE(m_server->engine().store()->activeBanner(&e)->message, text);
    QCOMPARE(m_server->engine().store()->history(10, &e)->size(), 1); // the SQL did nothing
}

void TestBanners::restAcknowledge()
{
    const HttpReply created = post(QStringLiteral("/api/broadcasts"), R"({"message":"hello","type":"alert"})", m_admin);
    const QString id = created.json().value(QLatin1String("id")).toString();
    HttpReply r = post(QStringLiteral("/api/broadcasts/%1/ack").arg(id), {}, "X-Client-Id: carol\r\n");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QLatin1String("acknowledged")).toBool(), true);
    r = post(QStringLiteral("/api/broadcasts/%1/ack").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)), {}, "X-Client-Id: carol\r\n");
    QCOMPARE(r.status, 404);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), QStringLiteral("not_found"));
    r = post(QStringLiteral("/api/broadcasts/not-a-uuid/ack"), {}, "X-Client-Id: carol\r\n");
    QCOMPARE(r.status, 404);
    r = post(QStringLiteral("/api/broadcasts/%1/ack").arg(id), {}, {});
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), QStringLiteral("missing_identity"));
    r = post(QStringLiteral("/api/broadcasts/%1/ack").arg(id), {}, bearer(m_server->token(Role::Listener, QStringLiteral("dave"))));
    QCOMPARE(r.status, 200);
    QCOMPARE(m_server->engine().banners()->acknowledgedCount(), 2);
    WsClient carol;
    QVERIFY(carol.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main?client_id=carol"))));
    quietPeriod();
    QVERIFY(carol.lastJsonOfType(QStringLiteral("active_broadcast")).isEmpty());
}

void TestBanners::eventsClientsGetBannersToo()
{
    WsClient events;
    QVERIFY(events.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/events"))));
    WsClient speaker;
    QVERIFY(speaker.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/main"))));
    QCOMPARE(post(QStringLiteral("/api/broadcasts"), R"({"message":"to all"})", m_admin).status, 201);
    QVERIFY(events.waitJsonType(QStringLiteral("new_broadcast")));
    quietPeriod();
    QVERIFY(speaker.lastJsonOfType(QStringLiteral("new_broadcast")).isEmpty()); // speakers are not audience
}

void TestBanners::adminListsAndKicksListeners()
{
    WsClient stay, go;
    QVERIFY(stay.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    QVERIFY(go.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    HttpReply r = httpGet(m_server->port(), QStringLiteral("/api/streams/main/listeners"), m_admin);
    QCOMPARE(r.status, 200);
    const QJsonArray list = r.json().value(QLatin1String("listeners")).toArray();
    QCOMPARE(list.size(), 2);
    const QString goId = list.at(1).toObject().value(QLatin1String("id")).toString(); // sorted by id: the second
    QCOMPARE(list.at(1).toObject().value(QLatin1String("address")).toString(),
             QStringLiteral("127.0.0.1:%1").arg(go.socket.localPort()));
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/streams/main/listeners"), bearer(m_server->token(Role::Speaker))).status, 403);
    r = post(QStringLiteral("/api/connections/%1/kick").arg(goId), R"({"reason":"please reconnect"})", m_admin);
    QCOMPARE(r.status, 200);
    QVERIFY(go.waitDisconnected());
    QCOMPARE(go.closeCode, 1008);
    QCOMPARE(go.closeReason, QStringLiteral("please reconnect"));
    QVERIFY(!stay.disconnected);
    QCOMPARE(post(QStringLiteral("/api/connections/%1/kick").arg(goId), {}, m_admin).status, 404);
    QCOMPARE(post(QStringLiteral("/api/connections/999999/kick"), {}, m_admin).status, 404);
    QCOMPARE(post(QStringLiteral("/api/connections/1/kick"), R"({"reason":")" + QByteArray(200, 'x') + R"("})", m_admin).status, 400);
    QTRY_COMPARE(m_server->engine().hub()->listenersOf(QStringLiteral("main")), 1);
}

QTEST_GUILESS_MAIN(TestBanners)
#include "tst_banners.moc"
