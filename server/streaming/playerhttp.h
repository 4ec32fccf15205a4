#pragma once

#include "fanout/streamstate.h"

#include <QByteArray>
#include <QString>

namespace onair {

// The HTTP side of the players' endpoints, as Icecast's listeners know it.

// The response head of /stream/{id}.ogg|.mp3: Icecast's status line and headers (content
// type, no caching, icy-name / icy-description / icy-br, CORS for web players elsewhere);
// the body is endless and ends when the connection closes.
QByteArray playerResponseHead(PlayerFormat format, const QString &streamId, int mp3Kbps);

// /stream/{id}.m3u: an extended M3U naming the stream's .mp3 and .ogg URLs at `base`
// ("http://192.168.1.20:8765", the address the request came in on), with `query` ("?token=…"
// or empty) carried on.
QByteArray playerPlaylist(const QString &streamId, const QString &base, const QString &query);

} // namespace onair
