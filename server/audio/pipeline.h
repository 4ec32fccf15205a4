#pragma once

#include "audio/audioprocessor.h"
#include "audio/pipelinestats.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <memory>
#include <optional>

class QThread;

namespace onair {

struct PipelineOptions
{
    int timeoutMs = 200;
    int retries = 2;
    int breakerThreshold = 5;
    int breakerCooldownMs = 5000;
};

class PipelineRunner;

// Carries frames of one speaker (or legacy client) through an AudioProcessor, in order.
// Without a processor it is a passthrough that emits synchronously. With one, the processor
// runs on its own thread under a resilience wrapper: a per-frame timeout, bounded retries, a
// circuit breaker, and the original frame as fallback, so a failing or slow stage never
// stalls or reorders the stream.
class Pipeline final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Pipeline)
public:
    Pipeline(std::unique_ptr<AudioProcessor> processor, PipelineOptions options,
             std::shared_ptr<PipelineStats> stats, QObject *parent = nullptr);
    ~Pipeline() override;

    void submit(const QByteArray &frame);
    BreakerState breakerState() const { return m_breaker.state(); }

Q_SIGNALS:
    void output(const QByteArray &frame);

private:
    struct Pending
    {
        quint64 seq;
        QByteArray original;
        qint64 deadlineMs;
        std::optional<QByteArray> result;
    };
    void onResult(quint64 seq, bool ok, const QByteArray &out, const QString &error);
    void onTimer();
    void flush();
    void armTimer();
    // Logs and publishes (PipelineStats::state) a change of the breaker's state.
    void breakerChanged();

    PipelineOptions m_options;
    std::shared_ptr<PipelineStats> m_stats;
    QThread *m_thread = nullptr;
    PipelineRunner *m_runner = nullptr;
    QString m_name;
    std::deque<Pending> m_pending;
    quint64 m_nextSeq = 0;
    QTimer m_timer;
    QElapsedTimer m_clock;
    CircuitBreaker m_breaker;
    BreakerState m_reported = BreakerState::Closed;
};

} // namespace onair
