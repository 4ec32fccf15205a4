// Nothing missed across replicas (docs/protocol.md "History, offsets and resume"): three real
// onair-server processes sharing a throwaway PostgreSQL (scripts/pg-test-server.sh) and a real
// redis-server, all started and stopped by this test on loopback ports.
//  a. an events client on r2 gets what is published on r1, with the database's offsets, in order;
//  b. Redis dies and comes back: what r1 stored meanwhile reaches r2's client, once, in order,
//     on the same connection (the catch-up from the database);
//  c. r2 is killed -9 under a steady publisher: its client resumes on r3 with `since` and ends
//     with every offset exactly once (recovered:true); r2 restarts and serves resumes again;
//  d. bad `since` / subscribe input over the wire: each a clear error or recovered:false, and
//     the replica keeps serving the client and its neighbours;
//  e. r1 alone loses Redis (a partition, through a TCP proxy this test owns): what it stored
//     meanwhile must still reach the other replicas' clients once it is back;
//  f. the first events of a topic a replica holds no state for, arriving out of offset order
//     (one replica's PUBLISH held back in the proxy): clients must still get them in order;
//  g. two engines store batches of the same topics in opposite orders at the same moment
//     (row locks held by this test make the moment): every accepted event must be stored;
//  h. one history append waits (a row lock held by this test): the replica must still answer
//     /health and REST calls that have nothing to do with that topic.
// r1 talks to Redis through the proxy throughout, so (e) and (f) can act on it alone.

#include "auth/auth.h"
#include "fanout/hub.h"
#include "history/journal.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QElapsedTimer>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

using namespace onair;
using namespace onair::test;

namespace {

const QByteArray kSecret = "resume-test-secret-0123456789";
const QString kForeignEpoch = QStringLiteral("9d5ed678-fe57-4cca-b3d2-000000000000");

// Children die with the test, even when it is killed (a CTest timeout): no stray servers.
void dieWithTest(QProcess &p)
{
    p.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

QByteArray adminToken()
{
    TokenClaims c;
    c.sub = QStringLiteral("resume-test");
    c.role = Role::Admin;
    c.iat = QDateTime::currentSecsSinceEpoch();
    c.exp = c.iat + 3600;
    return mintToken(c, kSecret);
}

QByteArray publishBody(const QString &topic, int n)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("topic"), topic}, {QStringLiteral("data"), QJsonObject{{QStringLiteral("n"), n}}}})
        .toJson(QJsonDocument::Compact);
}

// POST /api/publish over a plain blocking socket, from any thread: the HTTP status, 0 when the
// server was not reached or did not answer within 3 s.
int blockingPublish(quint16 port, const QByteArray &token, const QByteArray &body)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    const timeval tv{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QByteArray answer;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) {
        const QByteArray req = "POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                               "Content-Type: application/json\r\nAuthorization: Bearer " + token
            + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        if (::send(fd, req.constData(), size_t(req.size()), MSG_NOSIGNAL) == req.size()) {
            char buf[4096];
            ssize_t n;
            while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0)
                answer.append(buf, n);
        }
    }
    ::close(fd);
    return parseHttp(answer).status;
}



QString offsetsText(const QList<qint64> &offsets)
{
    QStringList out;
    for (qint64 o : offsets)
        out.append(QString::number(o));
    return out.join(u',');
}

QString subscribeMessage(const QStringList &topics, const QJsonObject &since = {})
{
    QJsonObject m{{QStringLiteral("type"), QStringLiteral("subscribe")}, {QStringLiteral("topics"), QJsonArray::fromStringList(topics)}};
    if (!since.isEmpty())
        m.insert(QStringLiteral("since"), since);
    return QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact));
}

QJsonObject sinceOf(const QHash<QString, qint64> &last, const QString &epoch)
{
    QJsonObject since;
    for (auto it = last.begin(); it != last.end(); ++it)
        since.insert(it.key(), QJsonObject{{QStringLiteral("offset"), it.value()}, {QStringLiteral("epoch"), epoch}});
    return since;
}

int countOfType(const WsClient &c, const QString &type)
{
    return int(std::count_if(c.json.cbegin(), c.json.cend(),
                             [&](const QJsonObject &o) { return o.value(QLatin1String("type")).toString() == type; }));
}

// A topic's history as the database holds it (GET /api/topics/{topic}/history, every page).
struct Truth
{
    bool ok = false;
    QString epoch;
    qint64 head = 0;
    QList<qint64> offsets;
    QHash<qint64, int> nByOffset; // the publisher's number of each stored event
};

Truth history(quint16 port, const QString &topic)
{
    Truth t;
    for (qint64 since = 0;;) {
        const HttpReply r = httpGet(port, QStringLiteral("/api/topics/%1/history?since=%2&limit=1000").arg(topic).arg(since));
        if (r.status != 200)
            return t;
        const QJsonObject body = r.json();
        t.epoch = body.value(QLatin1String("epoch")).toString();
        t.head = qint64(body.value(QLatin1String("last_offset")).toDouble());
        const QJsonArray events = body.value(QLatin1String("events")).toArray();
        for (const QJsonValue &v : events) {
            const qint64 offset = qint64(v.toObject().value(QLatin1String("offset")).toDouble());
            t.offsets.append(offset);
            t.nByOffset.insert(offset, v.toObject().value(QLatin1String("data")).toObject().value(QLatin1String("n")).toInt());
            since = offset;
        }
        if (events.isEmpty()) {
            t.ok = true;
            return t;
        }
    }
}

