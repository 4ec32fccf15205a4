// The pipeline between speaker and listeners: passthrough, processing, and the resilience
// wrapper (timeout, retries, circuit breaker, fallback) driven by a deliberately failing and a
// deliberately slow processor.
#include "audio/pipeline.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>

using namespace onair;

namespace {
QByteArray reversed(const QByteArray &in)
{
    QByteArray out(in.size(), Qt::Uninitialized);
    std::reverse_copy(in.cbegin(), in.cend(), out.begin());
    return out;
}

class Reverser final : public AudioProcessor
{
public:
    QString name() const override { return QStringLiteral("reverse"); }
    bool process(const QByteArray &in, QByteArray *out, QString *) override
    {
        *out = reversed(in);
        return true;
    }
};

// Fails while `failing` is set; counts attempts.
class Flaky final : public AudioProcessor
{
public:
    explicit Flaky(std::shared_ptr<std::atomic<bool>> failing, std::shared_ptr<std::atomic<int>> calls)
        : m_failing(std::move(failing)), m_calls(std::move(calls)) {}
    QString name() const override { return QStringLiteral("flaky"); }
    bool process(const QByteArray &in, QByteArray *out, QString *error) override
    {
        m_calls->fetch_add(1);
        if (m_failing->load()) {
            *error = QStringLiteral("deliberate failure");
            return false;
        }
        *out = in.toUpper();
        return true;
    }
    std::shared_ptr<std::atomic<bool>> m_failing;
    std::shared_ptr<std::atomic<int>> m_calls;
};

class Slow final : public AudioProcessor
{
public:
    explicit Slow(int ms) : m_ms(ms) {}
    QString name() const override { return QStringLiteral("slow"); }
    bool process(const QByteArray &in, QByteArray *out, QString *) override
    {
        QThread::msleep(ulong(m_ms));
        *out = in.toUpper();
        return true;
    }
    int m_ms;
};

QList<QByteArray> outputs(const QSignalSpy &spy)
{
    QList<QByteArray> out;
    for (const auto &args : spy)
        out.append(args.at(0).toByteArray());
    return out;
}
} // namespace

class TestPipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void passthroughIsSynchronousAndIdentical();
    void processorTransformsInOrder();
    void failingProcessorFallsBackAndOpensBreaker();
    void breakerHalfOpensAndRecovers();
    void slowProcessorTimesOutInOrder();
};

void TestPipeline::passthroughIsSynchronousAndIdentical()
{
    auto stats = std::make_shared<PipelineStats>();
    Pipeline p(nullptr, {}, stats);
    QSignalSpy spy(&p, &Pipeline::output);
    const QByteArray frame("\x00\x01\xff\x7f", 4);
    p.submit(frame);
    QCOMPARE(spy.count(), 1); // no event loop needed
    QCOMPARE(spy.at(0).at(0).toByteArray(), frame);
    QVERIFY(stats->passthrough.load());
}

void TestPipeline::processorTransformsInOrder()
{
    auto stats = std::make_shared<PipelineStats>();
    PipelineOptions o;
    o.timeoutMs = 10000; // this case is about order and transformation, not timeouts
    Pipeline p(std::make_unique<Reverser>(), o, stats);
    QSignalSpy spy(&p, &Pipeline::output);
    for (int i = 0; i < 50; ++i)
        p.submit(QByteArray::number(i * 1000 + 12));
    QTRY_COMPARE(spy.count(), 50);
    const auto out = outputs(spy);
    for (int i = 0; i < 50; ++i) {
        const QByteArray in = QByteArray::number(i * 1000 + 12);
        QCOMPARE(out[i], reversed(in));
    }
    QCOMPARE(stats->processed.load(), 50);
    QCOMPARE(stats->fallbacks.load(), 0);
    QVERIFY(!stats->passthrough.load());
}

