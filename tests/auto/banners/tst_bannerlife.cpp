// Banners that reach people (issue 19) over real sockets: the create request's fields and
// their refusals, receipts (delivered / seen / dismissed / not dismissed), "Alert again" to
// the not-dismissed clients only, expiry and scheduling, also across a restart.
#include "banners/bannerservice.h"
#include "banners/store.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUuid>

using namespace onair;
using namespace onair::test;

namespace {
int countOfType(const WsClient &c, const QString &type)
{
    return int(std::count_if(c.json.cbegin(), c.json.cend(),
                             [&](const QJsonObject &o) { return o.value(QLatin1String("type")).toString() == type; }));
}

bool waitCount(const WsClient &c, const QString &type, int n, int timeoutMs = 5000)
{
    return QTest::qWaitFor([&] { return countOfType(c, type) >= n; }, timeoutMs);
}

QString isoIn(qint64 ms) { return QDateTime::currentDateTimeUtc().addMSecs(ms).toString(Qt::ISODateWithMs); }

EngineConfig lifeConfig(const QString &dataDir = {})
{
    EngineConfig c = testConfig();
    c.bannerMinExpiryS = 1; // the tests wait seconds, not the default 10
    c.dataDir = dataDir;
    return c;
}
} // namespace

class TestBannerLife : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>(lifeConfig());
        m_admin = bearer(m_server->token(Role::Admin, QStringLiteral("ops")));
    }
    void cleanup() { m_server.reset(); }

    void createRefuses_data();
    void createRefuses();
    void messageTypeAlias();
    void receiptsAndAlertAgain();
    void expiry();
    void scheduling();
    void cancelScheduled();
    void acrossRestart();
    void storeTransitionsHappenOnce();

private:
    HttpReply post(const QString &path, const QByteArray &body)
    {
        return httpSend(m_server->port(), "POST", path, body, m_admin);
    }
    QJsonObject receipts(const QString &id)
    {
        return httpGet(m_server->port(), QStringLiteral("/api/broadcasts/%1/receipts").arg(id), m_admin).json();
    }
    QJsonObject historyEntry(quint16 port, const QString &id)
    {
        const QJsonArray list = httpGet(port, QStringLiteral("/api/broadcasts?limit=50"), m_admin).json()
                                    .value(QLatin1String("broadcasts")).toArray();
        for (const QJsonValue &v : list) {
            if (v.toObject().value(QLatin1String("id")).toString() == id)
                return v.toObject();
        }
        return {};
    }
    std::unique_ptr<TestServer> m_server;
    QByteArray m_admin;
};

