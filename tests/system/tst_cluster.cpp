// Three replicas joined through a real redis-server on a loopback port (started and killed by
// this test): cross-replica audio, one speaker per stream cluster-wide, banners, acks, topics,
// kicks, presence totals, and Redis going away and coming back.

#include "banners/bannerservice.h"
#include "cluster/redisbus.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cmath>

using namespace onair;
using namespace onair::test;

namespace {

using Redis = RedisServer;

const QByteArray kSecret = "cluster-test-secret-0123456789";

QByteArray frameOf(int i)
{
    QByteArray f(160, char(i & 0x7f));
    memcpy(f.data(), &i, sizeof i);
    return f;
}

int numsub(const Redis &r, const QString &stream)
{
    const QList<QByteArray> lines = r.cli({QStringLiteral("PUBSUB"), QStringLiteral("NUMSUB"),
                                           QStringLiteral("onair:stream:") + stream}).split('\n');
    return lines.size() >= 2 ? lines.at(1).trimmed().toInt() : -1;
}

} // namespace

class TestCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void crossReplicaAudio();
    void playersOnAnotherReplica();
    void oneSpeakerClusterWide();
    void bannerReachesEveryReplica();
    void ackHonouredAfterReconnect();
    void topicsCrossReplicas();
    void presenceTotals();
    void kickAcrossReplicas();
    void localSpeakerRespectsTheLease();
    void redisDownAtStart();
    void redisKilledDuringBroadcast();

private:
    EngineConfig replicaConfig(const QString &id, const QString &redisUrl) const
    {
        EngineConfig c = testConfig();
        c.redisUrl = redisUrl;
        c.replicaId = id;
        c.secret = kSecret;
        c.presenceIntervalMs = 200;
        c.speakerLeaseMs = 3000;
        c.redisRetryMaxMs = 400;
        if (!m_database.isEmpty())
            c.databaseUrl = m_database;
        return c;
    }
    TestServer &r(int i) { return *m_replicas.at(i); }
    QByteArray admin() const { return bearer(m_replicas.at(0)->token(Role::Admin, QStringLiteral("ops"))); }
    // Until every replica's bus is connected and each sees the other two.
    bool waitClusterFormed(int timeoutMs = 10000)
    {
        return QTest::qWaitFor([this] {
            return std::all_of(m_replicas.cbegin(), m_replicas.cend(), [](const auto &rep) {
                return rep->engine().bus()->connected() && rep->engine().bus()->remoteReplicas().size() == 2;
            });
        }, timeoutMs);
    }
    bool waitNumsub(const QString &stream, int n, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return numsub(*m_redis, stream) == n; }, timeoutMs);
    }

    bool pg(const char *command)
    {
        QProcess p;
        p.start(QStringLiteral("bash"), {m_pgScript, QString::fromLatin1(command), m_pgDir->path(), QString::number(m_pgPort)});
        return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    std::unique_ptr<Redis> m_redis;
    std::unique_ptr<QTemporaryDir> m_pgDir;
    QString m_pgScript;
    quint16 m_pgPort = 0;
    QString m_database;
    std::vector<std::unique_ptr<TestServer>> m_replicas;
};

void TestCluster::initTestCase()
{
    // The shared store: a throwaway PostgreSQL on a loopback port (scripts/pg-test-server.sh).
    ONAIR_SKIP_WITHOUT("redis-server");
    ONAIR_SKIP_WITHOUT("postgresql");
    m_pgScript = sourceDir() + QStringLiteral("/scripts/pg-test-server.sh");
    QVERIFY2(QFileInfo::exists(m_pgScript), qPrintable(m_pgScript));
    m_pgDir = std::make_unique<QTemporaryDir>();
    m_pgPort = freePort();
    QVERIFY2(pg("start"), "PostgreSQL did not start (scripts/deps.sh test installs it)");
    m_database = QStringLiteral("postgresql://onair:onair%3Ap%40ss@127.0.0.1:%1/onair").arg(m_pgPort);
    m_redis = std::make_unique<Redis>(freePort());
    QVERIFY2(m_redis->start(), "redis-server did not start (scripts/deps.sh test installs it)");
    for (int i = 1; i <= 3; ++i)
        m_replicas.push_back(std::make_unique<TestServer>(replicaConfig(QStringLiteral("r%1").arg(i), m_redis->url())));
    QVERIFY2(waitClusterFormed(), "the three replicas did not see each other through Redis");
}

