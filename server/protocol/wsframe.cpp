#include "protocol/wsframe.h"

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

QList<ServerFrame> splitServerFrames(const QByteArray &frames)
{
    QList<ServerFrame> out;
    qsizetype pos = 0;
    const qsizetype n = frames.size();
    while (n - pos >= 2) {
        const auto b0 = quint8(frames[pos]), b1 = quint8(frames[pos + 1]);
        if (b1 & 0x80)
            break; // server frames are never masked
        quint64 len = b1 & 0x7F;
        qsizetype h = 2;
        if (len == 126) {
            if (n - pos < 4)
                break;
            len = (quint64(quint8(frames[pos + 2])) << 8) | quint8(frames[pos + 3]);
            h = 4;
        } else if (len == 127) {
            if (n - pos < 10)
                break;
            len = 0;
            for (int i = 2; i < 10; ++i)
                len = (len << 8) | quint8(frames[pos + i]);
            h = 10;
        }
        if (quint64(n - pos - h) < len)
            break;
        out.append({WsOpcode(b0 & 0x0F), frames.mid(pos + h, qsizetype(len))});
        pos += h + qsizetype(len);
    }
    return out;
}

} // namespace onair