// A publisher on its own thread: numbered events, alternating over `topics`, ~100 a second,
// through REST on one replica, until stopped. Counts the 202s and everything else.
class Publisher
{
public:
    Publisher(quint16 port, QStringList topics) : m_port(port), m_topics(std::move(topics))
    {
        m_thread = std::thread([this] { run(); });
    }
    ~Publisher() { stop(); }
    void stop()
    {
        m_stop.store(true);
        if (m_thread.joinable())
            m_thread.join();
    }
    int accepted() const { return m_accepted.load(); }
    int failed() const { return m_failed.load(); }

private:
    void run()
    {
        const QByteArray token = adminToken();
        for (int n = 0; !m_stop.load(); ++n) {
            const int status = blockingPublish(m_port, token, publishBody(m_topics.at(n % m_topics.size()), n));
            (status == 202 ? m_accepted : m_failed).fetch_add(1);
            std::this_thread::sleep_for(std::chrono::milliseconds(10)); // pacing, not a synchronisation
        }
    }
    const quint16 m_port;
    const QStringList m_topics;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_accepted{0}, m_failed{0};
    std::thread m_thread;
};

// A TCP proxy between one replica and redis-server, on a thread of its own (the test's waits
// do not stall it). cut: the replica's connections are closed and new ones refused, as a
// network partition would; hold: what the replica sends waits in the proxy (a slow link).
class RedisProxy : public QObject
{
    Q_OBJECT
public:
    explicit RedisProxy(quint16 upstream) : m_upstream(upstream)
    {
        m_thread.start();
        moveToThread(&m_thread);
        QMetaObject::invokeMethod(this, [this] {
            m_server = new QTcpServer(this);
            connect(m_server, &QTcpServer::newConnection, this, &RedisProxy::accept);
            m_server->listen(QHostAddress::LocalHost, 0);
            m_port = m_server->serverPort();
        }, Qt::BlockingQueuedConnection);
    }
    ~RedisProxy() override
    {
        QMetaObject::invokeMethod(this, [this] {
            closeAll();
            delete m_server;
            moveToThread(nullptr);
        }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }
    void setCut(bool on)
    {
        QMetaObject::invokeMethod(this, [this, on] {
            m_cut = on;
            if (on)
                closeAll();
        }, Qt::BlockingQueuedConnection);
    }
    void setHold(bool on)
    {
        QMetaObject::invokeMethod(this, [this, on] {
            m_hold = on;
            if (!on) {
                for (Pair *p : std::as_const(m_pairs))
                    flush(p);
            }
        }, Qt::BlockingQueuedConnection);
    }

private:
    struct Pair
    {
        QTcpSocket *down = nullptr;
        QTcpSocket *up = nullptr;
        QByteArray toUp;
    };
    void accept()
    {
        while (QTcpSocket *down = m_server->nextPendingConnection()) {
            if (m_cut) {
                down->abort();
                down->deleteLater();
                continue;
            }
            auto *p = new Pair{down, new QTcpSocket(this), {}};
            m_pairs.append(p);
            connect(down, &QTcpSocket::readyRead, this, [this, p] {
                p->toUp += p->down->readAll();
                flush(p);
            });
            connect(p->up, &QTcpSocket::connected, this, [this, p] { flush(p); });
            connect(p->up, &QTcpSocket::readyRead, this, [p] { p->down->write(p->up->readAll()); });
            connect(down, &QTcpSocket::disconnected, this, [this, p] { close(p); });
            connect(p->up, &QTcpSocket::disconnected, this, [this, p] { close(p); });
            connect(p->up, &QTcpSocket::errorOccurred, this, [this, p] { close(p); });
            p->up->connectToHost(QHostAddress::LocalHost, m_upstream);
        }
    }
    void flush(Pair *p)
    {
        if (!m_hold && p->up->state() == QAbstractSocket::ConnectedState && !p->toUp.isEmpty())
            p->up->write(std::exchange(p->toUp, {}));
    }
    void close(Pair *p)
    {
        if (!m_pairs.removeOne(p))
            return;
        p->down->disconnect(this);
        p->up->disconnect(this);
        p->down->abort();
        p->up->abort();
        p->down->deleteLater();
        p->up->deleteLater();
        delete p;
    }
    void closeAll()
    {
        const QList<Pair *> all = m_pairs;
        for (Pair *p : all)
            close(p);
    }

    const quint16 m_upstream;
    QThread m_thread;
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    QList<Pair *> m_pairs;
    bool m_cut = false;
    bool m_hold = false;
};

} // namespace

class TestResume : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void eventsCrossReplicasInOrder();
    void redisRestartCatchesUp();
    void killedReplicaResumesElsewhere();
    void badInputOverTheWire();
    void partitionedReplicasEventsReachOthers();
    void firstEventsOfAFreshTopicInOrder();
    void historyWaitDoesNotStallHttp();
    void crossedBatchesAllStored();