void TestCluster::cleanupTestCase()
{
    m_replicas.clear();
    m_redis.reset();
    if (m_pgDir)
        pg("stop");
}

void TestCluster::crossReplicaAudio()
{
    const QString stream = QStringLiteral("xaudio");
    WsClient l2, l3, l1;
    QVERIFY(l2.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/listen/") + stream)));
    QVERIFY(l3.openAndWaitConnected(r(2).ws(QStringLiteral("/ws/listen/") + stream)));
    QVERIFY(l1.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/listen/") + stream)));
    // Replicas 2 and 3 subscribe to the stream's channel (replica 1 too, until its speaker comes).
    QVERIFY(waitNumsub(stream, 3));

    WsClient speaker;
    QVERIFY(speaker.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/speak/") + stream)));
    QCOMPARE(speaker.lastJsonOfType(QStringLiteral("connected")).value(QLatin1String("role")).toString(), QStringLiteral("speaker"));
    // Replica 1 has its own speaker now: it stops listening to the channel (no echo traffic).
    QVERIFY(waitNumsub(stream, 2));
    speaker.socket.sendTextMessage(QStringLiteral(R"({"type":"hello","format":{"codec":"pcm","sample_rate":48000,"channels":1,"frame_ms":20}})"));
    QVERIFY(l2.waitJsonType(QStringLiteral("speaker_joined")));
    // (A null format at speaker_joined, then the hello's.)
    QTRY_COMPARE(l3.lastJsonOfType(QStringLiteral("format")).value(QLatin1String("format")).toObject()
                     .value(QLatin1String("sample_rate")).toInt(), 48000);

    const int n = 200;
    for (int i = 0; i < n; ++i) {
        speaker.socket.sendBinaryMessage(frameOf(i));
        if (i % 20 == 19)
            QTest::qWait(5); // pacing: lets the sockets drain, not a synchronisation
    }
    QVERIFY(l2.waitBinary(n, 10000));
    QVERIFY(l3.waitBinary(n, 10000));
    QVERIFY(l1.waitBinary(n, 10000));
    quietPeriod(300); // nothing more may arrive: no duplicates
    for (WsClient *l : {&l1, &l2, &l3}) {
        QCOMPARE(l->binary.size(), n);
        for (int i = 0; i < n; ++i)
            QCOMPARE(l->binary.at(i), frameOf(i)); // byte-identical, in order
    }
    // A new listener on another replica learns the remote speaker's state at once.
    WsClient late;
    QVERIFY(late.openAndWaitConnected(r(2).ws(QStringLiteral("/ws/listen/") + stream)));
    const QJsonObject hello = late.lastJsonOfType(QStringLiteral("connected"));
    QVERIFY(hello.value(QLatin1String("speaker_live")).toBool());
    QCOMPARE(hello.value(QLatin1String("format")).toObject().value(QLatin1String("codec")).toString(), QStringLiteral("pcm"));
    // The stream list (the web page's index) on a replica without the speaker shows it live.
    bool listed = false;
    for (const QJsonValue &v : httpGet(r(2).port(), QStringLiteral("/api/streams")).json().value(QLatin1String("streams")).toArray()) {
        const QJsonObject o = v.toObject();
        if (o.value(QLatin1String("id")).toString() == stream)
            listed = o.value(QLatin1String("speaker_live")).toBool() && o.value(QLatin1String("listeners")).toInt() == 4;
    }
    QVERIFY(listed);

    speaker.socket.close();
    QVERIFY(l3.waitJsonType(QStringLiteral("speaker_left")));
    QVERIFY(l2.waitJsonType(QStringLiteral("speaker_left")));
}

// Standard players on a replica that does not hold the speaker: the replica renders the
// stream it receives through Redis (docs/protocol.md "Players"), and counts them.
void TestCluster::playersOnAnotherReplica()
{
    ONAIR_SKIP_WITHOUT("ffmpeg");
    const QString stream = QStringLiteral("xplayers");
    ToneSpeaker speaker(r(0).ws(QStringLiteral("/ws/speak/") + stream), 440);
    QVERIFY(speaker.ok());
    QTcpSocket ogg;
    ogg.connectToHost(QHostAddress::LocalHost, r(2).port());
    QTRY_COMPARE(ogg.state(), QAbstractSocket::ConnectedState);
    ogg.write("GET /stream/" + stream.toLatin1() + ".ogg HTTP/1.1\r\nHost: x\r\n\r\n");
    QProcess ffmpeg;
    ffmpeg.start(QStringLiteral("ffmpeg"), {QStringLiteral("-nostdin"), QStringLiteral("-loglevel"), QStringLiteral("error"),
                                            QStringLiteral("-i"), QStringLiteral("http://127.0.0.1:%1/stream/%2.mp3").arg(r(2).port()).arg(stream),
                                            QStringLiteral("-t"), QStringLiteral("3"), QStringLiteral("-f"), QStringLiteral("s16le"),
                                            QStringLiteral("-ac"), QStringLiteral("1"), QStringLiteral("-ar"), QStringLiteral("48000"),
                                            QStringLiteral("pipe:1")});
    QByteArray pcm, oggBytes;
    QObject::connect(&ffmpeg, &QProcess::readyReadStandardOutput, &ffmpeg, [&] { pcm += ffmpeg.readAllStandardOutput(); });
    // The cluster counts them: presence carries replica 3's players to replica 1.
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        for (const QJsonValue &v : httpGet(r(0).port(), QStringLiteral("/api/streams")).json().value(QLatin1String("streams")).toArray())
            if (v.toObject().value(QLatin1String("id")).toString() == stream)
                return v.toObject().value(QLatin1String("listeners")).toInt() == 2;
        return false;
    }(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(ffmpeg.state() == QProcess::NotRunning, 15000);
    pcm += ffmpeg.readAllStandardOutput();
    oggBytes = ogg.readAll();
    speaker.stop();
    QVERIFY2(ffmpeg.exitCode() == 0, ffmpeg.readAllStandardError().constData());
    QCOMPARE(pcm.size(), 3 * 48000 * 2);
    const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
    int crossings = 0;
    for (qsizetype i = 48000 + 1; i < pcm.size() / 2; ++i)
        crossings += (s[i - 1] < 0) != (s[i] < 0) ? 1 : 0;
    const double hz = crossings / 2.0 / 2.0;
    qInfo("MP3 on replica 3 of a speaker on replica 1: %.1f Hz", hz);
    QVERIFY2(std::abs(hz - 440) < 9, QByteArray::number(hz));
    // The Ogg player there got pages too (32 kb/s Opus: over 8 KB in 3 s).
    QVERIFY(oggBytes.startsWith("HTTP/1.0 200"));
    QVERIFY2(oggBytes.count("OggS") > 20 && oggBytes.size() > 8000, QByteArray::number(oggBytes.size()));
}

void TestCluster::oneSpeakerClusterWide()
{
    // Two speakers for one fresh stream on two replicas at the same moment: the lease in
    // Redis lets exactly one on air; the other is refused (4409, or 409 if it already knew).
    std::unique_ptr<WsClient> keepA, keepB;
    for (int round = 0; round < 5; ++round) {
        const QString stream = QStringLiteral("solo%1").arg(round);
        keepA = std::make_unique<WsClient>();
        keepB = std::make_unique<WsClient>();
        WsClient &a = *keepA, &b = *keepB;
        a.socket.open(r(1).ws(QStringLiteral("/ws/speak/") + stream));
        b.socket.open(r(2).ws(QStringLiteral("/ws/speak/") + stream));
        auto onAir = [](const WsClient &c) {
            return !c.lastJsonOfType(QStringLiteral("connected")).isEmpty() && !c.disconnected;
        };
        auto settled = [&] {
            const int air = int(onAir(a)) + int(onAir(b));
            const int refused = int(a.disconnected || a.socket.error() != QAbstractSocket::UnknownSocketError)
                + int(b.disconnected || b.socket.error() != QAbstractSocket::UnknownSocketError);
            return air == 1 && refused == 1;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(settled(), qPrintable(QStringLiteral("round %1: a on air %2 closed %3 (%4); b on air %5 closed %6 (%7)")
                                            .arg(round).arg(onAir(a)).arg(a.disconnected).arg(a.closeCode)
                                            .arg(onAir(b)).arg(b.disconnected).arg(b.closeCode)), 5000);
        const WsClient &loser = onAir(a) ? b : a;
        if (loser.closeCode >= 0 && loser.disconnected && loser.closeCode != 1006)
            QVERIFY2(loser.closeCode == 4409, qPrintable(QString::number(loser.closeCode) + loser.closeReason));
        quietPeriod();
        QVERIFY(onAir(a) != onAir(b)); // the winner stays on air
        const QString key = QStringLiteral("onair:lease:") + stream;
        const QByteArray holder = m_redis->cli({QStringLiteral("GET"), key}).trimmed();
        QVERIFY2(holder.startsWith(onAir(a) ? "r2/" : "r3/"), holder.constData());
    }
    // A third try while one is on air (the last round's winner), on the replica that has
    // neither: refused with 4409 and a reason naming the replica that has the speaker.
    WsClient third;
    third.socket.open(r(0).ws(QStringLiteral("/ws/speak/solo4")));
    QVERIFY(third.waitDisconnected());
    QCOMPARE(third.closeCode, 4409);
    QVERIFY2(third.closeReason.contains(QLatin1String("replica r")), qPrintable(third.closeReason));
    QVERIFY(third.lastJsonOfType(QStringLiteral("connected")).isEmpty());
}

void TestCluster::bannerReachesEveryReplica()
{
    WsClient e1, e2, e3;
    QVERIFY(e1.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/events"))));
    QVERIFY(e2.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/events"))));
    QVERIFY(e3.openAndWaitConnected(r(2).ws(QStringLiteral("/ws/events"))));
    const HttpReply created = httpSend(r(1).port(), "POST", QStringLiteral("/api/broadcasts"),
                                       R"({"message":"Fire drill at 14:00","type":"warning"})", admin());
    QCOMPARE(created.status, 201);
    const QString id = created.json().value(QLatin1String("id")).toString();
    for (WsClient *e : {&e1, &e2, &e3}) {
        QVERIFY(e->waitJsonType(QStringLiteral("new_broadcast")));
        QCOMPARE(e->lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("broadcast")).toObject()
                     .value(QLatin1String("id")).toString(), id);
    }
    quietPeriod(200); // a second copy would arrive now
    for (WsClient *e : {&e1, &e2, &e3}) {
        int n = 0;
        for (const QJsonObject &o : e->json)
            n += o.value(QLatin1String("type")).toString() == QLatin1String("new_broadcast");
        QCOMPARE(n, 1); // exactly once, wherever it was created
    }
    // Every replica's REST view agrees (the desktop / web read this).
    for (int i = 0; i < 3; ++i)
        QCOMPARE(httpGet(r(i).port(), QStringLiteral("/api/broadcasts/active")).json().value(QLatin1String("id")).toString(), id);
    // Cleared on replica 3: gone everywhere.
    QCOMPARE(httpSend(r(2).port(), "POST", QStringLiteral("/api/broadcasts/clear"), {}, admin()).status, 200);
    QVERIFY(e1.waitJsonType(QStringLiteral("broadcast_cleared")));
    QVERIFY(e2.waitJsonType(QStringLiteral("broadcast_cleared")));
}

void TestCluster::ackHonouredAfterReconnect()
{
    const HttpReply created = httpSend(r(0).port(), "POST", QStringLiteral("/api/broadcasts"),
                                       R"({"message":"Doors open","type":"info"})", admin());
    QCOMPARE(created.status, 201);
    const QString id = created.json().value(QLatin1String("id")).toString();
    QTRY_VERIFY_WITH_TIMEOUT(r(2).engine().banners()->active(), 3000);
    {
        WsClient on3;
        QVERIFY(on3.openAndWaitConnected(r(2).ws(QStringLiteral("/ws/events?client_id=alice"))));
        QVERIFY(on3.waitJsonType(QStringLiteral("active_broadcast")));
        on3.socket.sendTextMessage(QStringLiteral(R"({"type":"acknowledge_broadcast","broadcast_id":"%1"})").arg(id));
        QVERIFY(on3.waitJsonType(QStringLiteral("broadcast_acknowledged")));
    }
    // Alice reconnects through the load balancer and lands on replica 1: no banner again.
    QTRY_VERIFY_WITH_TIMEOUT(!r(0).engine().banners()->activeFor(QStringLiteral("client:alice")), 3000);
    WsClient on1, bob;
    QVERIFY(on1.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/events?client_id=alice"))));
    QVERIFY(bob.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/events?client_id=bob"))));
    QVERIFY(bob.waitJsonType(QStringLiteral("active_broadcast"))); // others still see it
    quietPeriod(300);
    QVERIFY(on1.lastJsonOfType(QStringLiteral("active_broadcast")).isEmpty());
    QCOMPARE(r(0).engine().banners()->acknowledgedCount(), 1);
    QCOMPARE(httpSend(r(0).port(), "POST", QStringLiteral("/api/broadcasts/clear"), {}, admin()).status, 200);
}

void TestCluster::topicsCrossReplicas()
{
    WsClient sub1, sub2, other;
    QVERIFY(sub1.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/events"))));
    QVERIFY(sub1.subscribe({QStringLiteral("project:apollo")}));
    QVERIFY(sub2.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/events"))));
    QVERIFY(sub2.subscribe({QStringLiteral("project:apollo")}));
    QVERIFY(other.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/events"))));
    QVERIFY(other.subscribe({QStringLiteral("project:gemini")}));
    const HttpReply pub = httpSend(r(2).port(), "POST", QStringLiteral("/api/publish"),
                                   R"({"topic":"project:apollo","data":{"n":7}})", admin());
    QCOMPARE(pub.status, 202);
    for (WsClient *c : {&sub1, &sub2}) {
        QVERIFY(c->waitJsonType(QStringLiteral("event")));
        const QJsonObject ev = c->lastJsonOfType(QStringLiteral("event"));
        QCOMPARE(ev.value(QLatin1String("topic")).toString(), QStringLiteral("project:apollo"));
        QCOMPARE(ev.value(QLatin1String("data")).toObject().value(QLatin1String("n")).toInt(), 7);
    }
    quietPeriod(200);
    QVERIFY(other.lastJsonOfType(QStringLiteral("event")).isEmpty());
    int n = 0;
    for (const QJsonObject &o : sub1.json)
        n += o.value(QLatin1String("type")).toString() == QLatin1String("event");
    QCOMPARE(n, 1);
}

void TestCluster::presenceTotals()
{
    const QString stream = QStringLiteral("counted");
    std::vector<std::unique_ptr<WsClient>> ls;
    const int per[3] = {1, 2, 3};
    for (int i = 0; i < 3; ++i) {
        for (int k = 0; k < per[i]; ++k) {
            ls.push_back(std::make_unique<WsClient>());
            QVERIFY(ls.back()->openAndWaitConnected(r(i).ws(QStringLiteral("/ws/listen/") + stream)));
        }
    }
    WsClient events;
    QVERIFY(events.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/events"))));
    QVERIFY(events.subscribe({QStringLiteral("stream:") + stream}));
    QJsonObject cluster, mine;
    auto clusterCountsSix = [&] {
        const QJsonObject body = httpGet(r(0).port(), QStringLiteral("/health/connections")).json();
        cluster = body.value(QLatin1String("cluster")).toObject();
        for (const QJsonValue &v : body.value(QLatin1String("streams")).toArray()) {
            if (v.toObject().value(QLatin1String("stream_id")).toString() == stream)
                mine = v.toObject();
        }
        const QJsonArray streams = cluster.value(QLatin1String("streams")).toArray();
        return std::any_of(streams.begin(), streams.end(), [&](const QJsonValue &v) {
            return v.toObject().value(QLatin1String("stream_id")).toString() == stream
                && v.toObject().value(QLatin1String("listeners")).toInt() == 6;
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(clusterCountsSix(), 5000);
    QCOMPARE(mine.value(QLatin1String("listeners")).toInt(), 1); // this replica's own
    QCOMPARE(cluster.value(QLatin1String("scope")).toString(), QStringLiteral("all replicas"));
    QJsonObject row;
    for (const QJsonValue &v : cluster.value(QLatin1String("streams")).toArray()) {
        if (v.toObject().value(QLatin1String("stream_id")).toString() == stream)
            row = v.toObject();
    }
    QCOMPARE(row.value(QLatin1String("listeners")).toInt(), 6);
    const QJsonObject by = row.value(QLatin1String("by_replica")).toObject();
    QCOMPARE(by.value(QLatin1String("r1")).toInt(), 1);
    QCOMPARE(by.value(QLatin1String("r2")).toInt(), 2);
    QCOMPARE(by.value(QLatin1String("r3")).toInt(), 3);
    QCOMPARE(cluster.value(QLatin1String("replicas")).toArray().size(), 3);
    // Each replica's presence is also a key with a TTL (three intervals).
    for (const char *rep : {"r1", "r2", "r3"}) {
        const int ttl = m_redis->cli({QStringLiteral("PTTL"), QStringLiteral("onair:presence:") + QLatin1String(rep)}).trimmed().toInt();
        QVERIFY2(ttl > 0 && ttl <= 600, qPrintable(QString::number(ttl)));
    }
    QVERIFY(cluster.value(QLatin1String("totals")).toObject().value(QLatin1String("listeners")).toInt() >= 6);
    // The listeners event on the stream's topic carries the cluster total and this replica's.
    auto seen = [&] {
        return std::any_of(events.json.cbegin(), events.json.cend(), [](const QJsonObject &o) {
            const QJsonObject d = o.value(QLatin1String("data")).toObject();
            return d.value(QLatin1String("event")).toString() == QLatin1String("listeners")
                && d.value(QLatin1String("listeners")).toInt() == 6 && d.value(QLatin1String("replica_listeners")).toInt() == 1;
        });
    };
    for (int nudges = 0; nudges < 12 && !QTest::qWaitFor(seen, 400); ++nudges) {
        // One more listener elsewhere makes every replica publish a fresh count.
        WsClient extra;
        QVERIFY(extra.openAndWaitConnected(r(2).ws(QStringLiteral("/ws/listen/") + stream)));
    }
    QVERIFY(seen());
}

void TestCluster::kickAcrossReplicas()
{
    WsClient victim;
    QVERIFY(victim.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/listen/kicked"))));
    const HttpReply list = httpGet(r(1).port(), QStringLiteral("/api/streams/kicked/listeners"), admin());
    QCOMPARE(list.status, 200);
    const QJsonObject who = list.json().value(QLatin1String("listeners")).toArray().first().toObject();
    QCOMPARE(who.value(QLatin1String("replica")).toString(), QStringLiteral("r2"));
    const QString id = who.value(QLatin1String("id")).toString();
    // The operator's request reaches replica 1; the connection lives on replica 2.
    const HttpReply kicked = httpSend(r(0).port(), "POST", QStringLiteral("/api/connections/%1/kick").arg(id),
                                      R"({"reason":"bye","replica":"r2"})", admin());
    QCOMPARE(kicked.status, 202);
    QCOMPARE(kicked.json().value(QLatin1String("forwarded_to")).toString(), QStringLiteral("r2"));
    QVERIFY(victim.waitDisconnected());
    QCOMPARE(victim.closeCode, 1008);
    QCOMPARE(victim.closeReason, QStringLiteral("bye"));
    // An unknown replica name is a clear 404, not a silent no-op.
    QCOMPARE(httpSend(r(0).port(), "POST", QStringLiteral("/api/connections/1/kick"), R"({"replica":"nope"})", admin()).status, 404);
}

void TestCluster::localSpeakerRespectsTheLease()
{
    // The desktop's in-process microphone on r1 against a stream spoken on r2: refused at once
    // when r1 already knows (presence), and taken off air when only the lease says so.
    WsClient remote;
    QVERIFY(remote.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/speak/desk"))));
    QTRY_VERIFY_WITH_TIMEOUT(r(0).engine().bus()->remoteSpeaker(QStringLiteral("desk")), 3000);
    QString error;
    QVERIFY(!r(0).engine().startLocalSpeaker(QStringLiteral("desk"), {}, &error));
    QVERIFY2(error.contains(QLatin1String("replica r2")), qPrintable(error));

    m_redis->cli({QStringLiteral("SET"), QStringLiteral("onair:lease:desk2"), QStringLiteral("r3/999"),
                  QStringLiteral("PX"), QStringLiteral("5000")});
    QSignalSpy refused(&r(0).engine(), &Engine::localSpeakerRefused);
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/listen/desk2"))));
    QVERIFY(r(0).engine().startLocalSpeaker(QStringLiteral("desk2"), {}, &error)); // pending the lease
    r(0).engine().publishLocal(QStringLiteral("desk2"), frameOf(1));                // not on air yet: dropped
    QVERIFY(refused.wait(3000));
    QCOMPARE(refused.first().at(0).toString(), QStringLiteral("desk2"));
    QVERIFY(refused.first().at(1).toString().contains(QLatin1String("replica r3")));
    quietPeriod();
    QVERIFY(listener.binary.isEmpty());
    QVERIFY(listener.lastJsonOfType(QStringLiteral("speaker_joined")).isEmpty());
    QVERIFY(!r(0).engine().hub()->hasLocalSpeaker(QStringLiteral("desk2")));
    QCOMPARE(m_redis->cli({QStringLiteral("GET"), QStringLiteral("onair:lease:desk2")}).trimmed(), QByteArray("r3/999"));
}

void TestCluster::redisDownAtStart()
{
    const quint16 port = freePort();
    Redis late(port);
    TestServer lone(replicaConfig(QStringLiteral("lone"), late.url()));
    // Up and serving without Redis, and saying so.
    HttpReply h = httpGet(lone.port(), QStringLiteral("/health"));
    QCOMPARE(h.status, 200);
    QCOMPARE(h.json().value(QLatin1String("status")).toString(), QStringLiteral("degraded"));
    QVERIFY(h.json().value(QLatin1String("reasons")).toArray().first().toString().startsWith(QLatin1String("redis:")));
    WsClient l, s;
    QVERIFY(l.openAndWaitConnected(lone.ws(QStringLiteral("/ws/listen/solo"))));
    QVERIFY(s.openAndWaitConnected(lone.ws(QStringLiteral("/ws/speak/solo"))));
    s.socket.sendBinaryMessage(frameOf(1));
    QVERIFY(l.waitBinary(1));
    const HttpReply full = httpGet(lone.port(), QStringLiteral("/health/full"));
    QCOMPARE(full.json().value(QLatin1String("components")).toObject().value(QLatin1String("redis")).toObject()
                 .value(QLatin1String("status")).toString(), QStringLiteral("down"));
    QVERIFY(httpGet(lone.port(), QStringLiteral("/metrics")).body.contains("onair_redis_publish_failures_total"));
    // Redis appears: the replica joins without a restart.
    QVERIFY(late.start());
    QTRY_VERIFY_WITH_TIMEOUT(lone.engine().bus()->connected(), 8000);
    h = httpGet(lone.port(), QStringLiteral("/health"));
    QCOMPARE(h.json().value(QLatin1String("status")).toString(), QStringLiteral("ok"));
    // Its speaker now holds the cluster lease too.
    QTRY_VERIFY_WITH_TIMEOUT(!late.cli({QStringLiteral("GET"), QStringLiteral("onair:lease:solo")}).trimmed().isEmpty(), 5000);
    QVERIFY(late.cli({QStringLiteral("GET"), QStringLiteral("onair:lease:solo")}).startsWith("lone/"));
}

void TestCluster::redisKilledDuringBroadcast()
{
    const QString stream = QStringLiteral("survivor");
    WsClient local, remote, speaker;
    QVERIFY(local.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/listen/") + stream)));
    QVERIFY(remote.openAndWaitConnected(r(1).ws(QStringLiteral("/ws/listen/") + stream)));
    QVERIFY(waitNumsub(stream, 2));
    QVERIFY(speaker.openAndWaitConnected(r(0).ws(QStringLiteral("/ws/speak/") + stream)));
    int next = 0;
    auto send = [&](int n) {
        for (int i = 0; i < n; ++i)
            speaker.socket.sendBinaryMessage(frameOf(next++));
    };
    send(20);
    QVERIFY(remote.waitBinary(20));
    QVERIFY(local.waitBinary(20));

    const qint64 failuresBefore = r(0).engine().bus()->publishFailures.load();
    m_redis->kill();
    QTRY_VERIFY_WITH_TIMEOUT(!r(0).engine().bus()->connected(), 5000);
    // Local delivery goes on; health says degraded with the reason; failures are counted.
    send(20);
    QVERIFY(local.waitBinary(40));
    const HttpReply h = httpGet(r(0).port(), QStringLiteral("/health"));
    QCOMPARE(h.status, 200);
    QCOMPARE(h.json().value(QLatin1String("status")).toString(), QStringLiteral("degraded"));
    QVERIFY(h.json().value(QLatin1String("reasons")).toArray().first().toString().contains(QLatin1String("redis")));
    QVERIFY(r(0).engine().bus()->publishFailures.load() > failuresBefore);
    QVERIFY(httpGet(r(1).port(), QStringLiteral("/health/full")).json().value(QLatin1String("components")).toObject()
                .value(QLatin1String("redis")).toObject().value(QLatin1String("status")).toString() == QLatin1String("down"));
    // Banners still work locally (SQL is the truth) while Redis is gone.
    const HttpReply created = httpSend(r(2).port(), "POST", QStringLiteral("/api/broadcasts"),
                                       R"({"message":"Made while Redis was down","type":"info"})", admin());
    QCOMPARE(created.status, 201);

    // Redis comes back on the same port: the replicas reconnect and resubscribe on their own.
    QVERIFY(m_redis->start());
    QVERIFY2(waitClusterFormed(15000), "the replicas did not rejoin after Redis came back");
    QVERIFY(waitNumsub(stream, 1));
    const int before = int(remote.binary.size());
    QTimer speaking; // the speaker goes on, a frame every 20 ms
    connect(&speaking, &QTimer::timeout, this, [&] { send(1); });
    speaking.start(20);
    QTRY_VERIFY2_WITH_TIMEOUT(remote.binary.size() > before, "cross-replica audio did not resume", 5000);
    speaking.stop();
    // In order after the gap: the frames the remote listener got are increasing.
    for (qsizetype i = 1; i < remote.binary.size(); ++i) {
        int a = 0, b = 0;
        memcpy(&a, remote.binary.at(i - 1).constData(), sizeof a);
        memcpy(&b, remote.binary.at(i).constData(), sizeof b);
        QVERIFY(b > a);
    }
    QCOMPARE(httpGet(r(0).port(), QStringLiteral("/health")).json().value(QLatin1String("status")).toString(),
             QStringLiteral("ok"));
    // With a shared store the banner made during the outage reaches the other replicas once
    // they resync; with per-replica SQLite it stays where it was made.
    if (!m_database.isEmpty()) {
        QTRY_VERIFY_WITH_TIMEOUT(r(0).engine().banners()->active(), 5000);
    }
}

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
