#include "protocol/refusals.h"

#include <array>

namespace onair {

namespace {
struct Row
{
    Denial denial;
    Channel channel;
    Refusal counted;
    int status;
    const char *code;
    int closeCode;
    int retryAfter;
    const char *text; // %1: the detail, %2: the second detail
};

constexpr int kClosePolicy = 1008;     // RFC 6455 policy violation
constexpr int kCloseTaken = 4409;      // ours: the stream has a speaker
constexpr int kCloseTryLater = 1013;   // RFC 6455 registry; not in QWebSocketProtocol 6.4
constexpr int kPlayerRetry = 5;        // seconds a refused player waits before retrying

using D = Denial;
using C = Channel;
using R = Refusal;

// The refusal table: every answer a denied connection gets, per channel (docs/protocol.md).
constexpr std::array kRows{
    Row{D::NotFound, C::Upgrade, R::UnknownPath, 404, "not_found", 0, 0, "no such endpoint"},
    Row{D::NotFound, C::Socket, R::UnknownPath, 0, "", kClosePolicy, 0, "unknown path"},
    Row{D::InvalidStreamId, C::Upgrade, R::InvalidStreamId, 400, "invalid_stream_id", 0, 0, "%1"},
    Row{D::InvalidStreamId, C::Player, R::InvalidStreamId, 400, "invalid_stream_id", 0, 0, "%1"},
    Row{D::InvalidStreamId, C::Socket, R::InvalidStreamId, 0, "", kClosePolicy, 0, "invalid stream id: %1"},
    Row{D::UnknownFormat, C::Player, R::InvalidStreamId, 400, "unknown_format", 0, 0, "%1"},
    Row{D::UpgradeRequired, C::Upgrade, R::Count, 426, "upgrade_required", 0, 0, "this endpoint speaks WebSocket only"},
    Row{D::MethodNotAllowed, C::Player, R::BadRequest, 405, "method_not_allowed", 0, 0, "players GET (or HEAD) a stream"},
    Row{D::Unauthorized, C::Player, R::Unauthorized, 401, "unauthorized", 0, 0, "unauthorized: %1"},
    Row{D::Unauthorized, C::Socket, R::Unauthorized, 0, "", kClosePolicy, 0, "unauthorized: %1"},
    Row{D::TokenRequired, C::Player, R::Unauthorized, 401, "unauthorized", 0, 0,
        "this server requires a token to listen: add ?token=…"},
    Row{D::TokenRequired, C::Socket, R::Unauthorized, 0, "", kClosePolicy, 0,
        "unauthorized: this server requires a token to listen"},
    Row{D::Forbidden, C::Socket, R::Forbidden, 0, "", kClosePolicy, 0, "forbidden: %1"},
    Row{D::StreamTaken, C::Upgrade, R::StreamTaken, 409, "stream_taken", 0, 0, "stream '%1' already has a speaker"},
    Row{D::StreamTaken, C::Socket, R::StreamTaken, 0, "", kCloseTaken, 0, "stream taken: '%1' already has a speaker"},
    Row{D::TakenOnReplica, C::Socket, R::StreamTaken, 0, "", kCloseTaken, 0,
        "stream taken: '%1' has a speaker on replica %2"},
    Row{D::StreamFull, C::Upgrade, R::MaxListeners, 503, "stream_full", 0, 0, "stream has the maximum of %1 listeners"},
    Row{D::StreamFull, C::Player, R::MaxListeners, 503, "stream_full", 0, kPlayerRetry, "stream full: max %1 listeners"},
    Row{D::StreamFull, C::Socket, R::MaxListeners, 0, "", kCloseTryLater, 0, "stream full: max %1 listeners"},
    Row{D::TooManyStreams, C::Upgrade, R::MaxStreams, 503, "too_many_streams", 0, 0,
        "the server has the maximum of %1 streams"},
    Row{D::TooManyStreams, C::Player, R::MaxStreams, 503, "too_many_streams", 0, kPlayerRetry, "too many streams: max %1"},
    Row{D::TooManyStreams, C::Socket, R::MaxStreams, 0, "", kCloseTryLater, 0, "too many streams: max %1"},
    Row{D::ServerFull, C::Upgrade, R::MaxConnections, 503, "server_full", 0, 0,
        "the server has the maximum of %1 connections; retry later"},
    Row{D::ServerFull, C::Player, R::MaxConnections, 503, "max_connections", 0, kPlayerRetry,
        "the server has the maximum of %1 connections"},
};

constexpr std::array<const char *, size_t(Refusal::Count)> kRefusalNames{
    "invalid_stream_id", "unknown_path", "stream_taken", "max_connections", "max_listeners", "max_streams",
    "frame_too_large", "json_too_large", "slow_consumer", "heartbeat_timeout", "unauthorized", "forbidden",
    "bad_request", "headers_too_large", "body_too_large", "request_timeout", "origin_not_allowed", "rate_limited",
    "tls_handshake"};

const Row *find(Denial d, Channel c)
{
    for (const Row &r : kRows) {
        if (r.denial == d && r.channel == c)
            return &r;
    }
    return nullptr;
}
} // namespace

const char *refusalName(Refusal r)
{
    const auto i = size_t(r);
    return i < kRefusalNames.size() ? kRefusalNames[i] : "unknown";
}

Refusal headRefusal(int status, const QByteArray &code)
{
    switch (status) {
    case 403: return code == "origin_not_allowed" ? Refusal::OriginNotAllowed : Refusal::Forbidden;
    case 408: return Refusal::RequestTimeout;
    case 413: return Refusal::BodyTooLarge;
    case 429: return Refusal::RateLimited;
    case 431: return Refusal::HeadersTooLarge;
    default: return Refusal::BadRequest;
    }
}

RefusalAnswer refusalAnswer(Channel channel, const Denied &denied)
{
    const Row *row = find(denied.denial, channel);
    if (!row)
        row = find(Denial::NotFound, channel == Channel::Socket ? Channel::Socket : Channel::Upgrade);
    QString text = QString::fromUtf8(row->text);
    if (text.contains(QLatin1String("%2")))
        text = text.arg(denied.detail, denied.detail2);
    else if (text.contains(QLatin1String("%1")))
        text = text.arg(denied.detail);
    return {row->counted, row->status, QByteArray(row->code), row->closeCode, row->retryAfter, text};
}

std::optional<Denied> admit(const Admission &a)
{
    if (!a.methodAllowed)
        return Denied{Denial::MethodNotAllowed, {}};
    if (a.kind == WsRoute::Unknown)
        return Denied{Denial::NotFound, {}};
    if (a.kind == WsRoute::Invalid)
        return Denied{a.unknownFormat ? Denial::UnknownFormat : Denial::InvalidStreamId, a.routeError};
    if (!a.upgrade)
        return Denied{Denial::UpgradeRequired, {}};
    if (a.credentials)
        return a.credentials;
    if (a.kind == WsRoute::Speak && a.speakerPresent)
        return Denied{Denial::StreamTaken, a.streamId};
    if (a.kind == WsRoute::Listen && a.streamFull)
        return Denied{Denial::StreamFull, QString::number(a.maxListeners)};
    if (a.kind != WsRoute::Legacy && a.atStreamLimit)
        return Denied{Denial::TooManyStreams, QString::number(a.maxStreams)};
    if (!a.connectionFree)
        return Denied{Denial::ServerFull, QString::number(a.maxConnections)};
    return std::nullopt;
}

} // namespace onair
