// onair-historybench --mode resume: forced disconnects, a replica killed -9, Redis restarted;
// then every client's offsets against the database (see historybench.cpp).
#include "historybench.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

namespace histbench {

namespace {

// topicName(i) -> i
int topicIndex(const QString &topic) { return topic.mid(topic.lastIndexOf(u'h') + 1).toInt(); }

struct Got
{
    qint64 offset;
    qint64 atUs;
    int conn;
};

// One WebSocket connection of a client, from open to close.
struct ConnRecord
{
    int replica = -1;
    qint64 openWallMs = 0, openUs = 0, subscribedUs = -1, closedUs = -1;
    QHash<QString, qint64> since; // what it resumed from
    QString cause;                // why the previous connection ended: start, forced, server (the replica died), retry
    int replayed = 0;             // events the server said it replays
    QStringList notRecovered;     // recovered:false, "topic:reason"
};

struct Client
{
    QStringList topics;
    QHash<QString, qint64> start; // the head of each topic when it first subscribed
    QHash<QString, qint64> last;  // the highest offset received (where it resumes from)
    QHash<QString, QList<Got>> got;
    QList<ConnRecord> conns;
    std::unique_ptr<QWebSocket> ws;
    quint64 generation = 0;
    bool open = false;
    bool subscribed = false;
    QString nextCause = QStringLiteral("start");
};

struct Published
{
    int topic = 0;
    int status = -1; // 202, other HTTP status, 0 unanswered, -1 not yet
    int replica = -1;
    qint64 sentMs = 0; // wall clock, the last attempt
};

// A topic's history as the database holds it.
struct Truth
{
    qint64 head = 0;
    QList<qint64> offsets;
    QList<qint64> storedMs;
    QList<int> ns; // the publisher's number of each stored event (-1: another run's)
    // The highest offset stored at or before `wall` (the head a client opening then resumes to).
    qint64 headAt(qint64 wall) const
    {
        qint64 h = 0;
        for (qsizetype i = 0; i < offsets.size(); ++i) {
            if (storedMs[i] <= wall)
                h = std::max(h, offsets[i]);
        }
        return h;
    }
};

class ResumeBench
{
public:
    explicit ResumeBench(const Options &o) : m_o(o) {}
    ~ResumeBench();
    int run(QCoreApplication &app);

private:
    bool setUp();
    bool settle(QCoreApplication &app, int timeoutMs);
    void printSummary(const QJsonObject &out) const;
    bool startRedis();
    void startReplica(int i);
    bool waitReady(int timeoutMs);
    bool readEpochAndHeads();
    void connectClient(Client &c, int replica);
    void onConnected(Client &c, quint64 gen);
    void onText(Client &c, quint64 gen, const QString &text);
    void onSubscribed(Client &c, const QJsonObject &o);
    void onGone(Client &c, quint64 gen);
    void forceOne();
    void scheduleForce();
    void publishTick();
    void publishOne(qint64 n, int avoidReplica);
    void chaos();
    bool settled();
    Truth readTruth(int topic) const;
    QJsonObject compare(const std::vector<Truth> &truth) const;
    QJsonObject catchUps(const std::vector<Truth> &truth) const;
    QJsonObject publisherCheck(const std::vector<Truth> &truth) const;
    qint64 sinceStartMs() const { return m_clock.elapsed(); }
    int randomReplica() const { return int(QRandomGenerator::global()->bounded(m_o.ports.size())); }