private:
    // A connection of the test's own to the shared PostgreSQL.
    QSqlDatabase sql(const QString &name) const;
    // Backends waiting for a row lock held by transaction `xid`.
    int waitersOn(QSqlDatabase &db, qint64 xid) const;
    struct Replica
    {
        QString id;
        QTemporaryDir dir;
        QProcess proc;
        quint16 port = 0;
    };
    bool startRedis();
    bool startReplica(int i);
    bool pg(const char *command);
    // Until each running replica is joined to Redis and sees `others` other replicas.
    bool waitJoined(const QList<int> &which, int others, int timeoutMs = 15000);
    bool redisDown(int i) const;
    QUrl ws(int i, const QString &path) const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_replicas[i]->port).arg(path));
    }
    quint16 port(int i) const { return m_replicas[i]->port; }
    int publish(int i, const QString &topic, int n) const
    {
        return httpSend(port(i), "POST", QStringLiteral("/api/publish"), publishBody(topic, n), bearer(m_admin)).status;
    }
    QString dumpLogs();
    void checkBadInput(const QString &message, const QString &expectError, const QString &expectReason);

    std::unique_ptr<QTemporaryDir> m_pgDir;
    QString m_pgScript;
    quint16 m_pgPort = 0;
    QString m_database;
    quint16 m_redisPort = 0;
    QProcess m_redis;
    std::unique_ptr<RedisProxy> m_proxy; // r1's way to Redis
    std::vector<std::unique_ptr<Replica>> m_replicas;
    QByteArray m_admin;
};