void TestBannerLife::createRefuses_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("says");
    QTest::addRow("unknown-field") << QByteArray(R"({"message":"hi","colour":"red"})") << QStringLiteral("unknown_field")
                                   << QStringLiteral("unknown field \"colour\"; accepted: message, type, message_type, expires_in, starts_at");
    QTest::addRow("created_by-is-not-accepted") << QByteArray(R"({"message":"hi","created_by":"someone"})")
                                                << QStringLiteral("unknown_field") << QStringLiteral("\"created_by\"");
    QTest::addRow("conflicting-type") << QByteArray(R"({"message":"hi","type":"info","message_type":"alert"})")
                                      << QStringLiteral("conflicting_type") << QStringLiteral("message_type");
    QTest::addRow("bad-alias-value") << QByteArray(R"({"message":"hi","message_type":"urgent"})") << QStringLiteral("invalid_type")
                                     << QStringLiteral("info, warning, alert");
    QTest::addRow("expires-below-min") << QByteArray(R"({"message":"hi","expires_in":0})") << QStringLiteral("invalid_expires_in")
                                       << QStringLiteral("from 1 to 86400");
    QTest::addRow("expires-above-max") << QByteArray(R"({"message":"hi","expires_in":86401})") << QStringLiteral("invalid_expires_in")
                                       << QStringLiteral("from 1 to 86400");
    QTest::addRow("expires-fraction") << QByteArray(R"({"message":"hi","expires_in":10.5})") << QStringLiteral("invalid_expires_in")
                                      << QStringLiteral("whole seconds");
    QTest::addRow("expires-string") << QByteArray(R"({"message":"hi","expires_in":"60"})") << QStringLiteral("invalid_expires_in")
                                    << QStringLiteral("whole seconds");
    QTest::addRow("starts-garbage") << QByteArray(R"({"message":"hi","starts_at":"tomorrow"})") << QStringLiteral("invalid_starts_at")
                                    << QStringLiteral("ISO 8601");
    QTest::addRow("starts-without-zone") << QByteArray(R"({"message":"hi","starts_at":"2030-01-01T10:00:00"})")
                                         << QStringLiteral("invalid_starts_at") << QStringLiteral("Z or an offset");
    QTest::addRow("starts-number") << QByteArray(R"({"message":"hi","starts_at":1767225600})") << QStringLiteral("invalid_starts_at")
                                   << QStringLiteral("ISO 8601");
    QTest::addRow("starts-in-the-past") << (R"({"message":"hi","starts_at":")" + isoIn(-60000).toUtf8() + R"("})")
                                        << QStringLiteral("invalid_starts_at") << QStringLiteral("in the future");
    QTest::addRow("starts-too-far") << (R"({"message":"hi","starts_at":")" + isoIn(8LL * 86400 * 1000).toUtf8() + R"("})")
                                    << QStringLiteral("invalid_starts_at") << QStringLiteral("604800 seconds");
}

void TestBannerLife::createRefuses()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    QFETCH(QString, says);
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    const HttpReply r = post(QStringLiteral("/api/broadcasts"), body);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), error);
    QVERIFY2(r.json().value(QLatin1String("message")).toString().contains(says), r.body.constData());
    if (error == QLatin1String("unknown_field"))
        QCOMPARE(r.json().value(QLatin1String("accepted")).toArray().size(), 5);
    QString e;
    QCOMPARE(m_server->engine().store()->history(10, &e)->size(), 0); // nothing stored, scheduled or not
    quietPeriod();
    QVERIFY(listener.lastJsonOfType(QStringLiteral("new_broadcast")).isEmpty());
}

void TestBannerLife::messageTypeAlias()
{
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    // The field the page's seed uses on the wire is accepted on REST too: never a quiet "info".
    HttpReply r = post(QStringLiteral("/api/broadcasts"), R"({"message":"x","message_type":"warning"})");
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json().value(QLatin1String("type")).toString(), QStringLiteral("warning"));
    QCOMPARE(r.json().value(QLatin1String("state")).toString(), QStringLiteral("active"));
    QVERIFY(r.json().value(QLatin1String("expires_at")).isNull());
    QVERIFY(listener.waitJsonType(QStringLiteral("new_broadcast")));
    QCOMPARE(listener.lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("broadcast")).toObject()
                 .value(QLatin1String("message_type")).toString(), QStringLiteral("warning"));
    const QJsonObject limits = httpGet(m_server->port(), QStringLiteral("/api/broadcasts/limits")).json();
    QCOMPARE(limits.value(QLatin1String("min_expires_in")).toInt(), 1);
    QCOMPARE(limits.value(QLatin1String("max_expires_in")).toInt(), 86400);
    QCOMPARE(limits.value(QLatin1String("max_schedule_ahead")).toInt(), 604800);
    r = post(QStringLiteral("/api/broadcasts"), R"({"message":"y","type":"alert","message_type":"alert","expires_in":null})");
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json().value(QLatin1String("type")).toString(), QStringLiteral("alert"));
}

