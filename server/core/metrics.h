#pragma once

#include <QByteArray>
#include <QString>

#include "core/latencyhistogram.h"
#include "protocol/refusals.h" // the Refusal reasons counted here

#include <array>
#include <atomic>

namespace onair {

// Process-wide counters and the fan-out latency histogram. Lock-free: written from every
// worker thread, read by /metrics and /health.
class Metrics final
{
public:
    Metrics() = default;
    Q_DISABLE_COPY_MOVE(Metrics)

    void refuse(Refusal r) { m_refusals[size_t(r)].fetch_add(1, std::memory_order_relaxed); }
    qint64 refusals(Refusal r) const { return m_refusals[size_t(r)].load(std::memory_order_relaxed); }
    void observeFanoutNs(qint64 ns) { m_fanout.observeNs(ns); }
    // Approximate quantile (upper bound of the bucket holding it), in milliseconds.
    double fanoutQuantileMs(double q) const { return m_fanout.quantileMs(q); }

    std::atomic<qint64> framesIn{0}, bytesIn{0}, framesOut{0}, bytesOut{0}, drops{0};
    std::atomic<qint64> connectionsAccepted{0}, connectionsClosed{0}, httpRequests{0};
    std::atomic<qint64> playerChunksOut{0}; // Ogg page groups / MP3 chunks written to HTTP players


private:
    std::array<std::atomic<qint64>, size_t(Refusal::Count)> m_refusals{};
    LatencyHistogram m_fanout;

    friend QByteArray prometheusHistogram(const Metrics &m);
};

QByteArray prometheusHistogram(const Metrics &m);

} // namespace onair
