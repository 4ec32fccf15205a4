#pragma once

#include <QString>

namespace onair {

// Which WebSocket endpoint a (decoded) request path names.
struct WsRoute
{
    enum Kind { Unknown, Invalid, Legacy, Speak, Listen, Events };
    Kind kind = Unknown;
    QString streamId;
    QString error; // for Invalid: why the stream id was refused
};
WsRoute parseWsRoute(const QString &path);

} // namespace onair