void TestBannerLife::receiptsAndAlertAgain()
{
    std::vector<std::unique_ptr<WsClient>> c;
    for (const char *who : {"ann", "bob", "cas"}) {
        c.push_back(std::make_unique<WsClient>());
        QVERIFY(c.back()->openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main?client_id=%1").arg(QLatin1String(who)))));
    }
    const HttpReply created = post(QStringLiteral("/api/broadcasts"), R"({"message":"Room change","type":"alert"})");
    QCOMPARE(created.status, 201);
    const QString id = created.json().value(QLatin1String("id")).toString();
    for (auto &client : c)
        QVERIFY(client->waitJsonType(QStringLiteral("new_broadcast")));
    for (int i : {0, 1})
        c[size_t(i)]->socket.sendTextMessage(QStringLiteral(R"({"type":"broadcast_seen","broadcast_id":"%1"})").arg(id));
    c[2]->socket.sendTextMessage(QStringLiteral(R"({"type":"acknowledge_broadcast","broadcast_id":"%1"})").arg(id));
    QVERIFY(c[2]->waitJsonType(QStringLiteral("broadcast_acknowledged")));
    QTRY_COMPARE(receipts(id).value(QLatin1String("seen")).toInt(), 2);
    QJsonObject r = receipts(id);
    QCOMPARE(r.value(QLatin1String("delivered")).toInt(), 3);
    QCOMPARE(r.value(QLatin1String("dismissed")).toInt(), 1);
    QCOMPARE(r.value(QLatin1String("not_dismissed")).toArray(), (QJsonArray{QStringLiteral("client:ann"), QStringLiteral("client:bob")}));
    QCOMPARE(r.value(QLatin1String("not_dismissed_total")).toInt(), 2);
    // A second seen from the same identity does not count twice; an unknown id is ignored.
    c[0]->socket.sendTextMessage(QStringLiteral(R"({"type":"broadcast_seen","broadcast_id":"%1"})").arg(id));
    c[0]->socket.sendTextMessage(QStringLiteral(R"({"type":"broadcast_seen","broadcast_id":"nope"})"));
    quietPeriod();
    QCOMPARE(receipts(id).value(QLatin1String("seen")).toInt(), 2);

    QCOMPARE(post(QStringLiteral("/api/broadcasts/%1/repeat").arg(id), {}).status, 200);
    for (int i : {0, 1}) {
        QVERIFY(waitCount(*c[size_t(i)], QStringLiteral("new_broadcast"), 2));
        const QJsonObject again = c[size_t(i)]->lastJsonOfType(QStringLiteral("new_broadcast"));
        QCOMPARE(again.value(QLatin1String("repeat")).toBool(), true);
        QCOMPARE(again.value(QLatin1String("broadcast")).toObject().value(QLatin1String("id")).toString(), id);
    }
    quietPeriod(500); // the one who dismissed it is left alone
    QCOMPARE(countOfType(*c[2], QStringLiteral("new_broadcast")), 1);

    // A client that goes away is no longer "not dismissed"; the 409 and 404 rows.
    c[1].reset();
    QTRY_COMPARE(receipts(id).value(QLatin1String("not_dismissed")).toArray(), (QJsonArray{QStringLiteral("client:ann")}));
    QCOMPARE(post(QStringLiteral("/api/broadcasts/%1/repeat").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)), {}).status, 409);
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts/nope/receipts"), m_admin).status, 404);
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts/%1/receipts").arg(id), bearer(m_server->token(Role::Listener))).status, 403);
    QCOMPARE(httpSend(m_server->port(), "POST", QStringLiteral("/api/broadcasts/%1/repeat").arg(id), {}).status, 401);
}