    const Options m_o;
    QElapsedTimer m_clock;
    qint64 m_startWallMs = 0;
    const qint64 m_runToken = qint64(QRandomGenerator::global()->bounded(1u << 30)); // this run's events in the database
    QProcess m_redis;
    std::vector<std::unique_ptr<QProcess>> m_replicas;
    QList<bool> m_alive;
    QString m_epoch;
    QHash<QString, qint64> m_startHeads;
    std::vector<std::unique_ptr<Client>> m_clients;
    // publisher
    std::vector<std::vector<std::unique_ptr<HttpConn>>> m_pool; // per replica
    QByteArray m_token;
    std::vector<Published> m_published;
    QList<qint64> m_retry; // numbers to publish again (the replica was not reached)
    qint64 m_nextN = 0;
    int m_rr = 0;
    bool m_publishing = true;
    std::vector<double> m_liveMs; // publish -> receipt of events published while the client was connected
    // churn and chaos
    int m_forced = 0, m_serverClosed = 0, m_connectFailures = 0, m_errors = 0;
    qint64 m_killAtMs = -1, m_restartAtMs = -1, m_redisKillMs = -1, m_redisBackMs = -1; // wall clock
    QTimer m_publishTimer;
};

ResumeBench::~ResumeBench()
{
    for (auto &c : m_clients) {
        if (c->ws)
            c->ws->disconnect();
        c->ws.reset();
    }
    for (auto &p : m_replicas) {
        p->kill();
        p->waitForFinished(3000);
    }
    m_redis.kill();
    m_redis.waitForFinished(3000);
}

bool ResumeBench::startRedis()
{
    dieWithParent(m_redis);
    m_redis.setProcessChannelMode(QProcess::MergedChannels);
    m_redis.setStandardOutputFile(QProcess::nullDevice());
    m_redis.start(QStringLiteral("redis-server"), {QStringLiteral("--port"), QString::number(m_o.redisPort), QStringLiteral("--bind"),
                                                   QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                                                   QStringLiteral("--appendonly"), QStringLiteral("no")});
    return m_redis.waitForStarted(5000);
}

void ResumeBench::startReplica(int i)
{
    QProcess &p = *m_replicas[size_t(i)];
    dieWithParent(p);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setStandardOutputFile(QDir(m_o.dataRoot).filePath(QStringLiteral("r%1.log").arg(i + 1)), QIODevice::Append);
    const QString dir = QDir(m_o.dataRoot).filePath(QStringLiteral("r%1").arg(i + 1));
    QDir().mkpath(dir);
    p.start(m_o.serverBin, {QStringLiteral("--port"), QString::number(m_o.ports[i]), QStringLiteral("--data-dir"), dir,
                            QStringLiteral("--database"), m_o.database, QStringLiteral("--redis"),
                            QStringLiteral("redis://127.0.0.1:%1").arg(m_o.redisPort), QStringLiteral("--replica-id"),
                            QStringLiteral("r%1").arg(i + 1), QStringLiteral("--secret"), m_o.secret,
                            QStringLiteral("--redis-retry-max"), QString::number(m_o.retryMaxMs),
                            QStringLiteral("--max-connections"), QStringLiteral("5000")});
    p.waitForStarted(5000);
    m_alive[i] = true;
}

bool ResumeBench::waitReady(int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        int ok = 0;
        for (quint16 port : m_o.ports) {
            const QJsonObject h = blockingGetJson(port, QStringLiteral("/health"));
            ok += h.value(QLatin1String("cluster")).toString() == QLatin1String("connected");
        }
        if (ok == m_o.ports.size())
            return true;
        QThread::msleep(100); // polling processes this tool started: nothing to wait on
    }
    return false;
}

bool ResumeBench::readEpochAndHeads()
{
    for (int t = 0; t < m_o.topics; ++t) {
        const QJsonObject page = blockingGetJson(m_o.ports[0], QStringLiteral("/api/topics/%1/history?since=9007199254740991").arg(topicName(t)));
        if (page.isEmpty())
            return false;
        m_epoch = page.value(QLatin1String("epoch")).toString();
        m_startHeads.insert(topicName(t), qint64(page.value(QLatin1String("last_offset")).toDouble()));
    }
    return !m_epoch.isEmpty();
}

void ResumeBench::connectClient(Client &c, int replica)
{
    if (c.ws) {
        c.ws->disconnect();
        c.ws.release()->deleteLater();
    }
    const quint64 gen = ++c.generation;
    c.ws = std::make_unique<QWebSocket>();
    c.open = c.subscribed = false;
    ConnRecord rec;
    rec.replica = replica;
    rec.cause = std::exchange(c.nextCause, QStringLiteral("retry"));
    c.conns.append(rec);
    QWebSocket *ws = c.ws.get();
    QObject::connect(ws, &QWebSocket::connected, ws, [this, &c, gen] { onConnected(c, gen); });
    QObject::connect(ws, &QWebSocket::textMessageReceived, ws, [this, &c, gen](const QString &t) { onText(c, gen, t); });
    QObject::connect(ws, &QWebSocket::disconnected, ws, [this, &c, gen] { onGone(c, gen); });
    QObject::connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), ws, [this, &c, gen] { onGone(c, gen); });
    ws->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/events").arg(m_o.ports[replica])));
}