bool TestResume::pg(const char *command)
{
    QProcess p;
    p.start(QStringLiteral("bash"), {m_pgScript, QString::fromLatin1(command), m_pgDir->path(), QString::number(m_pgPort)});
    return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool TestResume::startRedis()
{
    dieWithTest(m_redis);
    m_redis.setProcessChannelMode(QProcess::MergedChannels);
    m_redis.setStandardOutputFile(QProcess::nullDevice());
    m_redis.start(QStringLiteral("redis-server"),
                  {QStringLiteral("--port"), QString::number(m_redisPort), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                   QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"), QStringLiteral("no")});
    if (!m_redis.waitForStarted(5000))
        return false;
    return QTest::qWaitFor([this] {
        QTcpSocket s;
        return connectLoopback(s, m_redisPort, 200) && s.write("PING\r\n") > 0 && s.waitForReadyRead(200)
            && s.readAll().startsWith("+PONG");
    }, 10000);
}

bool TestResume::startReplica(int i)
{
    Replica &r = *m_replicas[i];
    dieWithTest(r.proc);
    // r1 reaches Redis through the proxy (tests e and f cut or hold it alone).
    const quint16 redisPort = i == 0 ? m_proxy->port() : m_redisPort;
    r.port = startServerProcess(r.proc, {QStringLiteral("--data-dir"), r.dir.path(), QStringLiteral("--database"), m_database,
                                         QStringLiteral("--redis"), QStringLiteral("redis://127.0.0.1:%1").arg(redisPort),
                                         QStringLiteral("--replica-id"), r.id, QStringLiteral("--secret"), QString::fromLatin1(kSecret),
                                         QStringLiteral("--presence-interval"), QStringLiteral("200"),
                                         QStringLiteral("--redis-retry-max"), QStringLiteral("300")});
    return r.port != 0;
}

bool TestResume::waitJoined(const QList<int> &which, int others, int timeoutMs)
{
    return QTest::qWaitFor([&] {
        return std::all_of(which.cbegin(), which.cend(), [&](int i) {
            const QJsonObject redis = httpGet(port(i), QStringLiteral("/health/full")).json().value(QLatin1String("components"))
                                          .toObject().value(QLatin1String("redis")).toObject();
            return redis.value(QLatin1String("status")).toString() == QLatin1String("ok")
                && redis.value(QLatin1String("replicas_seen")).toInt() == others;
        });
    }, timeoutMs);
}

bool TestResume::redisDown(int i) const
{
    return httpGet(port(i), QStringLiteral("/health")).json().value(QLatin1String("cluster")).toString() == QLatin1String("disconnected");
}

QString TestResume::dumpLogs()
{
    QString out;
    for (const auto &r : m_replicas)
        out += QStringLiteral("--- %1\n%2\n").arg(r->id, QString::fromUtf8(r->proc.readAllStandardError().right(3000)));
    return out;
}

void TestResume::initTestCase()
{
    ONAIR_SKIP_WITHOUT("redis-server");
    ONAIR_SKIP_WITHOUT("postgresql");
    m_pgScript = sourceDir() + QStringLiteral("/scripts/pg-test-server.sh");
    QVERIFY2(QFileInfo::exists(m_pgScript), qPrintable(m_pgScript));
    m_pgDir = std::make_unique<QTemporaryDir>();
    m_pgPort = freePort();
    QVERIFY2(pg("start"), "PostgreSQL did not start (scripts/deps.sh test installs it)");
    m_database = QStringLiteral("postgresql://onair:onair%3Ap%40ss@127.0.0.1:%1/onair").arg(m_pgPort);
    m_redisPort = freePort();
    QVERIFY2(startRedis(), "redis-server did not start");
    m_proxy = std::make_unique<RedisProxy>(m_redisPort);
    m_admin = adminToken();
    for (int i = 0; i < 3; ++i) {
        m_replicas.push_back(std::make_unique<Replica>());
        m_replicas.back()->id = QStringLiteral("r%1").arg(i + 1);
        QVERIFY2(startReplica(i), qPrintable(QStringLiteral("replica r%1 did not start: %2").arg(i + 1).arg(dumpLogs())));
    }
    QVERIFY2(waitJoined({0, 1, 2}, 2), "the three replicas did not see each other through Redis");
}

void TestResume::cleanupTestCase()
{
    for (const auto &r : m_replicas) {
        r->proc.terminate(); // SIGTERM: a clean goodbye; SIGKILL if that takes too long
        if (!r->proc.waitForFinished(5000))
            r->proc.kill();
        r->proc.waitForFinished(2000);
    }
    m_replicas.clear();
    m_proxy.reset();
    if (m_redis.state() != QProcess::NotRunning) {
        m_redis.kill();
        m_redis.waitForFinished(5000);
    }
    if (m_pgDir)
        pg("stop");
}

// (a) Published on r1, received on r2 through Redis: the database's offsets, in order, once.
void TestResume::eventsCrossReplicasInOrder()
{
    const QStringList topics{QStringLiteral("project:cross-a"), QStringLiteral("project:cross-b")};
    WsClient c;
    QVERIFY(c.openAndWaitConnected(ws(1, QStringLiteral("/ws/events"))));
    QVERIFY(c.subscribe(topics));
    for (int n = 0; n < 20; ++n)
        QCOMPARE(publish(0, topics.at(n % 2), n), 202);
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(c).value(topics[0]), offsetRange(1, 10), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(c).value(topics[1]), offsetRange(1, 10), 10000);
    // The offsets are the database's: the same events, the same numbers, one epoch.
    for (const QString &topic : topics) {
        const Truth t = history(port(2), topic);
        QVERIFY(t.ok);
        QCOMPARE(t.offsets, offsetRange(1, 10));
        for (const QJsonObject &o : std::as_const(c.json)) {
            if (o.value(QLatin1String("topic")).toString() != topic)
                continue;
            QCOMPARE(o.value(QLatin1String("epoch")).toString(), t.epoch);
            QCOMPARE(o.value(QLatin1String("data")).toObject().value(QLatin1String("n")).toInt(),
                     t.nByOffset.value(qint64(o.value(QLatin1String("offset")).toDouble()), -1));
        }
    }
    quietPeriod(200);
    QCOMPARE(countOfType(c, QStringLiteral("event")), 20); // nothing twice
}

// (b) Redis dies; r1 stores what is published meanwhile; when Redis is back, r2's client gets
// exactly those events on the connection it has, before anything new is published.
void TestResume::redisRestartCatchesUp()
{
    const QString topic = QStringLiteral("project:outage");
    WsClient c;
    QVERIFY(c.openAndWaitConnected(ws(1, QStringLiteral("/ws/events"))));
    QVERIFY(c.subscribe({topic}));
    for (int n = 1; n <= 3; ++n)
        QCOMPARE(publish(0, topic, n), 202);
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(c).value(topic), offsetRange(1, 3), 10000);

    m_redis.kill(); // kill -9
    m_redis.waitForFinished(5000);
    QTRY_VERIFY_WITH_TIMEOUT(redisDown(0) && redisDown(1), 10000);
    for (int n = 4; n <= 8; ++n)
        QCOMPARE(publish(0, topic, n), 202); // r1 still takes them, and stores them
    QTRY_COMPARE_WITH_TIMEOUT(history(port(0), topic).head, qint64(8), 5000);
    QCOMPARE(eventOffsets(c).value(topic), offsetRange(1, 3)); // nothing can reach r2 now

    QVERIFY2(startRedis(), "redis-server did not start again");
    QVERIFY2(waitJoined({0, 1, 2}, 2), "the replicas did not rejoin after Redis came back");
    // The catch-up: the five missed events, in order, once — nothing new was published.
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(c).value(topic), offsetRange(1, 8), 10000);
    QCOMPARE(publish(0, topic, 9), 202);
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(c).value(topic), offsetRange(1, 9), 5000);
    quietPeriod(300);
    QCOMPARE(eventOffsets(c).value(topic), offsetRange(1, 9));
    QVERIFY(!c.disconnected); // the same connection throughout
    QCOMPARE(countOfType(c, QStringLiteral("connected")), 1);
}

