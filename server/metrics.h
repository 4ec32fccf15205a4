#pragma once

#include <QByteArray>
#include <QString>

#include <array>
#include <atomic>

namespace onair {

// Why a connection or message was refused; each reason is a Prometheus label value.
enum class Refusal : int {
    InvalidStreamId,
    UnknownPath,
    StreamTaken,
    MaxConnections,
    MaxListeners,
    MaxStreams,
    FrameTooLarge,
    JsonTooLarge,
    SlowConsumer,
    HeartbeatTimeout,
    Unauthorized,
    Forbidden,
    Count
};
const char *refusalName(Refusal r);

// Process-wide counters and the fan-out latency histogram. Lock-free: written from every
// worker thread, read by /metrics and /health.
class Metrics final
{
public:
    static constexpr std::array<double, 12> kLatencyBucketsMs{0.25, 0.5, 1, 2.5, 5, 10, 25, 50,
                                                              100, 250, 500, 1000};
    Metrics() = default;
    Q_DISABLE_COPY_MOVE(Metrics)

    void refuse(Refusal r) { m_refusals[size_t(r)].fetch_add(1, std::memory_order_relaxed); }
    qint64 refusals(Refusal r) const { return m_refusals[size_t(r)].load(std::memory_order_relaxed); }
    void observeFanoutNs(qint64 ns);
    // Approximate quantile (upper bound of the bucket holding it), in milliseconds.
    double fanoutQuantileMs(double q) const;
    qint64 fanoutCount() const { return m_fanoutCount.load(std::memory_order_relaxed); }

    std::atomic<qint64> framesIn{0}, bytesIn{0}, framesOut{0}, bytesOut{0}, drops{0};
    std::atomic<qint64> connectionsAccepted{0}, connectionsClosed{0}, httpRequests{0};
    std::atomic<qint64> pipelineFallbacks{0};

private:
    std::array<std::atomic<qint64>, size_t(Refusal::Count)> m_refusals{};
    std::array<std::atomic<qint64>, kLatencyBucketsMs.size() + 1> m_fanoutBuckets{};
    std::atomic<qint64> m_fanoutCount{0};
    std::atomic<qint64> m_fanoutSumNs{0};

    friend QByteArray prometheusHistogram(const Metrics &m);
};

QByteArray prometheusHistogram(const Metrics &m);

} // namespace onair