void ResumeBench::onConnected(Client &c, quint64 gen)
{
    if (gen != c.generation)
        return;
    ConnRecord &rec = c.conns.last();
    rec.openUs = monoUs();
    rec.openWallMs = wallMs();
    c.open = true;
    QJsonObject since;
    for (const QString &t : std::as_const(c.topics)) {
        rec.since.insert(t, c.last.value(t));
        since.insert(t, QJsonObject{{QStringLiteral("offset"), c.last.value(t)}, {QStringLiteral("epoch"), m_epoch}});
    }
    c.ws->sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                                                      {QStringLiteral("topics"), QJsonArray::fromStringList(c.topics)},
                                                                      {QStringLiteral("since"), since}})
                                                .toJson(QJsonDocument::Compact)));
}

void ResumeBench::onSubscribed(Client &c, const QJsonObject &o)
{
    ConnRecord &rec = c.conns.last();
    rec.subscribedUs = monoUs();
    c.subscribed = true;
    const QJsonObject recovery = o.value(QLatin1String("recovery")).toObject();
    for (auto it = recovery.begin(); it != recovery.end(); ++it) {
        const QJsonObject e = it.value().toObject();
        if (e.value(QLatin1String("recovered")).toBool()) {
            rec.replayed += e.value(QLatin1String("events")).toInt();
            continue;
        }
        // A client refetches its state and goes on from the offset it is given.
        rec.notRecovered.append(it.key() + u':' + e.value(QLatin1String("reason")).toString());
        c.last[it.key()] = qint64(e.value(QLatin1String("offset")).toDouble());
    }
}

void ResumeBench::onText(Client &c, quint64 gen, const QString &text)
{
    if (gen != c.generation)
        return;
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = o.value(QLatin1String("type")).toString();
    if (type == QLatin1String("subscribed")) {
        onSubscribed(c, o);
        return;
    }
    if (type == QLatin1String("error")) {
        ++m_errors;
        std::fprintf(stderr, "error: %s\n", qPrintable(text));
        return;
    }
    if (type != QLatin1String("event") || !o.contains(QLatin1String("offset")))
        return;
    const QString topic = o.value(QLatin1String("topic")).toString();
    const qint64 offset = qint64(o.value(QLatin1String("offset")).toDouble());
    c.got[topic].append({offset, monoUs(), int(c.conns.size() - 1)});
    c.last[topic] = std::max(c.last.value(topic), offset);
    const qint64 sent = qint64(o.value(QLatin1String("data")).toObject().value(QLatin1String("t")).toDouble());
    if (sent >= c.conns.last().openWallMs)
        m_liveMs.push_back(double(wallMs() - sent));
}

void ResumeBench::onGone(Client &c, quint64 gen)
{
    if (gen != c.generation || c.ws == nullptr)
        return;
    ++c.generation; // this attempt is over; its later signals are ignored
    ConnRecord &rec = c.conns.last();
    const bool wasOpen = c.open;
    c.open = c.subscribed = false;
    if (wasOpen) {
        rec.closedUs = monoUs();
        ++m_serverClosed; // not ours: forced aborts bump the generation first
        c.nextCause = QStringLiteral("server");
    } else {
        ++m_connectFailures; // the replica is down: another one in a moment
    }
    Client *cp = &c;
    const int delay = wasOpen ? int(QRandomGenerator::global()->bounded(50)) : 100;
    QTimer::singleShot(delay, [this, cp] { connectClient(*cp, randomReplica()); });
}