// (c) r2 is killed -9 while events keep coming; its client resumes on r3 with `since`.
void TestResume::killedReplicaResumesElsewhere()
{
    const QStringList topics{QStringLiteral("project:kill-d"), QStringLiteral("project:kill-e")};
    WsClient first;
    QVERIFY(first.openAndWaitConnected(ws(1, QStringLiteral("/ws/events"))));
    QVERIFY(first.subscribe(topics));
    Publisher pub(port(0), topics);
    const auto received = [](const WsClient &c, int atLeast, const QStringList &ts) {
        const auto got = eventOffsets(c);
        return std::all_of(ts.cbegin(), ts.cend(), [&](const QString &t) { return got.value(t).size() >= atLeast; });
    };
    QTRY_VERIFY_WITH_TIMEOUT(received(first, 5, topics), 10000);
    m_replicas[1]->proc.kill(); // kill -9, mid-stream
    m_replicas[1]->proc.waitForFinished(5000);
    QVERIFY(first.waitDisconnected(5000));
    QHash<QString, qint64> last;
    for (const QString &t : topics)
        last.insert(t, eventOffsets(first).value(t).last());
    const QString epoch = first.lastJsonOfType(QStringLiteral("event")).value(QLatin1String("epoch")).toString();
    const int atKill = pub.accepted();
    QTRY_VERIFY_WITH_TIMEOUT(pub.accepted() >= atKill + 20, 10000); // published while it is away

    WsClient second;
    QVERIFY(second.openAndWaitConnected(ws(2, QStringLiteral("/ws/events"))));
    second.socket.sendTextMessage(subscribeMessage(topics, sinceOf(last, epoch)));
    QVERIFY(second.waitJsonType(QStringLiteral("subscribed")));
    const QJsonObject reply = second.lastJsonOfType(QStringLiteral("subscribed"));
    QVERIFY2(reply.value(QLatin1String("recovered")).toBool(), QJsonDocument(reply).toJson().constData());
    for (const QString &t : topics)
        QVERIFY(reply.value(QLatin1String("recovery")).toObject().value(t).toObject().value(QLatin1String("events")).toInt() >= 1);
    const int atResume = pub.accepted();
    QTRY_VERIFY_WITH_TIMEOUT(pub.accepted() >= atResume + 20, 10000); // and live after the replay
    pub.stop();
    QCOMPARE(pub.failed(), 0);

    // The truth: every accepted publish is stored; the two connections together hold each
    // offset exactly once, in order, and each event is the stored one.
    QTRY_VERIFY_WITH_TIMEOUT(history(port(0), topics[0]).head + history(port(0), topics[1]).head == pub.accepted(), 10000);
    for (const QString &t : topics) {
        const Truth truth = history(port(0), t);
        QTRY_VERIFY_WITH_TIMEOUT(!eventOffsets(second).value(t).isEmpty() && eventOffsets(second).value(t).last() == truth.head, 10000);
        const QList<qint64> all = eventOffsets(first).value(t) + eventOffsets(second).value(t);
        QCOMPARE(all, offsetRange(1, truth.head));
        QCOMPARE(truth.offsets, offsetRange(1, truth.head));
        for (const QJsonObject &o : std::as_const(second.json)) {
            if (o.value(QLatin1String("topic")).toString() == t)
                QCOMPARE(o.value(QLatin1String("data")).toObject().value(QLatin1String("n")).toInt(),
                         truth.nByOffset.value(qint64(o.value(QLatin1String("offset")).toDouble())));
        }
    }
    // r2 comes back (same data directory, fresh process) and serves resumes like the others.
    QVERIFY2(startReplica(1), qPrintable(dumpLogs()));
    QVERIFY(waitJoined({0, 1, 2}, 2));
    const qint64 head = history(port(0), topics[0]).head;
    QCOMPARE(publish(0, topics[0], 1000), 202);
    WsClient third;
    QVERIFY(third.openAndWaitConnected(ws(1, QStringLiteral("/ws/events"))));
    third.socket.sendTextMessage(subscribeMessage({topics[0]}, sinceOf({{topics[0], head}}, epoch)));
    QVERIFY(third.waitJsonType(QStringLiteral("subscribed")));
    QVERIFY(third.lastJsonOfType(QStringLiteral("subscribed")).value(QLatin1String("recovered")).toBool());
    QTRY_COMPARE(eventOffsets(third).value(topics[0]), QList<qint64>{head + 1});
}

// One bad message on a fresh events connection of r3: the error or the recovery reason it must
// get; then that connection still subscribes and receives, and so does a neighbour.
void TestResume::checkBadInput(const QString &message, const QString &expectError, const QString &expectReason)
{
    const QString probe = QStringLiteral("project:bad-probe");
    WsClient neighbour, c;
    QVERIFY(neighbour.openAndWaitConnected(ws(2, QStringLiteral("/ws/events"))));
    QVERIFY(neighbour.subscribe({probe}));
    QVERIFY(c.openAndWaitConnected(ws(2, QStringLiteral("/ws/events"))));
    c.socket.sendTextMessage(message);
    if (!expectError.isEmpty()) {
        QVERIFY2(c.waitJsonType(QStringLiteral("error")), qPrintable(message.left(200)));
        QCOMPARE(c.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(), expectError);
        QVERIFY(c.lastJsonOfType(QStringLiteral("subscribed")).isEmpty()); // nothing changed
    } else {
        QVERIFY(c.waitJsonType(QStringLiteral("subscribed")));
        const QJsonObject reply = c.lastJsonOfType(QStringLiteral("subscribed"));
        QVERIFY(reply.contains(QLatin1String("recovered")));
        QVERIFY(!reply.value(QLatin1String("recovered")).toBool());
        const QJsonObject entry = reply.value(QLatin1String("recovery")).toObject().value(QLatin1String("project:bad")).toObject();
        QCOMPARE(entry.value(QLatin1String("reason")).toString(), expectReason);
        QCOMPARE(qint64(entry.value(QLatin1String("offset")).toDouble()), history(port(2), QStringLiteral("project:bad")).head);
        QCOMPARE(countOfType(c, QStringLiteral("event")), 0); // nothing replayed
    }
    QVERIFY(!c.disconnected);
    const qint64 before = history(port(2), probe).head;
    QVERIFY(c.subscribe({probe}));
    QCOMPARE(publish(0, probe, 1), 202);
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(c).value(probe), QList<qint64>{before + 1}, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(neighbour).value(probe), QList<qint64>{before + 1}, 5000);
}

