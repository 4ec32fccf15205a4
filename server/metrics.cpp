#include "metrics.h"

namespace onair {

const char *refusalName(Refusal r)
{
    switch (r) {
    case Refusal::InvalidStreamId: return "invalid_stream_id";
    case Refusal::UnknownPath: return "unknown_path";
    case Refusal::StreamTaken: return "stream_taken";
    case Refusal::MaxConnections: return "max_connections";
    case Refusal::MaxListeners: return "max_listeners";
    case Refusal::MaxStreams: return "max_streams";
    case Refusal::FrameTooLarge: return "frame_too_large";
    case Refusal::JsonTooLarge: return "json_too_large";
    case Refusal::SlowConsumer: return "slow_consumer";
    case Refusal::HeartbeatTimeout: return "heartbeat_timeout";
    case Refusal::Unauthorized: return "unauthorized";
    case Refusal::Forbidden: return "forbidden";
    case Refusal::Count: break;
    }
    return "unknown";
}

void Metrics::observeFanoutNs(qint64 ns)
{
    const double ms = double(ns) / 1e6;
    size_t i = 0;
    while (i < kLatencyBucketsMs.size() && ms > kLatencyBucketsMs[i])
        ++i;
    m_fanoutBuckets[i].fetch_add(1, std::memory_order_relaxed);
    m_fanoutCount.fetch_add(1, std::memory_order_relaxed);
    m_fanoutSumNs.fetch_add(ns, std::memory_order_relaxed);
}

double Metrics::fanoutQuantileMs(double q) const
{
    const qint64 total = m_fanoutCount.load(std::memory_order_relaxed);
    if (total == 0)
        return 0;
    const double target = q * double(total);
    qint64 seen = 0;
    for (size_t i = 0; i < m_fanoutBuckets.size(); ++i) {
        seen += m_fanoutBuckets[i].load(std::memory_order_relaxed);
        if (double(seen) >= target)
            return i < kLatencyBucketsMs.size() ? kLatencyBucketsMs[i] : kLatencyBucketsMs.back() * 2;
    }
    return kLatencyBucketsMs.back() * 2;
}

QByteArray prometheusHistogram(const Metrics &m)
{
    QByteArray out;
    out += "# HELP onair_fanout_latency_seconds Time from a frame reaching the hub to being written "
           "to every listener socket of one worker.\n"
           "# TYPE onair_fanout_latency_seconds histogram\n";
    qint64 cumulative = 0;
    for (size_t i = 0; i < m.m_fanoutBuckets.size(); ++i) {
        cumulative += m.m_fanoutBuckets[i].load(std::memory_order_relaxed);
        const QByteArray le = i < Metrics::kLatencyBucketsMs.size()
            ? QByteArray::number(Metrics::kLatencyBucketsMs[i] / 1000.0)
            : QByteArray("+Inf");
        out += "onair_fanout_latency_seconds_bucket{le=\"" + le + "\"} "
            + QByteArray::number(cumulative) + '\n';
    }
    out += "onair_fanout_latency_seconds_sum "
        + QByteArray::number(double(m.m_fanoutSumNs.load(std::memory_order_relaxed)) / 1e9) + '\n';
    out += "onair_fanout_latency_seconds_count "
        + QByteArray::number(m.m_fanoutCount.load(std::memory_order_relaxed)) + '\n';
    return out;
}

} // namespace onair
