#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace onair {

// The acceptor's reading of what a client sends first: pure functions on bytes (no sockets),
// so they can be unit-tested (tests/security) and fuzzed (tests/fuzz/fuzz_http.cpp).

// What the acceptor makes of one HTTP request head.
struct HeadVerdict
{
    int status = 0;          // 0 = fine; else the HTTP status to answer with (then close)
    QByteArray code;         // JSON "error" code
    QString message;
    qint64 contentLength = 0;
    bool upgrade = false;    // Upgrade: websocket
    QByteArray origin;       // Origin header, if any
    QByteArray host;         // Host header
    bool close = false;      // Connection: close (or HTTP/1.0 without keep-alive)
    QByteArray method;       // "GET", "HEAD", …
    QByteArray target;       // the request target as sent ("/stream/main.mp3?token=…")
    QByteArray userAgent;    // User-Agent, if any
    QByteArray authorization; // Authorization, if any
    QByteArray range;        // Range, if any (a recording's audio: net/byterange.h)
};

// A refusal: status, JSON error code and message.
HeadVerdict refusedHead(int status, const char *code, const QString &message);

// A request whose answer's body is streamed from a file after the handler returned: a
// recording's audio, GET /api/recordings/{id}.ogg or .mp3 (docs/recording.md).
bool isStreamedFileTarget(const QByteArray &target);

// Checks a complete request head (request line + headers, up to the blank line): syntax,
// Content-Length against maxBody, no Transfer-Encoding. Pure; fuzzed.
HeadVerdict checkRequestHead(const QByteArray &head, qint64 maxBody);

// True when `origin` (an Origin header) may open a WebSocket on a request whose Host header
// is `host`: same host:port as the request (the server's own pages), or listed in `allowed`
// (exact origins, or "*").
bool originAllowed(const QByteArray &origin, const QByteArray &host, const QStringList &allowed);

// False as soon as the bytes cannot be the start of an HTTP request line (a method token and a
// space): garbage, a TLS ClientHello on a plain port, binary noise. True while undecided.
bool looksLikeRequestStart(const QByteArray &data);

} // namespace onair