// (d) Bad input over the wire to a replica.
void TestResume::badInputOverTheWire()
{
    const QString topic = QStringLiteral("project:bad");
    for (int n = 1; n <= 3; ++n)
        QCOMPARE(publish(0, topic, n), 202);
    QTRY_COMPARE_WITH_TIMEOUT(history(port(2), topic).head, qint64(3), 5000);
    const QString epoch = history(port(2), topic).epoch;
    const auto sub = [&](const QString &since) {
        return QStringLiteral(R"({"type":"subscribe","topics":["%1"],"since":%2})").arg(topic, since);
    };
    const auto entry = [&](const QString &offset, const QString &ep) {
        return sub(QStringLiteral(R"({"%1":{"offset":%2,"epoch":"%3"}})").arg(topic, offset, ep));
    };
    // Both lists stay under --max-json-bytes (16 KiB) and over --max-topics (64).
    QString manyTopics, manySince;
    for (int i = 0; i < 500; ++i)
        manyTopics += QStringLiteral(R"("project:t%1",)").arg(i);
    for (int i = 0; i < 100; ++i)
        manySince += QStringLiteral(R"("project:t%1":{"offset":1,"epoch":"%2"},)").arg(i).arg(epoch);
    manyTopics.chop(1);
    manySince.chop(1);
    const QString invalid = QStringLiteral("invalid_since");
    struct Case
    {
        QString message, error, reason;
    };
    const QList<Case> cases{
        {sub(QStringLiteral("\"garbage\"")), invalid, {}},
        {sub(QStringLiteral(R"({"%1":"garbage"})").arg(topic)), invalid, {}},
        {entry(QStringLiteral("\"abc\""), epoch), invalid, {}},
        {entry(QStringLiteral("-5"), epoch), invalid, {}},
        {entry(QStringLiteral("1e300"), epoch), invalid, {}},
        {entry(QStringLiteral("2"), QString()), invalid, {}},
        {QStringLiteral(R"({"type":"subscribe","topics":["project:bad"],"since":{"project:bad":{"off)"), QStringLiteral("invalid_json"), {}},
        {entry(QStringLiteral("1000"), epoch), {}, QStringLiteral("offset_ahead")},
        {entry(QStringLiteral("1"), kForeignEpoch), {}, QStringLiteral("epoch_changed")},
        {QStringLiteral(R"({"type":"subscribe","topics":[%1]})").arg(manyTopics), QStringLiteral("too_many_topics"), {}},
        {QStringLiteral(R"({"type":"subscribe","topics":["all"],"since":{%1}})").arg(manySince), invalid, {}},
    };
    for (const Case &k : cases) {
        checkBadInput(k.message, k.error, k.reason);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(QStringLiteral("with: ") + k.message.left(160)));
    }
    // Over --max-json-bytes: the connection is closed with 1009 (too big), the replica serves on.
    WsClient huge;
    QVERIFY(huge.openAndWaitConnected(ws(2, QStringLiteral("/ws/events"))));
    huge.socket.sendTextMessage(QStringLiteral(R"({"type":"subscribe","topics":[%1,%1,%1,%1,%1,%1,%1,%1]})").arg(manyTopics));
    QVERIFY(huge.waitDisconnected(5000));
    QCOMPARE(huge.closeCode, 1009);
    QCOMPARE(httpGet(port(2), QStringLiteral("/health")).status, 200);
    // A good resume on the same replica still replays exactly what was missed.
    WsClient good;
    QVERIFY(good.openAndWaitConnected(ws(2, QStringLiteral("/ws/events"))));
    good.socket.sendTextMessage(subscribeMessage({topic}, sinceOf({{topic, 1}}, epoch)));
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(good).value(topic), offsetRange(2, 3), 5000);
    QVERIFY(good.lastJsonOfType(QStringLiteral("subscribed")).value(QLatin1String("recovered")).toBool());
}

// (e) r1 alone loses Redis (the others keep it) and stores events meanwhile; once it is back,
// r3's client must get them too, without any further event on the topic to pull them in.
void TestResume::partitionedReplicasEventsReachOthers()
{
    const QString topic = QStringLiteral("project:partition");
    WsClient onR3, onR1;
    QVERIFY(onR3.openAndWaitConnected(ws(2, QStringLiteral("/ws/events"))));
    QVERIFY(onR3.subscribe({topic}));
    QVERIFY(onR1.openAndWaitConnected(ws(0, QStringLiteral("/ws/events"))));
    QVERIFY(onR1.subscribe({topic}));
    QCOMPARE(publish(0, topic, 1), 202);
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(onR3).value(topic), QList<qint64>{1}, 5000);

    m_proxy->setCut(true);
    QTRY_VERIFY_WITH_TIMEOUT(redisDown(0), 5000);
    QVERIFY(!redisDown(2));
    QCOMPARE(publish(0, topic, 2), 202);
    QCOMPARE(publish(0, topic, 3), 202);
    QTRY_COMPARE_WITH_TIMEOUT(eventOffsets(onR1).value(topic), offsetRange(1, 3), 5000); // r1's own clients have them
    QCOMPARE(history(port(2), topic).head, qint64(3));                             // and so has the database
    m_proxy->setCut(false);
    QVERIFY2(waitJoined({0, 1, 2}, 2), "r1 did not rejoin");
    const bool caughtUp = QTest::qWaitFor([&] { return eventOffsets(onR3).value(topic) == offsetRange(1, 3); }, 5000);
    QVERIFY2(caughtUp, qPrintable(QStringLiteral("r3's client has offsets [%1] of 1..3 five seconds after r1 rejoined: what r1 "
                                                 "stored while cut off from Redis does not reach the other replicas' clients")
                                      .arg(offsetsText(eventOffsets(onR3).value(topic)))));
}

