#pragma once

#include <QString>
#include <QtGlobal>

namespace onair {

// One listener as the operator sees it (/api/streams/{id}/listeners, the desktop's table).
struct ListenerInfo
{
    quint64 id;
    QString stream;
    QString peer;
    qint64 connectedAtMs;
    qint64 backlog;
    qint64 drops;
    QString identity;
    QString transport; // "websocket", "http-ogg", "http-mp3" or "local"
    QString userAgent;
};

} // namespace onair
