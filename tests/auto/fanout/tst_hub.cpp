// The Hub (the seeds' ConnectionManager): membership, isolation, limits and concurrency.
#include "fanout/fanoutworker.h"
#include "fanout/hub.h"
#include "testsupport.h"

#include <QTest>
#include <QThread>

#include <thread>
#include <vector>

using namespace onair;

class TestHub : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void joinAndLeaveListeners();
    void streamsAreIsolated();
    void oneSpeakerPerStream();
    void leaveSpeakerIsIdempotent();
    void maxListenersPerStream();
    void maxStreams();
    void connectionReservations();
    void concurrentJoinLeavePublish();
};

void TestHub::joinAndLeaveListeners()
{
    Metrics m;
    Hub hub(EngineConfig{}, &m);
    Refusal why{};
    auto a = hub.joinListener(QStringLiteral("main"), 0, &why);
    auto b = hub.joinListener(QStringLiteral("main"), 1, &why);
    QVERIFY(a && b);
    QCOMPARE(a.get(), b.get());
    QCOMPARE(hub.listenersOf(QStringLiteral("main")), 2);
    QCOMPARE(a->perWorker[0].load(), 1);
    QCOMPARE(a->perWorker[1].load(), 1);
    QCOMPARE(hub.snapshot().size(), 1);
    hub.leaveListener(a, 0);
    QCOMPARE(hub.listenersOf(QStringLiteral("main")), 1);
    hub.leaveListener(b, 1);
    QCOMPARE(hub.listenersOf(QStringLiteral("main")), 0);
    QVERIFY(!hub.find(QStringLiteral("main"))); // an idle stream is forgotten
    QCOMPARE(hub.snapshot().size(), 0);
    QCOMPARE(hub.listenersOf(QStringLiteral("never-existed")), 0);
}

void TestHub::streamsAreIsolated()
{
    Metrics m;
    Hub hub(EngineConfig{}, &m);
    Refusal why{};
    auto one = hub.joinListener(QStringLiteral("test-1"), 0, &why);
    auto two = hub.joinListener(QStringLiteral("test-2"), 0, &why);
    QVERIFY(one.get() != two.get());
    QCOMPARE(hub.listenersOf(QStringLiteral("test-1")), 1);
    QCOMPARE(hub.listenersOf(QStringLiteral("test-2")), 1);
    auto sp = hub.joinSpeaker(QStringLiteral("test-1"), 42, QStringLiteral("peer"), &why);
    QVERIFY(sp);
    QVERIFY(hub.hasSpeaker(QStringLiteral("test-1")));
    QVERIFY(!hub.hasSpeaker(QStringLiteral("test-2")));
}

void TestHub::oneSpeakerPerStream()
{
    Metrics m;
    Hub hub(EngineConfig{}, &m);
    Refusal why{};
    auto s = hub.joinSpeaker(QStringLiteral("main"), 1, QStringLiteral("a"), &why);
    QVERIFY(s);
    QVERIFY(!hub.joinSpeaker(QStringLiteral("main"), 2, QStringLiteral("b"), &why));
    QCOMPARE(why, Refusal::StreamTaken);
    hub.leaveSpeaker(s, 1);
    QVERIFY(hub.joinSpeaker(QStringLiteral("main"), 2, QStringLiteral("b"), &why));
}

void TestHub::leaveSpeakerIsIdempotent()
{
    Metrics m;
    Hub hub(EngineConfig{}, &m);
    Refusal why{};
    auto s = hub.joinSpeaker(QStringLiteral("main"), 1, QStringLiteral("a"), &why);
    auto l = hub.joinListener(QStringLiteral("main"), 0, &why);
    hub.leaveSpeaker(s, 1);
    hub.leaveSpeaker(s, 1);  // again: no effect
    hub.leaveSpeaker(s, 99); // not the speaker: no effect
    QVERIFY(!hub.hasSpeaker(QStringLiteral("main")));
    QCOMPARE(hub.listenersOf(QStringLiteral("main")), 1);
    auto s2 = hub.joinSpeaker(QStringLiteral("main"), 2, QStringLiteral("b"), &why);
    hub.leaveSpeaker(s, 1);  // the old speaker's late leave must not evict the new one
    QVERIFY(hub.hasSpeaker(QStringLiteral("main")));
    Q_UNUSED(s2);
    Q_UNUSED(l);
}