void ResumeBench::forceOne()
{
    std::vector<Client *> open;
    for (auto &c : m_clients) {
        if (c->open)
            open.push_back(c.get());
    }
    if (open.empty())
        return;
    Client &c = *open[QRandomGenerator::global()->bounded(quint32(open.size()))];
    ++c.generation;
    c.conns.last().closedUs = monoUs();
    c.open = c.subscribed = false;
    c.nextCause = QStringLiteral("forced");
    c.ws->abort(); // the TCP connection goes, no close frame
    ++m_forced;
    Client *cp = &c;
    QTimer::singleShot(int(QRandomGenerator::global()->bounded(50)), [this, cp] { connectClient(*cp, randomReplica()); });
}

void ResumeBench::scheduleForce()
{
    if (m_forced >= m_o.disconnects)
        return;
    // Random moments: exponential gaps (a Poisson process) at --disconnect-rate.
    const double u = std::max(1e-9, QRandomGenerator::global()->generateDouble());
    const int gapMs = int(-std::log(u) / m_o.disconnectRate * 1000);
    QTimer::singleShot(gapMs, [this] {
        forceOne();
        scheduleForce();
    });
}

void ResumeBench::publishOne(qint64 n, int avoidReplica)
{
    Published &p = m_published[size_t(n)];
    for (int tries = 0; tries < m_o.ports.size(); ++tries) {
        const int r = m_rr++ % int(m_o.ports.size());
        if (!m_alive[r] || r == avoidReplica)
            continue;
        for (auto &conn : m_pool[size_t(r)]) {
            if (!conn->idle())
                continue;
            const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("topic"), topicName(p.topic)},
                                                              {QStringLiteral("data"), QJsonObject{{QStringLiteral("n"), n},
                                                                                                   {QStringLiteral("r"), m_runToken},
                                                                                                   {QStringLiteral("t"), wallMs()}}}})
                                        .toJson(QJsonDocument::Compact);
            p.replica = r;
            p.sentMs = wallMs();
            conn->post("/api/publish", body, m_token, [this, n, r](int status, bool sent) {
                if (status == 0 && !sent) {
                    m_retry.append(n); // never reached the replica: the balancer tries another
                    return;
                }
                m_published[size_t(n)].status = status;
            });
            return;
        }
    }
    m_retry.append(n); // every connection busy: in the next tick
}

void ResumeBench::publishTick()
{
    const QList<qint64> retry = std::exchange(m_retry, {});
    for (qint64 n : retry)
        publishOne(n, m_published[size_t(n)].replica);
    if (!m_publishing)
        return;
    const qint64 due = qint64(double(sinceStartMs()) * m_o.rate / 1000.0);
    for (; m_nextN < due; ++m_nextN) {
        Published p;
        p.topic = int(m_nextN % m_o.topics);
        m_published.push_back(p);
        publishOne(m_nextN, -1);
    }
}

void ResumeBench::chaos()
{
    const int k = m_o.killReplica;
    QTimer::singleShot(int(m_o.killAt * 1000), [this, k] {
        m_alive[k] = false; // the balancer's health check
        m_replicas[size_t(k)]->kill();
        m_killAtMs = wallMs();
        std::printf("%6.1f s: r%d killed -9\n", double(sinceStartMs()) / 1000, k + 1);
    });
    QTimer::singleShot(int((m_o.killAt + m_o.killFor) * 1000), [this, k] {
        m_replicas[size_t(k)]->waitForFinished(1000);
        startReplica(k);
        m_restartAtMs = wallMs();
        std::printf("%6.1f s: r%d restarted\n", double(sinceStartMs()) / 1000, k + 1);
    });
    QTimer::singleShot(int(m_o.redisAt * 1000), [this] {
        m_redis.kill();
        m_redis.waitForFinished(1000);
        m_redisKillMs = wallMs();
        std::printf("%6.1f s: redis-server killed -9\n", double(sinceStartMs()) / 1000);
    });
    QTimer::singleShot(int((m_o.redisAt + m_o.redisDown) * 1000), [this] {
        startRedis();
        m_redisBackMs = wallMs();
        std::printf("%6.1f s: redis-server started again\n", double(sinceStartMs()) / 1000);
    });
}

