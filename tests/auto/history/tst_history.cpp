// The topics' durable history (issue 18): offsets and epochs on events, resume with `since`
// (no gap, no duplicate, also under load and across a restart), the reasons a resume fails,
// bad `since` input, GET /api/topics/{topic}/history, and the parts below them — the
// sequencer that orders each topic's events and the store's event log.
#include "testsupport.h"

#include "engine/engine.h"
#include "fanout/hub.h"
#include "history/journal.h"
#include "history/recovery.h"
#include "history/sequencer.h"
#include "store/sqlstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace onair;
using namespace onair::test;

namespace {
TopicEvent ev(const QString &topic, qint64 offset, int n = 0)
{
    return {topic, offset, QStringLiteral("e1"), 0, QJsonObject{{QStringLiteral("n"), n}}};
}

QList<qint64> offsetsOf(const QList<TopicEvent> &events)
{
    QList<qint64> out;
    for (const TopicEvent &e : events)
        out.append(e.offset);
    return out;
}

QString subscribeWithSince(const QStringList &topics, const QJsonObject &since)
{
    return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                                       {QStringLiteral("topics"), QJsonArray::fromStringList(topics)},
                                                       {QStringLiteral("since"), since}})
                                 .toJson(QJsonDocument::Compact));
}

QJsonObject sinceOf(const QString &topic, qint64 offset, const QString &epoch)
{
    return {{topic, QJsonObject{{QStringLiteral("offset"), offset}, {QStringLiteral("epoch"), epoch}}}};
}
} // namespace

class TestHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // the parts
    void sequencerOrdersAndDropsDuplicates();
    void sequencerFillsGapsFromTheDatabase();
    void sequencerLateEventsOnce();
    void sequencerHoldsANewTopicsFirstEvents();
    void judgeRecovery_data();
    void judgeRecovery();
    void eventLogOffsetsPruningEpoch();
    // the engine, over real sockets
    void eventsCarryOffsetsAndEpoch();
    void resumeAfterDisconnect();
    void resumeAcrossRestart();
    void resumeRefusals();
    void beyondRetentionAfterPruning();
    void invalidSince_data();
    void cleanupTestCase() { m_shared.reset(); }
    void invalidSince();
    void listenerCountsAreNotKept();
    void bannersTopic();
    void restHistory_data();
    void restHistory();
    void handOverUnderLoad();

private:
    std::unique_ptr<TestServer> m_shared; // one server for the rows of a data-driven test
    QByteArray m_sharedFor;                // … of this test function
    bool freshShared()
    {
        if (m_shared && m_sharedFor == QTest::currentTestFunction())
            return false;
        m_shared = std::make_unique<TestServer>();
        m_sharedFor = QTest::currentTestFunction();
        return true;
    }
    HttpReply publish(TestServer &s, const QString &topic, int n)
    {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("topic"), topic},
                                                          {QStringLiteral("data"), QJsonObject{{QStringLiteral("n"), n}}}})
                                    .toJson(QJsonDocument::Compact);
        return httpSend(s.port(), "POST", QStringLiteral("/api/publish"), body, bearer(s.token(Role::Admin)));
    }
};

void TestHistory::sequencerOrdersAndDropsDuplicates()
{
    TopicSequencer seq(300);
    QCOMPARE(offsetsOf(seq.offer(ev(QStringLiteral("t:a"), 5), 0)), QList<qint64>{5}); // first seen: taken as is
    QCOMPARE(offsetsOf(seq.offer(ev(QStringLiteral("t:a"), 6), 0)), QList<qint64>{6});
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 6), 0).isEmpty()); // twice
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 8), 0).isEmpty()); // early: waits for 7
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 9), 0).isEmpty());
    QCOMPARE(offsetsOf(seq.offer(ev(QStringLiteral("t:a"), 7), 10)), (QList<qint64>{7, 8, 9}));
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 8), 10).isEmpty());
    QCOMPARE(offsetsOf(seq.offer(ev(QStringLiteral("t:b"), 1), 10)), QList<qint64>{1}); // topics apart
    QCOMPARE(seq.duplicatesDropped(), 2);
    QVERIFY(seq.dueGaps(100000).isEmpty());
}