void TestHub::maxListenersPerStream()
{
    Metrics m;
    EngineConfig c;
    c.maxListenersPerStream = 2;
    Hub hub(c, &m);
    Refusal why{};
    QVERIFY(hub.joinListener(QStringLiteral("a"), 0, &why));
    QVERIFY(hub.joinListener(QStringLiteral("a"), 0, &why));
    QVERIFY(!hub.joinListener(QStringLiteral("a"), 0, &why));
    QCOMPARE(why, Refusal::MaxListeners);
    QVERIFY(hub.joinListener(QStringLiteral("b"), 0, &why)); // per stream, not global
}

void TestHub::maxStreams()
{
    Metrics m;
    EngineConfig c;
    c.maxStreams = 2;
    Hub hub(c, &m);
    Refusal why{};
    QVERIFY(hub.joinListener(QStringLiteral("a"), 0, &why));
    QVERIFY(hub.joinSpeaker(QStringLiteral("b"), 1, QString(), &why));
    QVERIFY(hub.atStreamLimitFor(QStringLiteral("c")));
    QVERIFY(!hub.atStreamLimitFor(QStringLiteral("a")));
    QVERIFY(!hub.joinListener(QStringLiteral("c"), 0, &why));
    QCOMPARE(why, Refusal::MaxStreams);
    QVERIFY(hub.joinListener(Hub::kProbeStream, 0, &why)); // internal streams do not count
    QCOMPARE(hub.streamCount(), 2);
}

void TestHub::connectionReservations()
{
    Metrics m;
    EngineConfig c;
    c.maxConnections = 3;
    Hub hub(c, &m);
    QVERIFY(hub.reserveConnection());
    QVERIFY(hub.reserveConnection());
    QVERIFY(hub.reserveConnection());
    QVERIFY(!hub.reserveConnection());
    hub.releaseConnection();
    QVERIFY(hub.reserveConnection());
    QCOMPARE(hub.connections(), 3);
}

void TestHub::concurrentJoinLeavePublish()
{
    Metrics m;
    EngineConfig c;
    Hub hub(c, &m);
    // Real workers, so publishing crosses threads exactly as in production.
    QList<QThread *> threads;
    QList<FanoutWorker *> workers;
    for (int i = 0; i < 2; ++i) {
        auto *t = new QThread;
        auto *w = new FanoutWorker(i, WorkerContext{&hub, nullptr, nullptr, nullptr, {}, {}});
        w->moveToThread(t);
        t->start();
        w->begin();
        threads.append(t);
        workers.append(w);
    }
    hub.setWorkers(workers);

    constexpr int kThreads = 6;
    constexpr int kRounds = 2000;
    std::vector<std::thread> pool;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        pool.emplace_back([&, t] {
            const QString id = QStringLiteral("s%1").arg(t % 3);
            for (int i = 0; i < kRounds; ++i) {
                Refusal why{};
                auto s = hub.joinListener(id, t % 2, &why);
                if (!s) {
                    failures.fetch_add(1);
                    continue;
                }
                if (i % 3 == 0) {
                    auto sp = hub.joinSpeaker(id, quint64(t * kRounds + i + 1), QString(), &why);
                    hub.publishAudio(s, QByteArray(160, 'a'));
                    hub.publishJson(s, {{QStringLiteral("type"), QStringLiteral("x")}});
                    if (sp)
                        hub.leaveSpeaker(sp, quint64(t * kRounds + i + 1));
                }
                if (i % 50 == 0)
                    (void)hub.snapshot();
                hub.leaveListener(s, t % 2);
            }
        });
    }
    for (auto &th : pool)
        th.join();
    QCOMPARE(failures.load(), 0);
    QCOMPARE(hub.streamCount(), 0);
    for (const auto &snap : hub.snapshot())
        QCOMPARE(snap.listeners, 0);
    for (QThread *t : threads)
        t->quit();
    for (QThread *t : threads)
        t->wait();
    hub.setWorkers({});
    qDeleteAll(workers);
    qDeleteAll(threads);
}

QTEST_GUILESS_MAIN(TestHub)
#include "tst_hub.moc"
