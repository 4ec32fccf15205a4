#include "history/journal.h"

#include "core/clock.h"
#include "core/logging.h"

#include <QDateTime>
#include <QThread>
#include <QTimer>

namespace onair {

namespace {
constexpr int kGapCheckMs = 100;
constexpr int kPruneIntervalMs = 60 * 1000;
constexpr qint64 kForgetIdleMs = 10 * 60 * 1000;
// Clocks of replicas differ: a catch-up reads from a little before the outage began.
constexpr qint64 kCatchUpSlackMs = 5000;
constexpr int kCatchUpLimit = 100000;
qint64 wallMs() { return QDateTime::currentMSecsSinceEpoch(); }
} // namespace

Journal::Journal(EventLog *log, HistoryLimits limits, int gapWaitMs)
    : m_log(log), m_limits(limits), m_sequencer(gapWaitMs)
{
}

Journal::~Journal()
{
    stop();
    delete m_context; // its thread has finished
    delete m_thread;
}

bool Journal::start(QString *error)
{
    const auto epoch = m_log->historyEpoch(error);
    if (!epoch)
        return false;
    m_epoch = *epoch;
    m_sequencer.setHoldFirst(m_clustered);
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("onair-journal"));
    m_context = new QObject; // kept until the destructor: callers may still post after stop()
    m_context->moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(m_context, [this] {
        m_gapTimer = new QTimer(m_context);
        QObject::connect(m_gapTimer, &QTimer::timeout, m_context, [this] { fillDueGaps(); });
        m_gapTimer->start(kGapCheckMs);
        m_pruneTimer = new QTimer(m_context);
        QObject::connect(m_pruneTimer, &QTimer::timeout, m_context, [this] { prune(false); });
        m_pruneTimer->start(kPruneIntervalMs);
        prune(true); // limits may have changed since the last run
    });
    return true;
}