void TestPipeline::failingProcessorFallsBackAndOpensBreaker()
{
    auto failing = std::make_shared<std::atomic<bool>>(true);
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto stats = std::make_shared<PipelineStats>();
    PipelineOptions o;
    o.retries = 2;
    o.breakerThreshold = 3;
    o.breakerCooldownMs = 60000;
    o.timeoutMs = 1000;
    Pipeline p(std::make_unique<Flaky>(failing, calls), o, stats);
    QSignalSpy spy(&p, &Pipeline::output);
    for (int i = 0; i < 3; ++i) {
        p.submit("frame" + QByteArray::number(i));
        QTRY_COMPARE(spy.count(), i + 1); // one at a time: the breaker decides per frame
    }
    QCOMPARE(calls->load(), 9);              // 3 frames x (1 try + 2 retries)
    QCOMPARE(stats->retries.load(), 6);
    QCOMPARE(p.breakerState(), BreakerState::Open);
    QCOMPARE(stats->state.load(), int(BreakerState::Open));
    // Open: frames go straight to the fallback without touching the processor.
    for (int i = 3; i < 10; ++i)
        p.submit("frame" + QByteArray::number(i));
    QCOMPARE(spy.count(), 10);
    QCOMPARE(calls->load(), 9);
    const auto out = outputs(spy);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(out[i], "frame" + QByteArray::number(i)); // the original audio, in order
    QCOMPARE(stats->fallbacks.load(), 10);
    QCOMPARE(stats->failures.load(), 3);
}

void TestPipeline::breakerHalfOpensAndRecovers()
{
    auto failing = std::make_shared<std::atomic<bool>>(true);
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto stats = std::make_shared<PipelineStats>();
    PipelineOptions o;
    o.retries = 0;
    o.breakerThreshold = 2;
    o.breakerCooldownMs = 100;
    Pipeline p(std::make_unique<Flaky>(failing, calls), o, stats);
    QSignalSpy spy(&p, &Pipeline::output);
    p.submit("a");
    p.submit("b");
    QTRY_COMPARE(spy.count(), 2);
    QCOMPARE(p.breakerState(), BreakerState::Open);
    failing->store(false);
    QTest::qWait(150); // the 100 ms cooldown passes: time itself is what the breaker waits for
    p.submit("c"); // the half-open trial
    QCOMPARE(p.breakerState(), BreakerState::HalfOpen);
    QTRY_COMPARE(spy.count(), 3);
    QCOMPARE(spy.at(2).at(0).toByteArray(), QByteArray("C"));
    QCOMPARE(p.breakerState(), BreakerState::Closed);
    p.submit("d");
    QTRY_COMPARE(spy.count(), 4);
    QCOMPARE(spy.at(3).at(0).toByteArray(), QByteArray("D"));
}

void TestPipeline::slowProcessorTimesOutInOrder()
{
    auto stats = std::make_shared<PipelineStats>();
    PipelineOptions o;
    o.timeoutMs = 30;
    o.retries = 0;
    o.breakerThreshold = 3;
    o.breakerCooldownMs = 60000;
    Pipeline p(std::make_unique<Slow>(200), o, stats);
    QSignalSpy spy(&p, &Pipeline::output);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 5; ++i)
        p.submit("f" + QByteArray::number(i));
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 5, 2000);
    // All five came back as the original audio well before the slow stage could have
    // processed them (5 x 200 ms).
    QVERIFY2(t.elapsed() < 600, qPrintable(QString::number(t.elapsed())));
    const auto out = outputs(spy);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(out[i], "f" + QByteArray::number(i));
    QCOMPARE(stats->timeouts.load(), 5);
    QCOMPARE(p.breakerState(), BreakerState::Open);
    // Open circuit: the next frame does not wait for the stuck stage at all.
    p.submit("g");
    QCOMPARE(spy.count(), 6);
    QCOMPARE(spy.at(5).at(0).toByteArray(), QByteArray("g"));
    QCOMPARE(stats->fallbacks.load(), 6);
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
