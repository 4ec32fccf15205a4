// Banners that reach people (issue 19) across two replicas joined through a real redis-server
// and sharing a real PostgreSQL (both started and stopped by this test): a scheduled banner
// and its expiry reach the clients of both replicas exactly once, the receipts of one replica
// include the other's clients, and "Alert again" reaches the not-dismissed client over there.
// And recording (issue 20): asked for on one replica, the speaker's replica records; both list it.
// And human interpreters (issue 21): an interpreter on r2 serves the channel's listeners on both
// replicas, taking it from r1's fallback (the floor's audio) and giving it back; one interpreter
// per channel cluster-wide.

#include "banners/bannerservice.h"
#include "cluster/redisbus.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace onair;
using namespace onair::test;

namespace {
const QByteArray kSecret = "banner-replicas-secret-0123456789";

int countOfType(const WsClient &c, const QString &type)
{
    return int(std::count_if(c.json.cbegin(), c.json.cend(),
                             [&](const QJsonObject &o) { return o.value(QLatin1String("type")).toString() == type; }));
}

QString isoIn(qint64 ms) { return QDateTime::currentDateTimeUtc().addMSecs(ms).toString(Qt::ISODateWithMs); }
QJsonObject recordingStatus(quint16 port, const QByteArray &admin)
{
    return httpGet(port, QStringLiteral("/api/streams/main/recording"), admin).json();
}
} // namespace

class TestBannerReplicas : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void scheduledAndExpiredOnce();
    void receiptsAndAlertAgainAcrossReplicas();
    void recordingOnTheSpeakersReplica();
    void interpreterOnTheOtherReplica();

private:
    EngineConfig replicaConfig(const QString &id) const
    {
        EngineConfig c = testConfig();
        c.redisUrl = m_redis->url();
        c.replicaId = id;
        c.secret = kSecret;
        c.presenceIntervalMs = 200;
        c.redisRetryMaxMs = 400;
        c.databaseUrl = m_database;
        c.bannerMinExpiryS = 1;
        return c;
    }
    TestServer &r(int i) { return *m_replicas.at(size_t(i)); }
    QByteArray admin() const { return bearer(m_replicas.at(0)->token(Role::Admin, QStringLiteral("ops"))); }
    bool pg(const char *command)
    {
        QProcess p;
        p.start(QStringLiteral("bash"), {m_pgScript, QString::fromLatin1(command), m_pgDir->path(), QString::number(m_pgPort)});
        return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<QTemporaryDir> m_pgDir;
    QString m_pgScript;
    quint16 m_pgPort = 0;
    QString m_database;
    std::vector<std::unique_ptr<TestServer>> m_replicas;
};

void TestBannerReplicas::initTestCase()
{
    ONAIR_SKIP_WITHOUT("redis-server");
    ONAIR_SKIP_WITHOUT("postgresql");
    m_pgScript = sourceDir() + QStringLiteral("/scripts/pg-test-server.sh");
    QVERIFY2(QFileInfo::exists(m_pgScript), qPrintable(m_pgScript));
    m_pgDir = std::make_unique<QTemporaryDir>();
    m_pgPort = freePort();
    QVERIFY2(pg("start"), "PostgreSQL did not start (scripts/deps.sh test installs it)");
    m_database = QStringLiteral("postgresql://onair:onair%3Ap%40ss@127.0.0.1:%1/onair").arg(m_pgPort);
    m_redis = std::make_unique<RedisServer>(freePort());
    QVERIFY2(m_redis->start(), "redis-server did not start (scripts/deps.sh test installs it)");
    for (int i = 1; i <= 2; ++i)
        m_replicas.push_back(std::make_unique<TestServer>(replicaConfig(QStringLiteral("r%1").arg(i))));
    QVERIFY(QTest::qWaitFor([this] {
        return std::all_of(m_replicas.cbegin(), m_replicas.cend(), [](const auto &rep) {
            return rep->engine().bus()->connected() && rep->engine().bus()->remoteReplicas().size() == 1;
        });
    }, 10000));
}