void TestHistory::sequencerFillsGapsFromTheDatabase()
{
    TopicSequencer seq(300);
    seq.offer(ev(QStringLiteral("t:a"), 1), 0);
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 4), 1000).isEmpty());
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 5), 1100).isEmpty());
    QVERIFY(seq.dueGaps(1200).isEmpty()); // waited 200 ms of 300
    const auto gaps = seq.dueGaps(1300);
    QCOMPARE(gaps.size(), 1);
    QCOMPARE(gaps[0].after, 1);
    QCOMPARE(gaps[0].before, 4);
    QVERIFY(seq.dueGaps(5000).isEmpty()); // being fetched
    // The database has 3 only (2 was pruned): 3, then the waiting 4 and 5.
    QCOMPARE(offsetsOf(seq.fill(QStringLiteral("t:a"), 4, {ev(QStringLiteral("t:a"), 3)}, 1400)), (QList<qint64>{3, 4, 5}));
    QCOMPARE(seq.skipped(), 1);
    QCOMPARE(offsetsOf(seq.offer(ev(QStringLiteral("t:a"), 6), 1500)), QList<qint64>{6});
    // A gap the database knows nothing of: the waiting events go on.
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 9), 2000).isEmpty());
    QCOMPARE(seq.dueGaps(2300).size(), 1);
    QCOMPARE(offsetsOf(seq.fill(QStringLiteral("t:a"), 9, {}, 2300)), QList<qint64>{9});
    QCOMPARE(seq.lastDelivered(QStringLiteral("t:a")), 9);
}

void TestHistory::sequencerLateEventsOnce()
{
    TopicSequencer seq(300);
    seq.offer(ev(QStringLiteral("t:a"), 10), 0);
    seq.offer(ev(QStringLiteral("t:a"), 12), 0);
    QCOMPARE(seq.dueGaps(400).size(), 1);
    QCOMPARE(offsetsOf(seq.fill(QStringLiteral("t:a"), 12, {}, 400)), QList<qint64>{12}); // 11 unknown then
    // 11 comes after all (a slow replica): delivered, once.
    QCOMPARE(offsetsOf(seq.offer(ev(QStringLiteral("t:a"), 11), 500)), QList<qint64>{11});
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 11), 500).isEmpty());
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 10), 500).isEmpty());
    // Far behind the remembered window: taken as delivered long ago.
    seq.offer(ev(QStringLiteral("t:a"), 12 + TopicSequencer::kWindow + 1), 600);
    QCOMPARE(seq.dueGaps(1000).size(), 1);
    seq.fill(QStringLiteral("t:a"), 12 + TopicSequencer::kWindow + 1, {}, 1000);
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 5), 1000).isEmpty());
    seq.forgetIdle(1000 + 3600 * 1000, 60 * 1000);
    QCOMPARE(seq.topicCount(), 0);
}

// With replicas, a topic this replica has not seen yet may get offset 2 from one replica before
// offset 1 from another: its first events wait, then go in order.
void TestHistory::sequencerHoldsANewTopicsFirstEvents()
{
    TopicSequencer seq(300);
    seq.setHoldFirst(true);
    QCOMPARE(offsetsOf(seq.offer(ev(QStringLiteral("t:new"), 1), 0)), QList<qint64>{1}); // nothing can precede 1
    TopicEvent eight = ev(QStringLiteral("t:a"), 8);
    eight.timeMs = 50000;
    QVERIFY(seq.offer(eight, 0).isEmpty());
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 7), 50).isEmpty());
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 8), 60).isEmpty()); // twice
    QVERIFY(seq.dueGaps(200).isEmpty());
    const auto starts = seq.dueGaps(300);
    QCOMPARE(starts.size(), 1); // the start: read what was stored just before 7
    QCOMPARE(starts[0].after, 0);
    QCOMPARE(starts[0].before, 7);
    QCOMPARE(seq.dueGaps(5000).size(), 0);
    // The database had 5 and 6 from about then (still on their way from another replica).
    QCOMPARE(offsetsOf(seq.fill(QStringLiteral("t:a"), 7, {ev(QStringLiteral("t:a"), 5), ev(QStringLiteral("t:a"), 6)}, 400)),
             (QList<qint64>{5, 6, 7, 8}));
    QVERIFY(seq.offer(ev(QStringLiteral("t:a"), 6), 450).isEmpty()); // 6 arriving after all: once
    QCOMPARE(offsetsOf(seq.offer(ev(QStringLiteral("t:a"), 9), 500)), QList<qint64>{9});
    QCOMPARE(seq.duplicatesDropped(), 2);
    // Without other replicas nothing waits.
    TopicSequencer single(300);
    QCOMPARE(offsetsOf(single.offer(ev(QStringLiteral("t:a"), 8), 0)), QList<qint64>{8});
}