bool ResumeBench::settled()
{
    for (int t = 0; t < m_o.topics; ++t) {
        const QString topic = topicName(t);
        const QJsonObject page = blockingGetJson(m_o.ports[0], QStringLiteral("/api/topics/%1/history?since=9007199254740991").arg(topic));
        const qint64 head = qint64(page.value(QLatin1String("last_offset")).toDouble());
        for (const auto &c : m_clients) {
            if (c->topics.contains(topic) && (!c->subscribed || c->last.value(topic) < head))
                return false;
        }
    }
    return true;
}

Truth ResumeBench::readTruth(int topic) const
{
    Truth t;
    for (qint64 since = 0;;) {
        const QJsonObject page = blockingGetJson(m_o.ports[0], QStringLiteral("/api/topics/%1/history?since=%2&limit=1000").arg(topicName(topic)).arg(since));
        t.head = qint64(page.value(QLatin1String("last_offset")).toDouble());
        const QJsonArray events = page.value(QLatin1String("events")).toArray();
        for (const QJsonValue &v : events) {
            const QJsonObject e = v.toObject();
            since = qint64(e.value(QLatin1String("offset")).toDouble());
            t.offsets.append(since);
            t.storedMs.append(QDateTime::fromString(e.value(QLatin1String("time")).toString(), Qt::ISODateWithMs).toMSecsSinceEpoch());
            const QJsonObject data = e.value(QLatin1String("data")).toObject();
            t.ns.append(qint64(data.value(QLatin1String("r")).toDouble()) == m_runToken ? data.value(QLatin1String("n")).toInt() : -1);
        }
        if (events.isEmpty())
            return t;
    }
}

// Lost, duplicated and out-of-order events of every client and topic against the database.
QJsonObject ResumeBench::compare(const std::vector<Truth> &truth) const
{
    qint64 expected = 0, received = 0, lost = 0, dup = 0, disorder = 0, pruned = 0;
    int notRecovered = 0;
    QJsonArray examples;
    std::vector<double> lostAt; // when each lost event was stored, seconds into the run
    for (const auto &c : m_clients) {
        for (const ConnRecord &r : c->conns)
            notRecovered += int(r.notRecovered.size());
        for (const QString &topic : c->topics) {
            const Truth &t = truth[size_t(topicIndex(topic))];
            const qint64 from = c->start.value(topic);
            QSet<qint64> stored, seen;
            for (qint64 o : t.offsets) {
                if (o > from)
                    stored.insert(o);
            }
            pruned += (t.head - from) - stored.size(); // holes the database itself has (must be 0)
            expected += stored.size();
            qint64 prev = from;
            for (const Got &g : c->got.value(topic)) {
                ++received;
                if (seen.contains(g.offset))
                    ++dup;
                else if (g.offset < prev)
                    ++disorder;
                seen.insert(g.offset);
                prev = std::max(prev, g.offset);
            }
            for (qint64 o : std::as_const(stored)) {
                if (seen.contains(o))
                    continue;
                ++lost;
                lostAt.push_back(double(t.storedMs.value(t.offsets.indexOf(o)) - m_startWallMs) / 1000.0);
                if (examples.size() < 10)
                    examples.append(QStringLiteral("%1 offset %2").arg(topic).arg(o));
            }
        }
    }
    return {{QStringLiteral("expected"), expected}, {QStringLiteral("received"), received}, {QStringLiteral("lost"), lost},
            {QStringLiteral("duplicated"), dup}, {QStringLiteral("out_of_order"), disorder},
            {QStringLiteral("not_recovered"), notRecovered}, {QStringLiteral("database_holes"), pruned},
            {QStringLiteral("lost_examples"), examples}, {QStringLiteral("lost_stored_at_s"), stats(lostAt)}};
}

