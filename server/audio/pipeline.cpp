#include "audio/pipeline.h"

#include "core/logging.h"

#include <QDeadlineTimer>
#include <QThread>

namespace onair {

// Runs the processor on the pipeline's own thread, one frame at a time, with retries.
// Frames whose deadline has already passed are not processed at all: the caller has used
// the fallback for them, and working on them would only delay the frames behind.
class PipelineRunner final : public QObject
{
    Q_OBJECT
public:
    PipelineRunner(std::unique_ptr<AudioProcessor> p, int retries, std::shared_ptr<PipelineStats> s)
        : m_processor(std::move(p)), m_retries(retries), m_stats(std::move(s))
    {
    }

    void run(quint64 seq, const QByteArray &frame, QDeadlineTimer deadline)
    {
        QString error;
        for (int attempt = 0; attempt <= m_retries; ++attempt) {
            if (deadline.hasExpired()) {
                error = QStringLiteral("deadline passed before processing");
                break;
            }
            if (attempt > 0)
                m_stats->retries.fetch_add(1, std::memory_order_relaxed);
            QByteArray out;
            error.clear();
            if (m_processor->process(frame, &out, &error)) {
                Q_EMIT finished(seq, true, out, QString());
                return;
            }
        }
        Q_EMIT finished(seq, false, QByteArray(), error);
    }

Q_SIGNALS:
    void finished(quint64 seq, bool ok, const QByteArray &out, const QString &error);

private:
    std::unique_ptr<AudioProcessor> m_processor;
    int m_retries;
    std::shared_ptr<PipelineStats> m_stats;
};

Pipeline::Pipeline(std::unique_ptr<AudioProcessor> processor, PipelineOptions options,
                   std::shared_ptr<PipelineStats> stats, QObject *parent)
    : QObject(parent), m_options(options), m_stats(std::move(stats)),
      m_breaker(options.breakerThreshold, options.breakerCooldownMs)
{
    if (!m_stats)
        m_stats = std::make_shared<PipelineStats>();
    m_clock.start();
    m_stats->passthrough.store(processor == nullptr);
    if (!processor)
        return;
    m_name = processor->name();
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("pipeline-") + m_name);
    m_runner = new PipelineRunner(std::move(processor), m_options.retries, m_stats);
    m_runner->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_runner, &QObject::deleteLater);
    connect(m_runner, &PipelineRunner::finished, this, &Pipeline::onResult, Qt::QueuedConnection);
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Pipeline::onTimer);
    m_thread->start();
}

Pipeline::~Pipeline()
{
    if (m_thread) {
        disconnect(m_runner, nullptr, this, nullptr);
        m_thread->quit();
        // Waits for the frame in progress; a processor must not block forever.
        m_thread->wait();
        delete m_thread;
    }
}

void Pipeline::submit(const QByteArray &frame)
{
    if (!m_runner) {
        Q_EMIT output(frame);
        return;
    }
    const qint64 now = m_clock.elapsed();
    const quint64 seq = m_nextSeq++;
    const bool useProcessor = m_breaker.allow(now);
    breakerChanged();
    if (!useProcessor) {
        m_stats->fallbacks.fetch_add(1, std::memory_order_relaxed);
        m_pending.push_back({seq, frame, now, frame});
        flush();
        return;
    }
    m_pending.push_back({seq, frame, now + m_options.timeoutMs, std::nullopt});
    QMetaObject::invokeMethod(
        m_runner,
        [runner = m_runner, seq, frame, ms = m_options.timeoutMs] {
            runner->run(seq, frame, QDeadlineTimer(ms, Qt::PreciseTimer));
        },
        Qt::QueuedConnection);
    armTimer();
}

void Pipeline::onResult(quint64 seq, bool ok, const QByteArray &out, const QString &error)
{
    for (Pending &p : m_pending) {
        if (p.seq != seq)
            continue;
        if (p.result)
            return; // already timed out and replaced by the fallback
        if (ok) {
            m_stats->processed.fetch_add(1, std::memory_order_relaxed);
            p.result = out;
            m_breaker.succeeded();
        } else {
            qCDebug(lcPipeline).noquote() << m_name << "failed:" << error;
            m_stats->failures.fetch_add(1, std::memory_order_relaxed);
            m_stats->fallbacks.fetch_add(1, std::memory_order_relaxed);
            p.result = p.original;
            m_breaker.failed(m_clock.elapsed());
        }
        breakerChanged();
        break;
    }
    flush();
}

void Pipeline::onTimer()
{
    const qint64 now = m_clock.elapsed();
    for (Pending &p : m_pending) {
        if (!p.result && p.deadlineMs <= now) {
            m_stats->timeouts.fetch_add(1, std::memory_order_relaxed);
            m_stats->fallbacks.fetch_add(1, std::memory_order_relaxed);
            p.result = p.original;
            m_breaker.failed(now);
        }
    }
    breakerChanged();
    flush();
}

void Pipeline::flush()
{
    while (!m_pending.empty() && m_pending.front().result) {
        const QByteArray out = *m_pending.front().result;
        m_pending.pop_front();
        Q_EMIT output(out);
    }
    armTimer();
}

void Pipeline::armTimer()
{
    qint64 earliest = -1;
    for (const Pending &p : m_pending) {
        if (!p.result && (earliest < 0 || p.deadlineMs < earliest))
            earliest = p.deadlineMs;
    }
    if (earliest < 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(qMax<qint64>(0, earliest - m_clock.elapsed())));
}

void Pipeline::breakerChanged()
{
    const BreakerState s = m_breaker.state();
    if (s == m_reported)
        return;
    qCInfo(lcPipeline).noquote() << "pipeline" << m_name << "circuit" << breakerStateName(m_reported) << "->"
                       << breakerStateName(s);
    m_reported = s;
    m_stats->state.store(int(s));
}

} // namespace onair

#include "pipeline.moc"