void TestHistory::judgeRecovery_data()
{
    QTest::addColumn<qint64>("after");
    QTest::addColumn<QString>("epoch");
    QTest::addColumn<qint64>("head");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<int>("stored"); // events after `after` the read returned
    QTest::addColumn<int>("status");
    using S = RecoverResult::Status;
    QTest::newRow("missed 3") << qint64(7) << "e1" << qint64(10) << qint64(1) << 3 << int(S::Recovered);
    QTest::newRow("nothing missed") << qint64(10) << "e1" << qint64(10) << qint64(1) << 0 << int(S::Recovered);
    QTest::newRow("from the start") << qint64(0) << "e1" << qint64(5) << qint64(1) << 5 << int(S::Recovered);
    QTest::newRow("new topic") << qint64(0) << "e1" << qint64(0) << qint64(0) << 0 << int(S::Recovered);
    QTest::newRow("other epoch") << qint64(7) << "e0" << qint64(10) << qint64(1) << 0 << int(S::EpochChanged);
    QTest::newRow("ahead") << qint64(11) << "e1" << qint64(10) << qint64(1) << 0 << int(S::OffsetAhead);
    QTest::newRow("pruned after it") << qint64(2) << "e1" << qint64(10) << qint64(5) << 6 << int(S::BeyondRetention);
    QTest::newRow("right at the oldest") << qint64(4) << "e1" << qint64(9) << qint64(5) << 5 << int(S::Recovered);
    QTest::newRow("all pruned") << qint64(3) << "e1" << qint64(10) << qint64(0) << 0 << int(S::BeyondRetention);
    QTest::newRow("too many") << qint64(0) << "e1" << qint64(10) << qint64(1) << 6 << int(S::TooMany);
}

void TestHistory::judgeRecovery()
{
    QFETCH(qint64, after);
    QFETCH(QString, epoch);
    QFETCH(qint64, head);
    QFETCH(qint64, first);
    QFETCH(int, stored);
    QFETCH(int, status);
    EventLog::Page page;
    page.head = head;
    page.first = first;
    for (int i = 1; i <= stored; ++i)
        page.events.append(ev(QStringLiteral("t:a"), after + i));
    const RecoverResult r = onair::judgeRecovery({QStringLiteral("t:a"), after, epoch}, page, QStringLiteral("e1"), 5);
    QCOMPARE(int(r.status), status);
    QCOMPARE(r.head, head);
    QCOMPARE(r.events.size(), r.status == RecoverResult::Status::Recovered ? stored : 0);
}

void TestHistory::eventLogOffsetsPruningEpoch()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("onair.db"));
    QString e, epoch;
    {
        SqlStore s(path);
        QVERIFY2(s.open(&e), qPrintable(e));
        epoch = s.historyEpoch(&e).value_or(QString());
        QCOMPARE(epoch.size(), 36); // a UUID
        QList<TopicEvent> batch{ev(QStringLiteral("t:a"), 0, 1), ev(QStringLiteral("t:b"), 0, 2), ev(QStringLiteral("t:a"), 0, 3)};
        for (int i = 0; i < batch.size(); ++i)
            batch[i].timeMs = 1000 + i;
        QVERIFY2(s.appendEvents(batch, &e), qPrintable(e));
        QCOMPARE(offsetsOf(batch), (QList<qint64>{1, 1, 2}));
        const auto page = s.readEvents(QStringLiteral("t:a"), 1, 0, 10, &e);
        QVERIFY(page);
        QCOMPARE(page->head, 2);
        QCOMPARE(page->first, 1);
        QCOMPARE(offsetsOf(page->events), QList<qint64>{2});
        QCOMPARE(page->events[0].data.toObject().value(QLatin1String("n")).toInt(), 3);
        QCOMPARE(s.eventsSince(1001, 10, &e).value_or(QList<TopicEvent>()).size(), 2);
        // Keep one event per topic: the heads stay, offsets are not reused.
        const QStringList justA{QStringLiteral("t:a")};
        QVERIFY(s.pruneEvents(0, &justA, 1, &e));
        QCOMPARE(s.readEvents(QStringLiteral("t:a"), 0, 0, 10, &e)->first, 2);
        QVERIFY(s.pruneEvents(5000, nullptr, 100, &e)); // by age: everything is older
        QCOMPARE(s.readEvents(QStringLiteral("t:a"), 0, 0, 10, &e)->events.size(), 0);
        QList<TopicEvent> more{ev(QStringLiteral("t:a"), 0, 4)};
        QVERIFY(s.appendEvents(more, &e));
        QCOMPARE(more[0].offset, 3);
    }
    SqlStore again(path); // the epoch belongs to the database: the same after a reopen
    QVERIFY(again.open(&e));
    QCOMPARE(again.historyEpoch(&e).value_or(QString()), epoch);
    QTemporaryDir other;
    SqlStore fresh(other.filePath(QStringLiteral("onair.db")));
    QVERIFY(fresh.open(&e));
    QVERIFY(fresh.historyEpoch(&e).value_or(epoch) != epoch); // a fresh database: a new history
}

