#pragma once

#include "protocol/wsroute.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace onair {

// Why a connection or message was refused; each reason is a Prometheus label value
// (onair_refusals_total{reason=…}), counted by core/metrics.h.
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
    BadRequest,      // malformed HTTP head, TLS on a plain port, chunked body
    HeadersTooLarge,
    BodyTooLarge,
    RequestTimeout,
    OriginNotAllowed,
    RateLimited,
    TlsHandshake,
    Count
};
const char *refusalName(Refusal r);

// The counted reason of a refused request head (net/httphead.h: status and error code).
Refusal headRefusal(int status, const QByteArray &code);

// Why a connection to an endpoint (a WebSocket route or a player's stream) is not admitted.
enum class Denial {
    NotFound,         // no such WebSocket endpoint
    InvalidStreamId,
    UnknownFormat,    // a player's /stream/{id}.{format} names no format we serve
    UpgradeRequired,  // a plain request on a WebSocket endpoint
    MethodNotAllowed, // a player's request that is not GET or HEAD
    Unauthorized,     // a token that is not valid, or none where one is needed (detail: why)
    TokenRequired,    // --require-listener-token and no token
    Forbidden,        // a valid token without the right (detail: why)
    StreamTaken,      // the stream has a speaker (detail: the stream id)
    TakenOnReplica,   // another replica holds the stream's speaker lease (detail: stream id, detail2: replica)
    StreamFull,       // the stream has its maximum of listeners (detail: the maximum)
    TooManyStreams,   // a new stream would exceed --max-streams (detail: the maximum)
    ServerFull,       // no connection slot left (detail: the maximum)
};

// Where the answer goes.
enum class Channel {
    Upgrade, // an HTTP answer to a WebSocket endpoint that is not upgraded (QHttpServer's router)
    Player,  // an HTTP answer to a player's /stream/… request (the acceptor)
    Socket,  // a close frame after the WebSocket handshake (the fan-out worker)
};

// One row of the refusal table: how a denial is answered on a channel.
struct RefusalAnswer
{
    Refusal counted = Refusal::Count; // Count: not counted
    int status = 0;                   // HTTP status (HTTP channels)
    QByteArray code;                  // JSON "error" code (HTTP channels)
    int closeCode = 0;                // WebSocket close code (Socket)
    int retryAfter = 0;               // seconds; 0: no Retry-After
    QString message;                  // JSON "message" or the close reason, detail filled in
};

struct Denied
{
    Denied(Denial d, QString first = {}, QString second = {})
        : denial(d), detail(std::move(first)), detail2(std::move(second))
    {
    }
    Denial denial;
    QString detail;  // the %1 of the table's text (a stream id, a limit, a reason)
    QString detail2; // the %2, where the text has one
};

// The table lookup. A denial with no row for the channel is answered as NotFound there.
RefusalAnswer refusalAnswer(Channel channel, const Denied &denied);

// What admit() decides on: the request, as the caller read it, and the server's state now.
struct Admission
{
    WsRoute::Kind kind = WsRoute::Unknown; // a player's stream is Listen
    QString streamId;
    QString routeError;                  // kind == Invalid: why
    bool unknownFormat = false;          // kind == Invalid for a player: the format, not the id
    bool methodAllowed = true;           // a player's GET or HEAD
    bool upgrade = true;                 // Upgrade: websocket (players: true)
    std::optional<Denied> credentials;   // Unauthorized / TokenRequired / Forbidden, from the token check
    bool speakerPresent = false;         // the stream has a speaker
    bool streamFull = false;             // the stream has its maximum of listeners
    bool atStreamLimit = false;          // a new stream would exceed the stream limit
    bool connectionFree = true;          // a connection slot is free
    int maxListeners = 0;
    int maxStreams = 0;
    int maxConnections = 0;
};

// Every refusal of an incoming connection, in one order: method, route, upgrade, credentials,
// speaker taken (Speak), listeners (Listen), streams (all but Legacy), connections. nullopt:
// admitted. Pure; the table turns the answer into bytes for each channel.
std::optional<Denied> admit(const Admission &a);

} // namespace onair
