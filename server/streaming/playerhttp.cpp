#include "streaming/playerhttp.h"

#include "streaming/playerroute.h"

namespace onair {

QByteArray playerResponseHead(PlayerFormat format, const QString &streamId, int mp3Kbps)
{
    const bool mp3 = format == PlayerFormat::Mp3;
    // HTTP/1.0 as Icecast answers: no length, no chunking, the body runs until the close.
    QByteArray h = "HTTP/1.0 200 OK\r\n"
                   "Server: OnAir/" ONAIR_VERSION "\r\n"
                   "Content-Type: ";
    h += mp3 ? "audio/mpeg" : "audio/ogg";
    h += "\r\n"
         "Cache-Control: no-cache, no-store\r\n"
         "Pragma: no-cache\r\n"
         "Expires: Mon, 26 Jul 1997 05:00:00 GMT\r\n"
         "Connection: close\r\n"
         "Access-Control-Allow-Origin: *\r\n"
         "X-Content-Type-Options: nosniff\r\n"
         "icy-name: ";
    h += streamId.toLatin1(); // ids are ASCII
    h += " (OnAir)\r\n"
         "icy-description: Live on OnAir\r\n"
         "icy-pub: 0\r\n";
    if (mp3) {
        h += "icy-br: " + QByteArray::number(mp3Kbps) + "\r\n";
        h += "ice-audio-info: ice-samplerate=48000;ice-bitrate=" + QByteArray::number(mp3Kbps) + ";ice-channels=1\r\n";
    } else {
        h += "ice-audio-info: ice-samplerate=48000\r\n";
    }
    h += "\r\n";
    return h;
}

QByteArray playerPlaylist(const QString &streamId, const QString &base, const QString &query)
{
    QByteArray m = "#EXTM3U\n";
    m += "#EXTINF:-1," + streamId.toUtf8() + " (OnAir, MP3)\n";
    m += (base + playerPath(streamId, PlayerRoute::Mp3) + query).toUtf8() + '\n';
    m += "#EXTINF:-1," + streamId.toUtf8() + " (OnAir, Ogg Opus)\n";
    m += (base + playerPath(streamId, PlayerRoute::Ogg) + query).toUtf8() + '\n';
    return m;
}

} // namespace onair
