#include "protocol/wsroute.h"

#include "protocol/streamid.h"

namespace onair {

WsRoute parseWsRoute(const QString &path)
{
    WsRoute r;
    if (path == QLatin1String("/ws")) {
        r.kind = WsRoute::Legacy;
        return r;
    }
    if (path == QLatin1String("/ws/events")) {
        r.kind = WsRoute::Events;
        return r;
    }
    WsRoute::Kind kind;
    QStringView rest;
    if (path.startsWith(QLatin1String("/ws/speak/"))) {
        kind = WsRoute::Speak;
        rest = QStringView(path).mid(10);
    } else if (path.startsWith(QLatin1String("/ws/listen/"))) {
        kind = WsRoute::Listen;
        rest = QStringView(path).mid(11);
    } else {
        return r;
    }
    // Language channels ("main~nl") are spoken on by interpreters and listened to like streams.
    const QString err = listenableStreamIdError(rest);
    if (!err.isEmpty()) {
        r.kind = WsRoute::Invalid;
        r.error = err;
        r.streamId = rest.left(64).toString();
        return r;
    }
    r.kind = kind;
    r.streamId = rest.toString();
    return r;
}

} // namespace onair
