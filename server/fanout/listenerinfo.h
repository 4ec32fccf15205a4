#pragma once

#include <QString>
#include <QtGlobal>

namespace onair {

// One listener as the operator sees it (/api/streams/{id}/listeners, the desktop's table).
struct ListenerInfo
{
    quint64 id = 0;
    QString stream;
    QString peer;
    qint64 connectedAtMs = 0;
    qint64 backlog = 0;
    qint64 drops = 0;
    QString identity;
    QString transport; // "websocket", "http-ogg", "http-mp3" or "local"
    QString userAgent;
    // What it hears (its page's listener_report; HTTP players: playing while they read).
    QString state = QStringLiteral("unknown");
    int delayMs = -1;       // -1: unknown
    int underruns = -1;     // -1: not reported
    QString decoder;        // as the page reports it
    bool hidden = false;
    QString device = QStringLiteral("unknown"); // phone, tablet, desktop, player (from the User-Agent)
};

} // namespace onair
