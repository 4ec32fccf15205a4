#pragma once

#include <QByteArray>
#include <QList>

namespace onair {

// Builds one complete, unmasked server-to-client WebSocket frame (RFC 6455 §5.2).
// Server frames carry no mask, so the bytes are the same for every listener: the hub frames a
// payload once and every listener's socket writes the same implicitly shared buffer, instead
// of QWebSocket allocating a header and copying the payload per listener.
enum class WsOpcode : quint8 { Text = 0x1, Binary = 0x2 };
QByteArray buildServerFrame(WsOpcode opcode, const QByteArray &payload);

// Splits a buffer of complete server frames (as an in-process listener receives them) into
// (opcode, payload) pairs. Stops at the first incomplete or masked frame.
struct ServerFrame
{
    WsOpcode opcode;
    QByteArray payload;
};
QList<ServerFrame> splitServerFrames(const QByteArray &frames);

} // namespace onair