// For every reconnect: WebSocket open -> the first event at or past each topic's head at that
// moment (or the `subscribed` answer when nothing was missed).
QJsonObject ResumeBench::catchUps(const std::vector<Truth> &truth) const
{
    std::vector<double> all, quiet, redisOut, answered;
    int interrupted = 0;
    for (const auto &c : m_clients) {
        for (qsizetype k = 1; k < c->conns.size(); ++k) {
            const ConnRecord &r = c->conns[k];
            if (r.openUs == 0)
                continue; // never opened (a refused connect)
            qint64 doneUs = r.subscribedUs;
            bool complete = r.subscribedUs >= 0;
            if (complete)
                answered.push_back(double(r.subscribedUs - r.openUs) / 1000.0); // the history read, queued in the journal
            for (auto it = r.since.begin(); it != r.since.end() && complete; ++it) {
                const qint64 head = truth[size_t(topicIndex(it.key()))].headAt(r.openWallMs);
                if (head <= it.value())
                    continue;
                const QList<Got> &got = c->got.value(it.key());
                const auto hit = std::find_if(got.begin(), got.end(), [&](const Got &g) { return g.conn == k && g.offset >= head; });
                complete = hit != got.end();
                if (complete)
                    doneUs = std::max(doneUs, hit->atUs);
            }
            if (!complete) {
                ++interrupted; // closed (forced, or its replica died) before it caught up
                continue;
            }
            const double ms = double(doneUs - r.openUs) / 1000.0;
            all.push_back(ms);
            const bool duringRedisOutage = m_redisKillMs > 0 && r.openWallMs >= m_redisKillMs
                && (m_redisBackMs < 0 || r.openWallMs <= m_redisBackMs + 3000);
            (duringRedisOutage ? redisOut : quiet).push_back(ms);
        }
    }
    return {{QStringLiteral("all_ms"), stats(all)}, {QStringLiteral("outside_redis_outage_ms"), stats(quiet)},
            {QStringLiteral("during_redis_outage_ms"), stats(redisOut)}, {QStringLiteral("interrupted"), interrupted},
            {QStringLiteral("open_to_subscribed_ms"), stats(answered)}};
}

// The publisher's records against the database: accepted (202) but never stored, stored twice.
QJsonObject ResumeBench::publisherCheck(const std::vector<Truth> &truth) const
{
    QHash<int, int> storedTimes;
    for (const Truth &t : truth) {
        for (int n : t.ns)
            ++storedTimes[n];
    }
    qint64 accepted = 0, unanswered = 0, rejected = 0, acceptedNotStored = 0, storedTwice = 0, unansweredStored = 0;
    QJsonObject byReplica;           // accepted but not stored, by the replica that answered 202
    std::vector<double> notStoredAt; // … and when they were sent, seconds into the run
    for (size_t n = 0; n < m_published.size(); ++n) {
        const int s = m_published[n].status;
        const int times = storedTimes.value(int(n));
        storedTwice += times > 1;
        if (s == 202) {
            ++accepted;
            if (times == 0) {
                ++acceptedNotStored;
                byReplica[QStringLiteral("r%1").arg(m_published[n].replica + 1)] = byReplica[QStringLiteral("r%1").arg(m_published[n].replica + 1)].toInt() + 1;
                notStoredAt.push_back(double(m_published[n].sentMs - m_startWallMs) / 1000.0);
            }
        } else if (s == 0) {
            ++unanswered;
            unansweredStored += times > 0;
        } else if (s > 0) {
            ++rejected;
        }
    }
    return {{QStringLiteral("published"), qint64(m_published.size())}, {QStringLiteral("accepted"), accepted},
            {QStringLiteral("unanswered"), unanswered}, {QStringLiteral("unanswered_but_stored"), unansweredStored},
            {QStringLiteral("rejected"), rejected}, {QStringLiteral("accepted_not_stored"), acceptedNotStored},
            {QStringLiteral("stored_twice"), storedTwice}, {QStringLiteral("accepted_not_stored_by_replica"), byReplica},
            {QStringLiteral("accepted_not_stored_sent_at_s"), stats(notStoredAt)}};
}