void TestBannerReplicas::cleanupTestCase()
{
    m_replicas.clear();
    m_redis.reset();
    if (m_pgDir)
        pg("stop");
}

void TestBannerReplicas::scheduledAndExpiredOnce()
{
    WsClient a, b;
    QVERIFY(a.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/listen/main?client_id=a1"))));
    QVERIFY(b.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/listen/main?client_id=b1"))));
    QElapsedTimer t;
    t.start();
    const HttpReply created = httpSend(r(0).port(), "POST", QStringLiteral("/api/broadcasts"),
                                       R"({"message":"Doors close","expires_in":1,"starts_at":")" + isoIn(1500).toUtf8() + R"("})",
                                       admin());
    QCOMPARE(created.status, 201);
    const QString id = created.json().value(QLatin1String("id")).toString();
    // The other replica lists it too (the store is shared).
    const QJsonArray listed = httpGet(r(1).port(), QStringLiteral("/api/broadcasts/scheduled"), admin()).json()
                                  .value(QLatin1String("broadcasts")).toArray();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.at(0).toObject().value(QLatin1String("id")).toString(), id);
    QVERIFY(!a.waitJsonType(QStringLiteral("new_broadcast"), 1000));
    QVERIFY(a.waitJsonType(QStringLiteral("new_broadcast"), 3000));
    QVERIFY(b.waitJsonType(QStringLiteral("new_broadcast"), 3000));
    qInfo("scheduled at +1500 ms: delivered on both replicas after %lld ms", t.elapsed());
    QVERIFY(a.waitJsonType(QStringLiteral("broadcast_cleared"), 3000));
    QVERIFY(b.waitJsonType(QStringLiteral("broadcast_cleared"), 3000));
    qInfo("expired (1 s) on both replicas after %lld ms", t.elapsed());
    quietPeriod(500); // a second copy from the other replica's timer would come now
    for (WsClient *c : {&a, &b}) {
        QCOMPARE(countOfType(*c, QStringLiteral("new_broadcast")), 1);
        QCOMPARE(countOfType(*c, QStringLiteral("broadcast_cleared")), 1);
    }
    for (int i = 0; i < 2; ++i)
        QCOMPARE(httpGet(r(i).port(), QStringLiteral("/api/broadcasts/active")).body.trimmed(), QByteArray("null"));
}

void TestBannerReplicas::receiptsAndAlertAgainAcrossReplicas()
{
    WsClient a, b, c;
    QVERIFY(a.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/listen/main?client_id=a2"))));
    QVERIFY(b.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/listen/main?client_id=b2"))));
    QVERIFY(c.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/listen/main?client_id=c2"))));
    const HttpReply created = httpSend(r(0).port(), "POST", QStringLiteral("/api/broadcasts"), R"({"message":"Evacuate hall B","type":"alert"})", admin());
    QCOMPARE(created.status, 201);
    const QString id = created.json().value(QLatin1String("id")).toString();
    for (WsClient *x : {&a, &b, &c})
        QVERIFY(x->waitJsonType(QStringLiteral("new_broadcast")));
    b.socket.sendTextMessage(QStringLiteral(R"({"type":"broadcast_seen","broadcast_id":"%1"})").arg(id));
    c.socket.sendTextMessage(QStringLiteral(R"({"type":"acknowledge_broadcast","broadcast_id":"%1"})").arg(id));
    QVERIFY(c.waitJsonType(QStringLiteral("broadcast_acknowledged")));
    const QString path = QStringLiteral("/api/broadcasts/%1/receipts").arg(id);
    QElapsedTimer t;
    t.start();
    QVERIFY(QTest::qWaitFor([&] {
        const QJsonObject o = httpGet(r(0).port(), path, admin()).json();
        return o.value(QLatin1String("delivered")).toInt() == 3 && o.value(QLatin1String("seen")).toInt() == 1
               && o.value(QLatin1String("dismissed")).toInt() == 1
               && o.value(QLatin1String("not_dismissed")).toArray() == QJsonArray{QStringLiteral("client:a2"), QStringLiteral("client:b2")};
    }, 5000));
    qInfo("receipts on r1 include r2's clients after %lld ms", t.elapsed());
    QCOMPARE(httpSend(r(0).port(), "POST", QStringLiteral("/api/broadcasts/%1/repeat").arg(id), {}, admin()).status, 200);
    for (WsClient *x : {&a, &b}) {
        QVERIFY(QTest::qWaitFor([&] { return countOfType(*x, QStringLiteral("new_broadcast")) == 2; }, 5000));
        QCOMPARE(x->lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("repeat")).toBool(), true);
    }
    quietPeriod(500);
    QCOMPARE(countOfType(c, QStringLiteral("new_broadcast")), 1); // it dismissed it: nothing again
    QCOMPARE(countOfType(a, QStringLiteral("new_broadcast")), 2); // once per repeat, not once per replica
    QCOMPARE(countOfType(b, QStringLiteral("new_broadcast")), 2);
}

// The wish to record is the cluster's (the shared database); the replica holding the speaker
// records, the other one does not; both list the recording; its file is served where it is.
void TestBannerReplicas::recordingOnTheSpeakersReplica()
{
    ToneSpeaker speaker(r(1).ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(speaker.ok());
    QTRY_VERIFY_WITH_TIMEOUT(!r(0).engine().bus()->remoteReplicas().isEmpty()
                                 && r(0).engine().bus()->remoteReplicas().first().streams.value(QStringLiteral("main")).speaker,
                             5000);
    const HttpReply on = httpSend(r(0).port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":true})", admin());
    QCOMPARE(on.status, 200);
    QVERIFY(on.json().value(QLatin1String("wanted")).toBool());
    QVERIFY(!on.json().value(QLatin1String("recording")).toBool()); // not here: r2 holds the speaker
    QTRY_VERIFY_WITH_TIMEOUT(recordingStatus(r(1).port(), admin()).value(QLatin1String("recording")).toBool(), 3000);
    QTest::qWait(1500);
    QVERIFY(!recordingStatus(r(0).port(), admin()).value(QLatin1String("recording")).toBool());
    const QString id = recordingStatus(r(1).port(), admin()).value(QLatin1String("id")).toString();
    // Both replicas list it (one database), written by r2.
    for (int i = 0; i < 2; ++i) {
        const QJsonArray rows = httpGet(r(i).port(), QStringLiteral("/api/recordings"), admin()).json()
                                    .value(QLatin1String("recordings")).toArray();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().toObject().value(QLatin1String("id")).toString(), id);
        QCOMPARE(rows.first().toObject().value(QLatin1String("replica")).toString(), QStringLiteral("r2"));
    }
    // Turned off on r1: r2 stops and the shared row says finished.
    QCOMPARE(httpSend(r(0).port(), "POST", QStringLiteral("/api/streams/main/recording"), R"({"record":false})", admin()).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(!recordingStatus(r(1).port(), admin()).value(QLatin1String("recording")).toBool(), 3000);
    const QJsonObject row = httpGet(r(0).port(), QStringLiteral("/api/recordings/") + id, admin()).json()
                                .value(QLatin1String("recording")).toObject();
    QCOMPARE(row.value(QLatin1String("state")).toString(), QStringLiteral("finished"));
    QVERIFY(row.value(QLatin1String("duration_ms")).toInteger() >= 1500);
    const HttpReply there = httpGet(r(1).port(), QStringLiteral("/api/recordings/%1.ogg").arg(id), admin());
    QCOMPARE(there.status, 200);
    QCOMPARE(there.body.left(4), QByteArray("OggS"));
    // Both replicas run on this machine here, so r1 reads r2's file too (a replica on another
    // machine answers 404 not_on_this_replica, naming r2).
    QCOMPARE(httpGet(r(0).port(), QStringLiteral("/api/recordings/%1.ogg").arg(id), admin()).body, there.body);
    speaker.stop();
}

namespace {
int framesIn(const WsClient &c, const QSet<QByteArray> &set, qsizetype from = 0)
{
    int n = 0;
    for (qsizetype i = from; i < c.binary.size(); ++i)
        n += set.contains(c.binary[i]) ? 1 : 0;
    return n;
}
QString sourceOf(const WsClient &c)
{
    return c.lastJsonOfType(QStringLiteral("channel_source")).value(QLatin1String("source")).toString();
}
} // namespace

void TestBannerReplicas::interpreterOnTheOtherReplica()
{
    QCOMPARE(httpSend(r(0).port(), "PUT", QStringLiteral("/api/streams/hall/channels/nl"), R"({"fallback":"original"})", admin()).status, 200);
    ToneSpeaker floor(r(0).ws(QStringLiteral("/ws/speak/hall")), 440);
    QVERIFY(floor.ok());
    WsClient here, there; // listeners of hall~nl on r1 (the floor's replica) and on r2
    QVERIFY(here.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/listen/hall~nl"))));
    QVERIFY(there.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/listen/hall~nl"))));
    QTRY_VERIFY_WITH_TIMEOUT(framesIn(here, floor.sentPackets) >= 10 && framesIn(there, floor.sentPackets) >= 10, 5000);
    QCOMPARE(sourceOf(here), QStringLiteral("original"));
    QTRY_COMPARE_WITH_TIMEOUT(sourceOf(there), QStringLiteral("original"), 3000);

    // The interpreter connects to r2: both replicas' listeners hear them, byte-identical.
    const qsizetype hereFrom = here.binary.size(), thereFrom = there.binary.size();
    auto interpreter = std::make_unique<ToneSpeaker>(r(1).ws(QStringLiteral("/ws/speak/hall~nl")), 660);
    QVERIFY(interpreter->ok());
    QTRY_VERIFY_WITH_TIMEOUT(framesIn(here, interpreter->sentPackets, hereFrom) >= 25
                                 && framesIn(there, interpreter->sentPackets, thereFrom) >= 25, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(sourceOf(here), QStringLiteral("human"), 3000);
    QCOMPARE(sourceOf(there), QStringLiteral("human"));
    const qsizetype settled = here.binary.size();
    QTest::qWait(300);
    QCOMPARE(framesIn(here, floor.sentPackets, settled), 0); // r1's fallback gave the channel up
    QVERIFY(framesIn(here, interpreter->sentPackets, settled) >= 10);
    QTRY_COMPARE_WITH_TIMEOUT(httpGet(r(0).port(), QStringLiteral("/api/streams/hall/channels")).json()
                                  .value(QLatin1String("channels")).toArray().first().toObject().value(QLatin1String("source")).toString(),
                              QStringLiteral("human"), 3000);

    // One interpreter per channel in the whole cluster: a second one on r1 is refused.
    WsClient second;
    QVERIFY(second.open(r(0).ws(QStringLiteral("/ws/speak/hall~nl"))));
    QVERIFY(second.waitDisconnected());
    QCOMPARE(second.closeCode, 4409);

    // The interpreter leaves: r1 puts the floor back on the channel, for both replicas.
    interpreter->stop();
    const qsizetype hereBack = here.binary.size(), thereBack = there.binary.size();
    QTRY_VERIFY_WITH_TIMEOUT(framesIn(here, floor.sentPackets, hereBack) >= 10
                                 && framesIn(there, floor.sentPackets, thereBack) >= 10, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(sourceOf(here), QStringLiteral("original"), 3000);
    QTRY_COMPARE_WITH_TIMEOUT(sourceOf(there), QStringLiteral("original"), 3000);
    floor.stop();
}

QTEST_GUILESS_MAIN(TestBannerReplicas)
#include "tst_bannerreplicas.moc"
