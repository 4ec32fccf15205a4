#pragma once

#include <QString>

namespace onair {

// Which standard-player endpoint a (decoded) request path names:
// /stream/{id}.ogg (Ogg Opus), /stream/{id}.mp3 (MP3) or /stream/{id}.m3u (a playlist of both).
// {id} is a listenable stream id (translated channels "<id>~<lang>" included); ids may hold
// dots, so the extension is what follows the last one.
struct PlayerRoute
{
    enum Kind { NotPlayer, Invalid, Ogg, Mp3, Playlist };
    Kind kind = NotPlayer;
    QString streamId;
    QString error; // for Invalid: why
};
PlayerRoute parsePlayerRoute(const QString &path);

// The path of a stream's endpoint in `kind` ("/stream/main.mp3"); ids need no escaping.
QString playerPath(const QString &streamId, PlayerRoute::Kind kind);

} // namespace onair