void Journal::stop()
{
    if (!m_thread || m_stopped.exchange(true))
        return;
    // What was published before the stop is still stored and delivered; later posts are
    // dropped (their wake-ups go to a thread that has finished).
    QMetaObject::invokeMethod(m_context, [this] {
        drain();
        delete m_gapTimer; // on their own thread
        delete m_pruneTimer;
        m_gapTimer = m_pruneTimer = nullptr;
    }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

void Journal::append(const QString &topic, const QJsonValue &data)
{
    TopicEvent e;
    e.topic = topic;
    e.data = data;
    post({Posted::Append, std::move(e), {}});
}

std::optional<TopicEvent> Journal::appendAndWait(const QString &topic, const QJsonValue &data, int timeoutMs)
{
    auto stored = std::make_shared<std::promise<TopicEvent>>();
    std::future<TopicEvent> result = stored->get_future();
    TopicEvent e;
    e.topic = topic;
    e.data = data;
    post({Posted::Append, std::move(e), stored});
    if (result.wait_for(std::chrono::milliseconds(timeoutMs)) != std::future_status::ready)
        return std::nullopt;
    return result.get();
}

void Journal::offerRemote(TopicEvent e) { post({Posted::Remote, std::move(e), {}}); }

void Journal::post(Posted p)
{
    if (m_posted.post(std::move(p)) && m_context && !m_stopped.load(std::memory_order_acquire))
        QMetaObject::invokeMethod(m_context, [this] { drain(); }, Qt::QueuedConnection);
}

void Journal::postJob(std::function<void()> job)
{
    if (m_jobs.post(std::move(job)) && m_context && !m_stopped.load(std::memory_order_acquire))
        QMetaObject::invokeMethod(m_context, [this] { drain(); }, Qt::QueuedConnection);
}

void Journal::drain()
{
    // Runs of appends are stored in one transaction; appends and received events keep their order.
    const QList<Posted> batch = m_posted.take();
    QList<Posted> appends;
    for (const Posted &p : batch) {
        if (p.kind == Posted::Append) {
            appends.append(p);
            continue;
        }
        if (!appends.isEmpty())
            appendBatch(std::exchange(appends, {}));
        sequence({p.event});
    }
    if (!appends.isEmpty())
        appendBatch(std::move(appends));
    const QList<std::function<void()>> jobs = m_jobs.take();
    for (const auto &job : jobs)
        job();
}

void Journal::appendBatch(const QList<Posted> &posted)
{
    const qint64 now = wallMs();
    QList<TopicEvent> batch;
    batch.reserve(posted.size());
    for (const Posted &p : posted) {
        batch.append(p.event);
        batch.last().timeMs = now;
    }
    // Whoever waits for an event hears of it once it is stored (or failed), before it is sent.
    const auto tellWaiters = [&] {
        for (qsizetype i = 0; i < posted.size(); ++i) {
            if (posted[i].stored)
                posted[i].stored->set_value(batch[i]);
        }
    };
    QString error;
    if (!m_log->appendEvents(batch, &error)) {
        // Live delivery does not wait for the database: these go out without offsets (a client
        // resuming past them is told recovered:false).
        m_appendFailures.fetch_add(batch.size(), std::memory_order_relaxed);
        if (monotonicMs() - m_lastFailureLogMs > 5000) {
            m_lastFailureLogMs = monotonicMs();
            qCWarning(lcHistory).noquote() << "history: cannot store" << batch.size() << "event(s), sent without offsets:" << error;
        }
        for (TopicEvent &e : batch) {
            e.offset = 0;
            e.epoch.clear();
        }
        tellWaiters();
        if (m_forward)
            m_forward(batch);
        if (m_deliver)
            m_deliver(batch);
        return;
    }
    m_appended.fetch_add(batch.size(), std::memory_order_relaxed);
    for (TopicEvent &e : batch) {
        e.epoch = m_epoch;
        if (!m_touched.contains(e.topic))
            m_touched.append(e.topic);
    }
    tellWaiters();
    if (m_forward)
        m_forward(batch);
    sequence(std::move(batch));
}

void Journal::sequence(QList<TopicEvent> events)
{
    const qint64 now = monotonicMs();
    QList<TopicEvent> ready;
    for (TopicEvent &e : events)
        ready.append(m_sequencer.offer(std::move(e), now));
    m_duplicates.store(m_sequencer.duplicatesDropped(), std::memory_order_relaxed);
    if (!ready.isEmpty() && m_deliver)
        m_deliver(ready);
}

void Journal::fillDueGaps()
{
    drain();
    const qint64 now = monotonicMs();
    const QList<TopicSequencer::Gap> gaps = m_sequencer.dueGaps(now);
    for (const TopicSequencer::Gap &g : gaps) {
        QString error;
        // A start reads the few offsets before it and keeps those stored about when it was.
        const qint64 after = g.after > 0 ? g.after : qMax<qint64>(0, g.before - 1 - TopicSequencer::kWindow);
        const auto page = m_log->readEvents(g.topic, after, g.before - 1, m_limits.maxRecover, &error);
        QList<TopicEvent> found;
        if (page) {
            found = page->events;
            if (g.after == 0)
                found.removeIf([&](const TopicEvent &e) { return e.timeMs < g.storedAfterMs; });
        } else
            qCWarning(lcHistory).noquote() << "history: cannot read the gap" << g.after << "to" << g.before << "of" << g.topic << ":" << error;
        for (TopicEvent &e : found)
            e.epoch = m_epoch;
        const QList<TopicEvent> ready = m_sequencer.fill(g.topic, g.before, found, now);
        m_gapsFilled.store(m_sequencer.gapsFilled(), std::memory_order_relaxed);
        if (!ready.isEmpty() && m_deliver)
            m_deliver(ready);
    }
    if (!gaps.isEmpty())
        m_sequencer.forgetIdle(now, kForgetIdleMs);
}

void Journal::catchUp(qint64 downSinceMs)
{
    postJob([this, downSinceMs] {
        QString error;
        const auto events = m_log->eventsSince(downSinceMs - kCatchUpSlackMs, kCatchUpLimit, &error);
        if (!events) {
            qCWarning(lcHistory).noquote() << "history: catch-up after the Redis outage failed:" << error;
            return;
        }
        m_catchUps.fetch_add(1, std::memory_order_relaxed);
        QList<TopicEvent> withEpoch = *events;
        for (TopicEvent &e : withEpoch)
            e.epoch = m_epoch;
        sequence(std::move(withEpoch));
    });
}

void Journal::recover(QList<RecoverRequest> requests, Recovered done)
{
    postJob([this, requests = std::move(requests), done = std::move(done)] { runRecovery(requests, done); });
}

void Journal::runRecovery(const QList<RecoverRequest> &requests, const Recovered &done)
{
    QList<RecoverResult> results;
    for (const RecoverRequest &r : requests) {
        QString error;
        const bool sameEpoch = r.epoch == m_epoch;
        // A foreign epoch reads only the head (limit 0) to tell the client where to go on from.
        const auto page = m_log->readEvents(r.topic, r.after, 0, sameEpoch ? m_limits.maxRecover + 1 : 0, &error);
        RecoverResult res;
        if (!page) {
            res.topic = r.topic;
            res.status = RecoverResult::Status::Unavailable;
        } else {
            res = judgeRecovery(r, *page, m_epoch, m_limits.maxRecover);
            for (TopicEvent &e : res.events)
                e.epoch = m_epoch;
        }
        m_recoveries.fetch_add(1, std::memory_order_relaxed);
        m_recoveredEvents.fetch_add(res.events.size(), std::memory_order_relaxed);
        results.append(std::move(res));
    }
    done(results);
}

std::optional<EventLog::Page> Journal::page(const QString &topic, qint64 after, int limit, QString *error)
{
    auto p = m_log->readEvents(topic, after, 0, limit, error);
    if (p) {
        for (TopicEvent &e : p->events)
            e.epoch = m_epoch;
    }
    return p;
}

void Journal::prune(bool allTopics)
{
    QString error;
    const QStringList touched = std::exchange(m_touched, {});
    if (!m_log->pruneEvents(wallMs() - m_limits.maxAgeMs, allTopics ? nullptr : &touched, m_limits.maxEventsPerTopic, &error))
        qCWarning(lcHistory).noquote() << "history: pruning failed:" << error;
    m_sequencer.forgetIdle(monotonicMs(), kForgetIdleMs);
}

Journal::Stats Journal::stats() const
{
    Stats s;
    s.appended = m_appended.load(std::memory_order_relaxed);
    s.appendFailures = m_appendFailures.load(std::memory_order_relaxed);
    s.recoveries = m_recoveries.load(std::memory_order_relaxed);
    s.recoveredEvents = m_recoveredEvents.load(std::memory_order_relaxed);
    s.duplicatesDropped = m_duplicates.load(std::memory_order_relaxed);
    s.gapsFilled = m_gapsFilled.load(std::memory_order_relaxed);
    s.catchUps = m_catchUps.load(std::memory_order_relaxed);
    return s;
}

} // namespace onair