// (f) A replica with no state for a topic (here: a new topic) gets its first events out of
// offset order — r1's PUBLISH of offsets 1 and 2 is held back in the proxy while r3's
// offset 3 arrives. A live client must still see 1, 2, 3 in order; a client that resumed
// from offset 0 must not lose 1 and 2.
void TestResume::firstEventsOfAFreshTopicInOrder()
{
    const QString topic = QStringLiteral("project:fresh");
    const QString epoch = history(port(2), topic).epoch;
    WsClient live, resumed;
    QVERIFY(live.openAndWaitConnected(ws(1, QStringLiteral("/ws/events"))));
    QVERIFY(live.subscribe({topic}));
    QVERIFY(resumed.openAndWaitConnected(ws(1, QStringLiteral("/ws/events"))));
    resumed.socket.sendTextMessage(subscribeMessage({topic}, sinceOf({{topic, 0}}, epoch)));
    QVERIFY(resumed.waitJsonType(QStringLiteral("subscribed")));
    QVERIFY(resumed.lastJsonOfType(QStringLiteral("subscribed")).value(QLatin1String("recovered")).toBool());

    m_proxy->setHold(true);
    QCOMPARE(publish(0, topic, 1), 202);
    QCOMPARE(publish(0, topic, 2), 202);
    QTRY_COMPARE_WITH_TIMEOUT(history(port(2), topic).head, qint64(2), 5000); // stored; the PUBLISHes wait
    QCOMPARE(publish(2, topic, 3), 202);
    // r2 delivers something of the topic — offset 3 taken as it comes, or (right) 1, 2, 3 once
    // its 300 ms gap wait has read 1 and 2 from the database; then r1's PUBLISHes go through.
    QTRY_VERIFY_WITH_TIMEOUT(!eventOffsets(live).value(topic).isEmpty(), 5000);
    m_proxy->setHold(false);
    (void)QTest::qWaitFor([&] { return eventOffsets(live).value(topic).size() >= 3 && eventOffsets(resumed).value(topic).size() >= 3; },
                          5000);
    quietPeriod(300); // a late copy would come now
    const QList<qint64> gotLive = eventOffsets(live).value(topic), gotResumed = eventOffsets(resumed).value(topic);
    QVERIFY2(gotLive == offsetRange(1, 3) && gotResumed == offsetRange(1, 3),
             qPrintable(QStringLiteral("offsets 1,2 (r1, PUBLISH held) and 3 (r3) of a topic new to r2: its live client got [%1], "
                                       "its client resumed from 0 got [%2]; both should be [1,2,3]")
                            .arg(offsetsText(gotLive), offsetsText(gotResumed))));
}

QSqlDatabase TestResume::sql(const QString &name) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    db.setHostName(QStringLiteral("127.0.0.1"));
    db.setPort(m_pgPort);
    db.setDatabaseName(QStringLiteral("onair"));
    db.setUserName(QStringLiteral("onair"));
    db.setPassword(QStringLiteral("onair:p@ss"));
    return db;
}

int TestResume::waitersOn(QSqlDatabase &db, qint64 xid) const
{
    QSqlQuery q(db);
    q.exec(QStringLiteral("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'"
                          " AND transactionid::text::bigint = %1").arg(xid));
    return q.next() ? q.value(0).toInt() : -1;
}