bool ResumeBench::setUp()
{
    for (int i = 0; i < m_o.ports.size(); ++i) {
        m_replicas.push_back(std::make_unique<QProcess>());
        m_alive.append(false);
        m_pool.emplace_back();
        for (int k = 0; k < 4; ++k)
            m_pool.back().push_back(std::make_unique<HttpConn>(m_o.ports[i]));
    }
    if (!startRedis())
        return false;
    for (int i = 0; i < m_o.ports.size(); ++i)
        startReplica(i);
    if (!waitReady(30000) || !readEpochAndHeads())
        return false;
    QProcess mint;
    mint.start(m_o.serverBin, {QStringLiteral("token"), QStringLiteral("--role"), QStringLiteral("admin"), QStringLiteral("--secret"), m_o.secret});
    mint.waitForFinished(10000);
    m_token = mint.readAllStandardOutput().trimmed();
    // The clients: --per-client distinct topics each, starting from the heads of now.
    for (int i = 0; i < m_o.clients; ++i) {
        auto c = std::make_unique<Client>();
        while (c->topics.size() < m_o.perClient) {
            const QString t = topicName(int(QRandomGenerator::global()->bounded(m_o.topics)));
            if (!c->topics.contains(t))
                c->topics.append(t);
        }
        for (const QString &t : std::as_const(c->topics))
            c->start[t] = c->last[t] = m_startHeads.value(t);
        m_clients.push_back(std::move(c));
    }
    return !m_token.isEmpty();
}

// Until every client is subscribed, connected, and at its topics' heads (or the time is up).
bool ResumeBench::settle(QCoreApplication &app, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        QElapsedTimer slice;
        slice.start();
        while (slice.elapsed() < 500)
            app.processEvents(QEventLoop::AllEvents, 50);
        if (settled())
            return true;
    }
    return false;
}

void ResumeBench::printSummary(const QJsonObject &out) const
{
    const QJsonObject d = out.value(QLatin1String("delivery")).toObject();
    const QJsonObject p = out.value(QLatin1String("publisher")).toObject();
    const QJsonObject c = out.value(QLatin1String("catch_up")).toObject();
    const QJsonObject a = c.value(QLatin1String("all_ms")).toObject();
    std::printf("events expected at the clients %lld, received %lld: lost %lld, duplicated %lld, out of order %lld, "
                "recovered:false %d\n",
                qint64(d.value(QLatin1String("expected")).toDouble()), qint64(d.value(QLatin1String("received")).toDouble()),
                qint64(d.value(QLatin1String("lost")).toDouble()), qint64(d.value(QLatin1String("duplicated")).toDouble()),
                qint64(d.value(QLatin1String("out_of_order")).toDouble()), d.value(QLatin1String("not_recovered")).toInt());
    std::printf("publisher: %lld published, %lld accepted (202), %lld unanswered (%lld of them stored), "
                "%lld accepted but not stored, %lld stored twice\n",
                qint64(p.value(QLatin1String("published")).toDouble()), qint64(p.value(QLatin1String("accepted")).toDouble()),
                qint64(p.value(QLatin1String("unanswered")).toDouble()), qint64(p.value(QLatin1String("unanswered_but_stored")).toDouble()),
                qint64(p.value(QLatin1String("accepted_not_stored")).toDouble()), qint64(p.value(QLatin1String("stored_twice")).toDouble()));
    std::printf("reconnect -> caught up: %d reconnects, p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d interrupted before catching up)\n",
                a.value(QLatin1String("n")).toInt(), a.value(QLatin1String("p50")).toDouble(), a.value(QLatin1String("p99")).toDouble(),
                a.value(QLatin1String("max")).toDouble(), c.value(QLatin1String("interrupted")).toInt());
}