void TestBannerLife::expiry()
{
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    QElapsedTimer t;
    t.start();
    const HttpReply r = post(QStringLiteral("/api/broadcasts"), R"({"message":"short","expires_in":1})");
    QCOMPARE(r.status, 201);
    const QString id = r.json().value(QLatin1String("id")).toString();
    const QDateTime expiresAt = QDateTime::fromString(r.json().value(QLatin1String("expires_at")).toString(), Qt::ISODateWithMs);
    QVERIFY(expiresAt.isValid());
    QVERIFY(listener.waitJsonType(QStringLiteral("new_broadcast")));
    QCOMPARE(listener.lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("broadcast")).toObject()
                 .value(QLatin1String("expires_at")).toString(), r.json().value(QLatin1String("expires_at")).toString());
    QVERIFY(listener.waitJsonType(QStringLiteral("broadcast_cleared"), 3000));
    const qint64 ms = t.elapsed();
    qInfo("expires_in 1 s: broadcast_cleared after %lld ms", ms);
    QVERIFY2(ms >= 500 && ms <= 1500, qPrintable(QString::number(ms)));
    quietPeriod(300);
    QCOMPARE(countOfType(listener, QStringLiteral("broadcast_cleared")), 1);
    QCOMPARE(historyEntry(m_server->port(), id).value(QLatin1String("state")).toString(), QStringLiteral("expired"));
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts/active")).body.trimmed(), QByteArray("null"));
}

void TestBannerLife::scheduling()
{
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    QElapsedTimer t;
    t.start();
    const HttpReply r = post(QStringLiteral("/api/broadcasts"),
                             R"({"message":"later","type":"warning","expires_in":60,"starts_at":")" + isoIn(2000).toUtf8() + R"("})");
    QCOMPARE(r.status, 201);
    const QString id = r.json().value(QLatin1String("id")).toString();
    QCOMPARE(r.json().value(QLatin1String("state")).toString(), QStringLiteral("scheduled"));
    const QDateTime startsAt = QDateTime::fromString(r.json().value(QLatin1String("starts_at")).toString(), Qt::ISODateWithMs);
    QCOMPARE(QDateTime::fromString(r.json().value(QLatin1String("expires_at")).toString(), Qt::ISODateWithMs), startsAt.addSecs(60));
    HttpReply list = httpGet(m_server->port(), QStringLiteral("/api/broadcasts/scheduled"), m_admin);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json().value(QLatin1String("broadcasts")).toArray().size(), 1);
    QCOMPARE(list.json().value(QLatin1String("broadcasts")).toArray().at(0).toObject().value(QLatin1String("id")).toString(), id);
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts/active")).body.trimmed(), QByteArray("null"));
    QVERIFY(!listener.waitJsonType(QStringLiteral("new_broadcast"), 1400)); // not before its time
    QVERIFY(listener.waitJsonType(QStringLiteral("new_broadcast"), 3000));
    const qint64 ms = t.elapsed();
    qInfo("starts_at now+2 s: new_broadcast after %lld ms", ms);
    QVERIFY2(ms >= 1500 && ms <= 2500, qPrintable(QString::number(ms)));
    QCOMPARE(listener.lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("broadcast")).toObject()
                 .value(QLatin1String("id")).toString(), id);
    list = httpGet(m_server->port(), QStringLiteral("/api/broadcasts/scheduled"), m_admin);
    QCOMPARE(list.json().value(QLatin1String("broadcasts")).toArray().size(), 0);
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts/active")).json().value(QLatin1String("state")).toString(),
             QStringLiteral("active"));
    quietPeriod(300);
    QCOMPARE(countOfType(listener, QStringLiteral("new_broadcast")), 1);
}

void TestBannerLife::cancelScheduled()
{
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    const HttpReply r = post(QStringLiteral("/api/broadcasts"), R"({"message":"never","starts_at":")" + isoIn(1500).toUtf8() + R"("})");
    QCOMPARE(r.status, 201);
    const QString id = r.json().value(QLatin1String("id")).toString();
    const QString path = QStringLiteral("/api/broadcasts/scheduled/") + id;
    QCOMPARE(httpSend(m_server->port(), "DELETE", path, {}, bearer(m_server->token(Role::Listener))).status, 403);
    const HttpReply cancelled = httpSend(m_server->port(), "DELETE", path, {}, m_admin);
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.json().value(QLatin1String("cancelled")).toBool(), true);
    QCOMPARE(httpGet(m_server->port(), QStringLiteral("/api/broadcasts/scheduled"), m_admin).json()
                 .value(QLatin1String("broadcasts")).toArray().size(), 0);
    QCOMPARE(httpSend(m_server->port(), "DELETE", path, {}, m_admin).status, 404);
    QVERIFY(!listener.waitJsonType(QStringLiteral("new_broadcast"), 2500)); // past its start: never shown
    QCOMPARE(historyEntry(m_server->port(), id).value(QLatin1String("state")).toString(), QStringLiteral("cancelled"));
}