void TestHistory::eventsCarryOffsetsAndEpoch()
{
    TestServer s;
    WsClient c;
    QVERIFY(c.openAndWaitConnected(s.ws(QStringLiteral("/ws/events"))));
    QVERIFY(c.subscribe({QStringLiteral("project:1"), QStringLiteral("project:2")}));
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(publish(s, QStringLiteral("project:1"), i).status, 202);
    QCOMPARE(publish(s, QStringLiteral("project:2"), 9).status, 202);
    QTRY_COMPARE(eventOffsets(c).value(QStringLiteral("project:1")), (QList<qint64>{1, 2, 3}));
    QTRY_COMPARE(eventOffsets(c).value(QStringLiteral("project:2")), QList<qint64>{1});
    const QString epoch = c.lastJsonOfType(QStringLiteral("event")).value(QLatin1String("epoch")).toString();
    QCOMPARE(epoch, s.engine().journal()->epoch());
    QCOMPARE(c.lastJsonOfType(QStringLiteral("event")).value(QLatin1String("data")).toObject().value(QLatin1String("n")).toInt(), 9);
}

void TestHistory::resumeAfterDisconnect()
{
    TestServer s;
    const QString topic = QStringLiteral("project:456");
    QString epoch;
    {
        WsClient first;
        QVERIFY(first.openAndWaitConnected(s.ws(QStringLiteral("/ws/events"))));
        QVERIFY(first.subscribe({topic}));
        QCOMPARE(publish(s, topic, 1).status, 202);
        const HttpReply second = publish(s, topic, 2);
        QCOMPARE(second.status, 202); // answered once stored: with its offset
        QCOMPARE(QJsonDocument::fromJson(second.body).object().value(QLatin1String("offset")).toInt(), 2);
        QTRY_COMPARE(eventOffsets(first).value(topic), (QList<qint64>{1, 2}));
        epoch = first.lastJsonOfType(QStringLiteral("event")).value(QLatin1String("epoch")).toString();
    } // gone: 3, 4, 5 are missed
    for (int i = 3; i <= 5; ++i)
        QCOMPARE(publish(s, topic, i).status, 202);
    WsClient back;
    QVERIFY(back.openAndWaitConnected(s.ws(QStringLiteral("/ws/events"))));
    back.socket.sendTextMessage(subscribeWithSince({topic}, sinceOf(topic, 2, epoch)));
    QVERIFY(back.waitJsonType(QStringLiteral("subscribed")));
    const QJsonObject reply = back.lastJsonOfType(QStringLiteral("subscribed"));
    QVERIFY(reply.value(QLatin1String("recovered")).toBool());
    const QJsonObject entry = reply.value(QLatin1String("recovery")).toObject().value(topic).toObject();
    QCOMPARE(entry.value(QLatin1String("events")).toInt(), 3);
    QCOMPARE(entry.value(QLatin1String("offset")).toInt(), 5);
    QTRY_COMPARE(eventOffsets(back).value(topic), (QList<qint64>{3, 4, 5}));
    QCOMPARE(publish(s, topic, 6).status, 202);
    QTRY_COMPARE(eventOffsets(back).value(topic), (QList<qint64>{3, 4, 5, 6}));
    // the replayed events are the stored ones
    QCOMPARE(back.json.last().value(QLatin1String("data")).toObject().value(QLatin1String("n")).toInt(), 6);
    quietPeriod();
    QCOMPARE(eventOffsets(back).value(topic).size(), 4);
    // The operator sees it: /metrics and /health/full count the resume.
    const QByteArray metrics = httpGet(s.port(), QStringLiteral("/metrics")).body;
    QVERIFY2(metrics.contains("\nonair_history_resumes_total 1\n"), metrics.constData());
    QVERIFY(metrics.contains("\nonair_history_resumed_events_total 3\n"));
    QVERIFY(metrics.contains("\nonair_history_appended_total 6\n"));
    const QJsonObject history = QJsonDocument::fromJson(httpGet(s.port(), QStringLiteral("/health/full")).body)
                                    .object().value(QLatin1String("components")).toObject().value(QLatin1String("history")).toObject();
    QCOMPARE(history.value(QLatin1String("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(history.value(QLatin1String("resumed_events")).toInt(), 3);
}

void TestHistory::resumeAcrossRestart()
{
    QTemporaryDir dir;
    EngineConfig config = testConfig();
    config.dataDir = dir.path();
    const QString topic = QStringLiteral("conversation:9");
    QString epoch;
    quint16 port = 0;
    {
        TestServer s(config);
        port = s.port();
        WsClient c;
        QVERIFY(c.openAndWaitConnected(s.ws(QStringLiteral("/ws/events"))));
        QVERIFY(c.subscribe({topic}));
        QCOMPARE(publish(s, topic, 1).status, 202);
        QTRY_COMPARE(eventOffsets(c).value(topic), QList<qint64>{1});
        epoch = c.lastJsonOfType(QStringLiteral("event")).value(QLatin1String("epoch")).toString();
        QCOMPARE(publish(s, topic, 2).status, 202);
        QCOMPARE(publish(s, topic, 3).status, 202);
        QTRY_COMPARE(eventOffsets(c).value(topic).size(), 3);
    }
    config.port = port;
    TestServer s(config);
    WsClient back;
    QVERIFY(back.openAndWaitConnected(s.ws(QStringLiteral("/ws/events"))));
    back.socket.sendTextMessage(subscribeWithSince({topic}, sinceOf(topic, 1, epoch)));
    QVERIFY(back.waitJsonType(QStringLiteral("subscribed")));
    QVERIFY(back.lastJsonOfType(QStringLiteral("subscribed")).value(QLatin1String("recovered")).toBool());
    QTRY_COMPARE(eventOffsets(back).value(topic), (QList<qint64>{2, 3}));
    QCOMPARE(publish(s, topic, 4).status, 202); // offsets go on after the restart
    QTRY_COMPARE(eventOffsets(back).value(topic), (QList<qint64>{2, 3, 4}));
}

void TestHistory::resumeRefusals()
{
    EngineConfig config = testConfig();
    config.historyMaxRecover = 3;
    TestServer s(config);
    const QString epoch = s.engine().journal()->epoch();
    for (int i = 1; i <= 6; ++i)
        QCOMPARE(publish(s, QStringLiteral("project:7"), i).status, 202);
    QTRY_COMPARE(s.engine().journal()->stats().appended, 6);
    struct Case { qint64 after; QString epoch; QString reason; };
    const QList<Case> cases{{2, epoch, QStringLiteral("too_many")},            // 4 missed, 3 replayed at most
                            {4, QStringLiteral("9d5ed678-fe57-4cca-b3d2-000000000000"), QStringLiteral("epoch_changed")},
                            {1000, epoch, QStringLiteral("offset_ahead")}};
    qint64 head = 6;
    for (const Case &k : cases) {
        WsClient c;
        QVERIFY(c.openAndWaitConnected(s.ws(QStringLiteral("/ws/events"))));
        c.socket.sendTextMessage(subscribeWithSince({QStringLiteral("project:7")}, sinceOf(QStringLiteral("project:7"), k.after, k.epoch)));
        QVERIFY(c.waitJsonType(QStringLiteral("subscribed")));
        const QJsonObject reply = c.lastJsonOfType(QStringLiteral("subscribed"));
        QVERIFY2(!reply.value(QLatin1String("recovered")).toBool(), qPrintable(k.reason));
        const QJsonObject entry = reply.value(QLatin1String("recovery")).toObject().value(QLatin1String("project:7")).toObject();
        QCOMPARE(entry.value(QLatin1String("reason")).toString(), k.reason);
        QCOMPARE(entry.value(QLatin1String("offset")).toInt(), head); // go on from the head
        QCOMPARE(entry.value(QLatin1String("epoch")).toString(), epoch);
        // Nothing replayed; live events still come, from the head on.
        QCOMPARE(publish(s, QStringLiteral("project:7"), 100).status, 202);
        QTRY_VERIFY(!eventOffsets(c).value(QStringLiteral("project:7")).isEmpty());
        QCOMPARE(eventOffsets(c).value(QStringLiteral("project:7")), QList<qint64>{++head});
    }
}

void TestHistory::beyondRetentionAfterPruning()
{
    QTemporaryDir dir;
    EngineConfig config = testConfig();
    config.dataDir = dir.path();
    config.historyMaxEvents = 2;
    QString epoch;
    {
        TestServer s(config);
        epoch = s.engine().journal()->epoch();
        for (int i = 1; i <= 5; ++i)
            QCOMPARE(publish(s, QStringLiteral("project:3"), i).status, 202);
        QTRY_COMPARE(s.engine().journal()->stats().appended, 5);
    }
    TestServer s(config); // prunes at start: 4 and 5 stay
    const auto resume = [&](qint64 after) {
        auto c = std::make_unique<WsClient>();
        c->openAndWaitConnected(s.ws(QStringLiteral("/ws/events")));
        c->socket.sendTextMessage(subscribeWithSince({QStringLiteral("project:3")}, sinceOf(QStringLiteral("project:3"), after, epoch)));
        c->waitJsonType(QStringLiteral("subscribed"));
        return c;
    };
    auto old = resume(2);
    const QJsonObject entry = old->lastJsonOfType(QStringLiteral("subscribed")).value(QLatin1String("recovery")).toObject()
                                  .value(QLatin1String("project:3")).toObject();
    QCOMPARE(entry.value(QLatin1String("reason")).toString(), QStringLiteral("beyond_retention"));
    auto recent = resume(3);
    QVERIFY(recent->lastJsonOfType(QStringLiteral("subscribed")).value(QLatin1String("recovered")).toBool());
    QTRY_COMPARE(eventOffsets(*recent).value(QStringLiteral("project:3")), (QList<qint64>{4, 5}));
    const HttpReply page = httpGet(s.port(), QStringLiteral("/api/topics/project:3/history"));
    QCOMPARE(page.status, 200);
    const QJsonObject body = QJsonDocument::fromJson(page.body).object();
    QCOMPARE(body.value(QLatin1String("first_offset")).toInt(), 4);
    QCOMPARE(body.value(QLatin1String("last_offset")).toInt(), 5);
}

void TestHistory::invalidSince_data()
{
    QTest::addColumn<QString>("message");
    const QString e = QStringLiteral("\"e\"");
    auto sub = [](const QString &since) {
        return QStringLiteral(R"({"type":"subscribe","topics":["project:1"],"since":%1})").arg(since);
    };
    QTest::newRow("not an object") << sub(QStringLiteral("[1,2]"));
    QTest::newRow("a string") << sub(QStringLiteral("\"41\""));
    QTest::newRow("entry not an object") << sub(QStringLiteral(R"({"project:1":41})"));
    QTest::newRow("negative") << sub(QStringLiteral(R"({"project:1":{"offset":-1,"epoch":%1}})").arg(e));
    QTest::newRow("fraction") << sub(QStringLiteral(R"({"project:1":{"offset":1.5,"epoch":%1}})").arg(e));
    QTest::newRow("huge") << sub(QStringLiteral(R"({"project:1":{"offset":1e300,"epoch":%1}})").arg(e));
    QTest::newRow("offset a string") << sub(QStringLiteral(R"({"project:1":{"offset":"4","epoch":%1}})").arg(e));
    QTest::newRow("no epoch") << sub(QStringLiteral(R"({"project:1":{"offset":4}})"));
    QTest::newRow("empty epoch") << sub(QStringLiteral(R"({"project:1":{"offset":4,"epoch":""}})"));
    QTest::newRow("long epoch") << sub(QStringLiteral(R"({"project:1":{"offset":4,"epoch":"%1"}})").arg(QString(65, u'x')));
    QTest::newRow("not subscribed") << sub(QStringLiteral(R"({"project:2":{"offset":4,"epoch":%1}})").arg(e));
    QTest::newRow("invalid topic") << sub(QStringLiteral(R"({"Bad Topic":{"offset":4,"epoch":%1}})").arg(e));
    QTest::newRow("a class") << QStringLiteral(R"({"type":"subscribe","topics":["all"],"since":{"all":{"offset":4,"epoch":"e"}}})");
    QString many;
    for (int i = 0; i < 100; ++i)
        many += QStringLiteral(R"("project:%1":{"offset":1,"epoch":"e"},)").arg(i);
    many.chop(1);
    QTest::newRow("too many entries") << QStringLiteral(R"({"type":"subscribe","topics":["all"],"since":{%1}})").arg(many);
}

void TestHistory::invalidSince()
{
    QFETCH(QString, message);
    freshShared();
    auto &s = m_shared;
    WsClient c;
    QVERIFY(c.openAndWaitConnected(s->ws(QStringLiteral("/ws/events"))));
    c.socket.sendTextMessage(message);
    QVERIFY(c.waitJsonType(QStringLiteral("error")));
    QCOMPARE(c.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(), QStringLiteral("invalid_since"));
    // Nothing changed: not subscribed; the connection works on.
    QVERIFY(c.lastJsonOfType(QStringLiteral("subscribed")).isEmpty());
    QCOMPARE(publish(*s, QStringLiteral("project:1"), 1).status, 202);
    QVERIFY(c.subscribe({QStringLiteral("project:5")}));
    QCOMPARE(c.lastJsonOfType(QStringLiteral("subscribed")).value(QLatin1String("topics")).toArray(),
             QJsonArray{QStringLiteral("project:5")});
    quietPeriod();
    QVERIFY(eventOffsets(c).isEmpty());
    QVERIFY(!c.disconnected);
}

void TestHistory::listenerCountsAreNotKept()
{
    TestServer s;
    WsClient events;
    QVERIFY(events.openAndWaitConnected(s.ws(QStringLiteral("/ws/events"))));
    QVERIFY(events.subscribe({QStringLiteral("stream:main")}));
    ToneSpeaker speaker(s.ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(speaker.ok());
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(s.ws(QStringLiteral("/ws/listen/main"))));
    bool sawCount = false, sawJoined = false;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        for (const QJsonObject &o : std::as_const(events.json)) {
            const QString kind = o.value(QLatin1String("data")).toObject().value(QLatin1String("event")).toString();
            if (kind == QLatin1String("listeners")) {
                sawCount = true;
                if (o.contains(QLatin1String("offset")))
                    return false;
            } else if (kind == QLatin1String("speaker_joined")) {
                sawJoined = o.value(QLatin1String("offset")).toInt() >= 1;
            }
        }
        return sawCount && sawJoined;
    }(), 5000);
    const HttpReply page = httpGet(s.port(), QStringLiteral("/api/topics/stream:main/history"));
    const QJsonArray kept = QJsonDocument::fromJson(page.body).object().value(QLatin1String("events")).toArray();
    QVERIFY(!kept.isEmpty());
    for (const QJsonValue &v : kept)
        QVERIFY(v.toObject().value(QLatin1String("data")).toObject().value(QLatin1String("event")).toString() != QLatin1String("listeners"));
}

void TestHistory::bannersTopic()
{
    TestServer s;
    WsClient c;
    QVERIFY(c.openAndWaitConnected(s.ws(QStringLiteral("/ws/events"))));
    QVERIFY(c.subscribe({QStringLiteral("banners")}));
    const QByteArray admin = bearer(s.token(Role::Admin));
    QCOMPARE(httpSend(s.port(), "POST", QStringLiteral("/api/broadcasts"), R"({"message":"Doors close","type":"warning"})", admin).status, 201);
    QCOMPARE(httpSend(s.port(), "POST", QStringLiteral("/api/broadcasts/clear"), "{}", admin).status, 200);
    QTRY_COMPARE(eventOffsets(c).value(QStringLiteral("banners")), (QList<qint64>{1, 2}));
    const HttpReply page = httpGet(s.port(), QStringLiteral("/api/topics/banners/history"));
    const QJsonArray kept = QJsonDocument::fromJson(page.body).object().value(QLatin1String("events")).toArray();
    QCOMPARE(kept.size(), 2);
    QCOMPARE(kept[0].toObject().value(QLatin1String("data")).toObject().value(QLatin1String("broadcast")).toObject()
                 .value(QLatin1String("message")).toString(), QStringLiteral("Doors close"));
    QCOMPARE(kept[1].toObject().value(QLatin1String("data")).toObject().value(QLatin1String("event")).toString(), QStringLiteral("cleared"));
}

void TestHistory::restHistory_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QList<qint64>>("offsets");
    QTest::newRow("all of it") << "/api/topics/project:8/history" << 200 << "" << offsetRange(1, 5);
    QTest::newRow("since") << "/api/topics/project:8/history?since=3" << 200 << "" << offsetRange(4, 5);
    QTest::newRow("limit") << "/api/topics/project:8/history?since=1&limit=2" << 200 << "" << offsetRange(2, 3);
    QTest::newRow("encoded colon") << "/api/topics/project%3A8/history?limit=1" << 200 << "" << offsetRange(1, 1);
    QTest::newRow("past the end") << "/api/topics/project:8/history?since=99" << 200 << "" << QList<qint64>();
    QTest::newRow("unknown topic") << "/api/topics/project:9/history" << 200 << "" << QList<qint64>();
    QTest::newRow("negative since") << "/api/topics/project:8/history?since=-1" << 400 << "invalid_since" << QList<qint64>();
    QTest::newRow("garbage since") << "/api/topics/project:8/history?since=abc" << 400 << "invalid_since" << QList<qint64>();
    QTest::newRow("limit 0") << "/api/topics/project:8/history?limit=0" << 400 << "invalid_limit" << QList<qint64>();
    QTest::newRow("limit 1001") << "/api/topics/project:8/history?limit=1001" << 400 << "invalid_limit" << QList<qint64>();
    QTest::newRow("bad topic") << "/api/topics/Project!/history" << 400 << "invalid_topic" << QList<qint64>();
    QTest::newRow("a class") << "/api/topics/all/history" << 400 << "invalid_topic" << QList<qint64>();
}

