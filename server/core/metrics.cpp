#include "core/metrics.h"

namespace onair {

QByteArray prometheusHistogram(const Metrics &m)
{
    QByteArray out;
    out += "# HELP onair_fanout_latency_seconds Time from a frame reaching the hub to being written "
           "to every listener socket of one worker.\n"
           "# TYPE onair_fanout_latency_seconds histogram\n";
    qint64 cumulative = 0;
    for (size_t i = 0; i < LatencyHistogram::bucketCount(); ++i) {
        cumulative += m.m_fanout.bucket(i);
        const QByteArray le = i < LatencyHistogram::kBucketsMs.size()
            ? QByteArray::number(LatencyHistogram::kBucketsMs[i] / 1000.0)
            : QByteArray("+Inf");
        out += "onair_fanout_latency_seconds_bucket{le=\"" + le + "\"} "
            + QByteArray::number(cumulative) + '\n';
    }
    out += "onair_fanout_latency_seconds_sum "
        + QByteArray::number(double(m.m_fanout.sumNs()) / 1e9) + '\n';
    out += "onair_fanout_latency_seconds_count "
        + QByteArray::number(m.m_fanout.count()) + '\n';
    return out;
}

} // namespace onair