// (h) r1's journal waits for a row lock of topic_heads (held here, as a slow transaction, a
// long prune or a failover would hold it). Its clients and REST callers must not wait with it.
void TestResume::historyWaitDoesNotStallHttp()
{
    const QString topic = QStringLiteral("project:stall");
    QCOMPARE(publish(0, topic, 1), 202);
    QTRY_COMPARE_WITH_TIMEOUT(history(port(0), topic).head, qint64(1), 5000);
    QSqlDatabase holder = sql(QStringLiteral("stall-holder")), probe = sql(QStringLiteral("stall-probe"));
    QVERIFY2(holder.open() && probe.open(), qPrintable(holder.lastError().text()));
    holder.transaction();
    auto release = qScopeGuard([&] { holder.commit(); });
    QSqlQuery q(holder);
    QVERIFY(q.exec(QStringLiteral("SELECT head FROM topic_heads WHERE topic = '%1' FOR UPDATE").arg(topic)));
    QVERIFY(q.exec(QStringLiteral("SELECT txid_current()")) && q.next());
    const qint64 xid = q.value(0).toLongLong();
    // The publish to the locked topic waits for its event to be stored (202 means kept): the
    // history's batch gives up after PostgreSQL's lock_timeout (2 s) and the answer is 503.
    QElapsedTimer firstClock;
    firstClock.start();
    HttpReply first = httpSend(port(0), "POST", QStringLiteral("/api/publish"), publishBody(topic, 2), bearer(m_admin));
    first.ms = firstClock.elapsed();
    QCOMPARE(waitersOn(probe, xid), 0); // the journal gave up waiting for the row
    // With the lock still held, the replica serves on: another topic is stored, /health answers
    // (each gets 2 s; status 0: no answer by then).
    const QByteArray body = publishBody(QStringLiteral("project:elsewhere"), 1);
    const HttpReply other = rawHttp(port(0), "POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                             "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                                                 + "\r\n" + bearer(m_admin) + "\r\n" + body, 2000);
    const HttpReply health = rawHttp(port(0), "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 2000);
    release.dismiss();
    holder.commit();
    QVERIFY2(first.status == 503 && first.ms < 4000 && other.status == 202 && health.status == 200 && other.ms < 1000
                 && health.ms < 1000,
             qPrintable(QStringLiteral("while a transaction held %1's head row: publish %1: status %2 in %3 ms (want 503 "
                                       "within the 2 s lock timeout); then a publish to another topic: status %4 in %5 ms; then "
                                       "GET /health: status %6 in %7 ms (status 0: no answer within 2 s)")
                            .arg(topic).arg(first.status).arg(first.ms).arg(other.status).arg(other.ms).arg(health.status).arg(health.ms)));
    QCOMPARE(publish(0, topic, 3), 202); // the lock gone, the topic is stored again
}

// (g) Two engines sharing the PostgreSQL (in this process, so that the test can queue events in
// their journals through the Hub while the journals wait) store the batches [c1, a, d1, b] and
// [c2, b, d2, a]. Row locks this test holds line them up: both wait on c1/c2 (transaction T1)
// while the batches form behind, then on d1/d2 (T2) holding a and b; released, one wants b and
// the other a. Offsets come from topic_heads rows locked in each batch's order: PostgreSQL
// breaks the cycle, and whichever batch it aborts must still be stored (a retry, or one lock
// order for all), not dropped after the events were accepted.
void TestResume::crossedBatchesAllStored()
{
    const QStringList t{QStringLiteral("project:x-a"), QStringLiteral("project:x-b"), QStringLiteral("project:x-c1"),
                        QStringLiteral("project:x-c2"), QStringLiteral("project:x-d1"), QStringLiteral("project:x-d2")};
    EngineConfig config = testConfig();
    config.databaseUrl = m_database;
    TestServer e1(config), e2(config);
    QSqlDatabase t1 = sql(QStringLiteral("t1")), t2 = sql(QStringLiteral("t2")), probe = sql(QStringLiteral("probe"));
    QVERIFY2(t1.open() && t2.open() && probe.open(), qPrintable(t1.lastError().text()));
    const auto heads = [&] {
        QList<qint64> h;
        for (const QString &topic : t) {
            QSqlQuery q(probe);
            q.exec(QStringLiteral("SELECT head FROM topic_heads WHERE topic = '%1'").arg(topic));
            h.append(q.next() ? q.value(0).toLongLong() : 0);
        }
        return h;
    };
    const auto publishOn = [&](TestServer &e, int topic) {
        e.engine().hub()->publishTopic(t[topic], QJsonObject{{QStringLiteral("n"), topic}});
    };
    for (int i = 0; i < t.size(); ++i)
        publishOn(e1, i); // every topic gets its topic_heads row
    QTRY_COMPARE_WITH_TIMEOUT(heads(), (QList<qint64>{1, 1, 1, 1, 1, 1}), 5000);
    const auto lock = [&](QSqlDatabase &db, const QStringList &topics) -> qint64 {
        QSqlQuery q(db);
        db.transaction();
        q.exec(QStringLiteral("SELECT head FROM topic_heads WHERE topic IN ('%1') FOR UPDATE").arg(topics.join(QStringLiteral("','"))));
        q.exec(QStringLiteral("SELECT txid_current()"));
        return q.next() ? q.value(0).toLongLong() : -1;
    };
    const qint64 x1 = lock(t1, {t[2], t[3]}), x2 = lock(t2, {t[4], t[5]});
    QVERIFY(x1 > 0 && x2 > 0);
    publishOn(e1, 2);
    publishOn(e2, 3);
    QTRY_COMPARE_WITH_TIMEOUT(waitersOn(probe, x1), 2, 5000); // both journals are held on c1 / c2
    for (const int topic : {0, 4, 1})
        publishOn(e1, topic); // e1's next batch: a, d1, b
    for (const int topic : {1, 5, 0})
        publishOn(e2, topic); // e2's next batch: b, d2, a
    t1.commit();
    // Heads are locked in topic order: one batch holds a and b and waits on d1 or d2, the other
    // waits behind it on a (no cycle: nothing for PostgreSQL to abort).
    QTRY_VERIFY_WITH_TIMEOUT(waitersOn(probe, x2) >= 1, 5000);
    t2.commit();
    // Every event was accepted: a and b three times each, the others twice.
    const bool stored = QTest::qWaitFor([&] { return heads() == QList<qint64>{3, 3, 2, 2, 2, 2}; }, 8000);
    QVERIFY2(stored, qPrintable(QStringLiteral("heads of a, b, c1, c2, d1, d2: [%1], want [3,3,2,2,2,2] (appends failed: %2, %3)")
                                    .arg(offsetsText(heads()))
                                    .arg(e1.engine().journal()->stats().appendFailures)
                                    .arg(e2.engine().journal()->stats().appendFailures)));
}

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