void TestHistory::restHistory()
{
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(QList<qint64>, offsets);
    auto &s = m_shared;
    if (freshShared()) {
        for (int i = 1; i <= 5; ++i)
            QCOMPARE(publish(*s, QStringLiteral("project:8"), i).status, 202);
        QTRY_COMPARE(s->engine().journal()->stats().appended, 5);
    }
    const HttpReply r = httpGet(s->port(), path);
    QCOMPARE(r.status, status);
    const QJsonObject body = QJsonDocument::fromJson(r.body).object();
    if (status != 200) {
        QCOMPARE(body.value(QLatin1String("error")).toString(), error);
        QVERIFY(!body.value(QLatin1String("message")).toString().isEmpty());
        return;
    }
    QList<qint64> got;
    for (const QJsonValue &v : body.value(QLatin1String("events")).toArray())
        got.append(qint64(v.toObject().value(QLatin1String("offset")).toDouble()));
    QCOMPARE(got, offsets);
    QCOMPARE(body.value(QLatin1String("epoch")).toString(), s->engine().journal()->epoch());
}

// The hard part: clients drop and resume again and again while events keep coming on several
// topics; each must end with every offset of every topic exactly once, in order.
void TestHistory::handOverUnderLoad()
{
    TestServer s;
    const QStringList topics{QStringLiteral("project:1"), QStringLiteral("project:2"), QStringLiteral("project:3")};
    Hub *hub = s.engine().hub();
    std::atomic<bool> stop{false};
    std::atomic<int> published{0};
    QThread *publisher = QThread::create([&] {
        int n = 0;
        while (!stop.load()) {
            hub->publishTopic(topics.at(n % 3), QJsonObject{{QStringLiteral("n"), n}});
            ++n;
            published.store(n);
            QThread::usleep(1500); // ~650 events/s
        }
    });
    publisher->start();
    struct Client
    {
        std::unique_ptr<WsClient> ws;
        QHash<QString, QList<qint64>> seen; // over all its connections
        QHash<QString, qint64> last;
        qsizetype counted = 0;
    };
    const QString epoch = s.engine().journal()->epoch();
    std::vector<Client> clients(12);
    auto absorb = [&](Client &c) {
        const auto got = eventOffsets(*c.ws, c.counted);
        c.counted = c.ws->json.size();
        for (auto it = got.begin(); it != got.end(); ++it) {
            c.seen[it.key()] += it.value();
            c.last[it.key()] = it.value().last();
        }
    };
    auto connect = [&](Client &c) {
        c.ws = std::make_unique<WsClient>();
        c.counted = 0;
        QVERIFY(c.ws->openAndWaitConnected(s.ws(QStringLiteral("/ws/events"))));
        QJsonObject since;
        for (auto it = c.last.begin(); it != c.last.end(); ++it)
            since.insert(it.key(), QJsonObject{{QStringLiteral("offset"), it.value()}, {QStringLiteral("epoch"), epoch}});
        c.ws->socket.sendTextMessage(subscribeWithSince(topics, since));
        QVERIFY(c.ws->waitJsonType(QStringLiteral("subscribed")));
        if (!since.isEmpty())
            QVERIFY(c.ws->lastJsonOfType(QStringLiteral("subscribed")).value(QLatin1String("recovered")).toBool());
    };
    for (Client &c : clients)
        connect(c);
    QTest::qWait(200);
    for (int round = 0; round < 8; ++round) {
        for (size_t i = size_t(round % 2); i < clients.size(); i += 2) { // half of them drop at a time
            Client &c = clients[i];
            absorb(c);
            c.ws->socket.abort(); // gone without a goodbye
            c.ws.reset();
            QTest::qWait(int(QRandomGenerator::global()->bounded(40)));
            connect(c);
        }
        QTest::qWait(100);
    }
    stop.store(true);
    publisher->wait();
    delete publisher;
    QTRY_COMPARE_WITH_TIMEOUT(s.engine().journal()->stats().appended, qint64(published.load()), 10000);
    const qint64 heads[3] = {(published.load() + 2) / 3, (published.load() + 1) / 3, published.load() / 3};
    for (Client &c : clients) {
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            absorb(c);
            for (int t = 0; t < 3; ++t) {
                if (c.last.value(topics[t]) != heads[t])
                    return false;
            }
            return true;
        }(), 10000);
        for (int t = 0; t < 3; ++t) {
            const QList<qint64> &got = c.seen.value(topics[t]);
            QVERIFY(!got.isEmpty());
            QCOMPARE(got, offsetRange(got.first(), heads[t])); // every one, once, in order
        }
    }
    qInfo("hand-over: %d events on 3 topics, 12 clients x 4 drops each, nothing lost or twice", published.load());
}

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