void TestBannerLife::acrossRestart()
{
    m_server.reset();
    QTemporaryDir dir;
    QString expiringId, scheduledId;
    {
        TestServer first(lifeConfig(dir.path()));
        m_admin = bearer(first.token(Role::Admin, QStringLiteral("ops")));
        HttpReply r = httpSend(first.port(), "POST", QStringLiteral("/api/broadcasts"), R"({"message":"soon gone","expires_in":2})", m_admin);
        QCOMPARE(r.status, 201);
        expiringId = r.json().value(QLatin1String("id")).toString();
        r = httpSend(first.port(), "POST", QStringLiteral("/api/broadcasts"),
                     R"({"message":"while down","starts_at":")" + isoIn(3000).toUtf8() + R"("})", m_admin);
        QCOMPARE(r.status, 201);
        scheduledId = r.json().value(QLatin1String("id")).toString();
    } // stopped before either time came
    QTest::qWait(3500); // both came while no server ran
    TestServer second(lifeConfig(dir.path()));
    QCOMPARE(second.engine().banners()->activeId(), scheduledId); // activated at start, not before a client asks
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(second.ws(QStringLiteral("/ws/listen/main"))));
    QVERIFY(listener.waitJsonType(QStringLiteral("active_broadcast")));
    QCOMPARE(listener.lastJsonOfType(QStringLiteral("active_broadcast")).value(QLatin1String("broadcast")).toObject()
                 .value(QLatin1String("id")).toString(), scheduledId);
    QCOMPARE(historyEntry(second.port(), expiringId).value(QLatin1String("state")).toString(), QStringLiteral("expired"));
    QCOMPARE(historyEntry(second.port(), scheduledId).value(QLatin1String("state")).toString(), QStringLiteral("active"));
}

void TestBannerLife::storeTransitionsHappenOnce()
{
    // What lets exactly one replica publish a start or an expiry: the second caller sees false.
    Store *store = m_server->engine().store();
    QString e;
    Banner b = makeBanner(QStringLiteral("later"));
    b.startsAt = QDateTime::currentDateTimeUtc().addSecs(3600);
    b.expiresAt = b.startsAt.addSecs(60);
    QVERIFY2(store->insertScheduledBanner(b, &e), qPrintable(e));
    QCOMPARE(store->scheduledBanners(&e)->size(), 1);
    QCOMPARE(store->activeBanner(&e)->isValid(), false);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    bool won = false;
    QVERIFY(store->activateScheduled(b.id, now, &won, &e));
    QVERIFY(won);
    QVERIFY(store->activateScheduled(b.id, now, &won, &e));
    QVERIFY(!won);
    const Banner active = *store->activeBanner(&e);
    QCOMPARE(active.id, b.id);
    QCOMPARE(active.state, QStringLiteral("active"));
    QCOMPARE(active.expiresAt, b.expiresAt);
    QVERIFY(store->finishBanner(b.id, QStringLiteral("active"), QStringLiteral("expired"), now, &won, &e));
    QVERIFY(won);
    QVERIFY(store->finishBanner(b.id, QStringLiteral("active"), QStringLiteral("expired"), now, &won, &e));
    QVERIFY(!won);
    QCOMPARE(store->activeBanner(&e)->isValid(), false);
    QCOMPARE(store->banner(b.id, &e)->state, QStringLiteral("expired"));
    QCOMPARE(store->scheduledBanners(&e)->size(), 0);
}

QTEST_GUILESS_MAIN(TestBannerLife)
#include "tst_bannerlife.moc"
