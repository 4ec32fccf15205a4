#include "core/metrics.h"

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
    case Refusal::BadRequest: return "bad_request";
    case Refusal::HeadersTooLarge: return "headers_too_large";
    case Refusal::BodyTooLarge: return "body_too_large";
    case Refusal::RequestTimeout: return "request_timeout";
    case Refusal::OriginNotAllowed: return "origin_not_allowed";
    case Refusal::RateLimited: return "rate_limited";
    case Refusal::TlsHandshake: return "tls_handshake";
    case Refusal::Count: break;
    }
    return "unknown";
}

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
