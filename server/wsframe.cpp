#include "wsframe.h"

namespace onair {

QByteArray buildServerFrame(WsOpcode opcode, const QByteArray &payload)
{
    const quint64 len = quint64(payload.size());
    char header[10];
    int h = 0;
    header[h++] = char(0x80 | quint8(opcode)); // FIN + opcode
    if (len < 126) {
        header[h++] = char(len);
    } else if (len <= 0xFFFF) {
        header[h++] = char(126);
        header[h++] = char((len >> 8) & 0xFF);
        header[h++] = char(len & 0xFF);
    } else {
        header[h++] = char(127);
        for (int i = 7; i >= 0; --i)
            header[h++] = char((len >> (8 * i)) & 0xFF);
    }
    QByteArray frame;
    frame.reserve(h + payload.size());
    frame.append(header, h);
    frame.append(payload);
    return frame;
}

} // namespace onair