int ResumeBench::run(QCoreApplication &app)
{
    if (!setUp()) {
        std::fprintf(stderr, "the replicas did not come up joined (logs in %s)\n", qPrintable(m_o.dataRoot));
        return 1;
    }
    m_clock.start();
    m_startWallMs = wallMs();
    for (auto &c : m_clients)
        connectClient(*c, randomReplica());
    QObject::connect(&m_publishTimer, &QTimer::timeout, &app, [this] { publishTick(); });
    m_publishTimer.start(5);
    QTimer::singleShot(2000, &app, [this] { scheduleForce(); }); // after every client's first subscribe
    chaos();
    const double chaosEnd = std::max(m_o.killAt + m_o.killFor, m_o.redisAt + m_o.redisDown) + 3;
    while (m_forced < m_o.disconnects || double(sinceStartMs()) / 1000 < chaosEnd)
        app.processEvents(QEventLoop::AllEvents, 50);
    m_publishing = false;
    const double seconds = double(sinceStartMs()) / 1000;
    while (!m_retry.isEmpty() || std::any_of(m_published.begin(), m_published.end(), [](const Published &p) { return p.status < 0 && p.replica >= 0; })) {
        app.processEvents(QEventLoop::AllEvents, 50);
        if (double(sinceStartMs()) / 1000 > seconds + 10)
            break;
    }
    const bool caughtUp = settle(app, 60000);
    std::vector<Truth> truth;
    for (int t = 0; t < m_o.topics; ++t)
        truth.push_back(readTruth(t));
    const QJsonObject out{{QStringLiteral("mode"), QStringLiteral("resume")},
                          {QStringLiteral("seconds"), seconds},
                          {QStringLiteral("clients"), m_o.clients},
                          {QStringLiteral("topics"), m_o.topics},
                          {QStringLiteral("rate"), m_o.rate},
                          {QStringLiteral("forced_disconnects"), m_forced},
                          {QStringLiteral("server_closed"), m_serverClosed},
                          {QStringLiteral("connect_failures"), m_connectFailures},
                          {QStringLiteral("errors"), m_errors},
                          {QStringLiteral("settled"), caughtUp},
                          {QStringLiteral("delivery"), compare(truth)},
                          {QStringLiteral("publisher"), publisherCheck(truth)},
                          {QStringLiteral("catch_up"), catchUps(truth)},
                          {QStringLiteral("live_publish_to_receive_ms"), stats(m_liveMs)},
                          {QStringLiteral("chaos_at_s"), QJsonObject{{QStringLiteral("replica_killed"), double(m_killAtMs - m_startWallMs) / 1000},
                                                                     {QStringLiteral("replica_restarted"), double(m_restartAtMs - m_startWallMs) / 1000},
                                                                     {QStringLiteral("redis_killed"), double(m_redisKillMs - m_startWallMs) / 1000},
                                                                     {QStringLiteral("redis_back"), double(m_redisBackMs - m_startWallMs) / 1000}}}};
    printSummary(out);
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    const QJsonObject d = out.value(QLatin1String("delivery")).toObject();
    return caughtUp && d.value(QLatin1String("lost")).toInt() == 0 && d.value(QLatin1String("duplicated")).toInt() == 0 ? 0 : 3;
}

} // namespace

int runResume(QCoreApplication &app, const Options &o)
{
    if (o.database.isEmpty() || o.dataRoot.isEmpty()) {
        std::fprintf(stderr, "--mode resume needs --database postgresql://... and --data-root DIR\n");
        return 2;
    }
    ResumeBench bench(o);
    return bench.run(app);
}

} // namespace histbench
