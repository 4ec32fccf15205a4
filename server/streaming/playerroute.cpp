#include "streaming/playerroute.h"

#include "protocol/streamid.h"

namespace onair {

PlayerRoute parsePlayerRoute(const QString &path)
{
    static const QString prefix = QStringLiteral("/stream/");
    PlayerRoute r;
    if (!path.startsWith(prefix))
        return r;
    const QStringView rest = QStringView(path).mid(prefix.size());
    r.kind = PlayerRoute::Invalid;
    const qsizetype dot = rest.lastIndexOf(u'.');
    if (dot <= 0) {
        r.error = QStringLiteral("name the format: /stream/{id}.ogg, .mp3 or .m3u");
        return r;
    }
    const QStringView ext = rest.mid(dot + 1);
    const QStringView id = rest.left(dot);
    if (ext == u"ogg")
        r.kind = PlayerRoute::Ogg;
    else if (ext == u"mp3")
        r.kind = PlayerRoute::Mp3;
    else if (ext == u"m3u")
        r.kind = PlayerRoute::Playlist;
    else {
        r.error = QStringLiteral("unknown format '%1': use .ogg, .mp3 or .m3u").arg(ext.left(16).toString());
        return r;
    }
    if (const QString err = listenableStreamIdError(id); !err.isEmpty()) {
        r.kind = PlayerRoute::Invalid;
        r.error = err;
        return r;
    }
    r.streamId = id.toString();
    return r;
}

QString playerPath(const QString &streamId, PlayerRoute::Kind kind)
{
    const char *ext = kind == PlayerRoute::Ogg ? ".ogg" : kind == PlayerRoute::Mp3 ? ".mp3" : ".m3u";
    return QStringLiteral("/stream/") + streamId + QLatin1String(ext);
}

} // namespace onair
