// WebSocket server frames: splitServerFrames (how the in-process listener of the health probe
// and the tests read what the hub wrote) and buildServerFrame.
//
// Invariants: on any bytes, the frames found never extend past the input and each payload is
// the exact bytes at its position; frames built by buildServerFrame from arbitrary payloads
// (lengths around the 125/126 and 65535/65536 boundaries included) split back to the same
// opcodes and payloads, whole.
#include "fuzzcheck.h"

#include "protocol/wsframe.h"

#include <cstddef>
#include <cstdint>

using namespace onair;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));

    // 1. Arbitrary bytes.
    const QList<ServerFrame> frames = splitServerFrames(raw);
    qsizetype consumed = 0;
    for (const ServerFrame &f : frames) {
        FUZZ_CHECK(quint8(f.opcode) <= 0x0F);
        const quint8 b1 = quint8(raw[consumed + 1]);
        const qsizetype header = (b1 & 0x7F) == 126 ? 4 : (b1 & 0x7F) == 127 ? 10 : 2;
        FUZZ_CHECK(!(b1 & 0x80));
        FUZZ_CHECK(consumed + header + f.payload.size() <= raw.size());
        FUZZ_CHECK(raw.mid(consumed + header, f.payload.size()) == f.payload);
        consumed += header + f.payload.size();
    }

    // 2. Built frames split back. The input is cut into payloads: each byte b < 8 starts a new
    //    frame whose payload is padded to near the 7-, 16- and 64-bit length boundaries.
    QList<ServerFrame> built;
    QByteArray stream;
    QByteArray current;
    static const int kPads[8] = {0, 1, 2, 120, 124, 65000, 65530, 65534};
    int pad = 0;
    auto flush = [&] {
        const WsOpcode op = (current.size() + pad) % 2 ? WsOpcode::Text : WsOpcode::Binary;
        const QByteArray payload = current + QByteArray(pad, 'x');
        built.append({op, payload});
        stream += buildServerFrame(op, payload);
        current.clear();
    };
    for (size_t i = 0; i < size && built.size() < 16; ++i) {
        if (data[i] < 8) {
            flush();
            pad = kPads[data[i]];
        } else {
            current.append(char(data[i]));
        }
    }
    flush();
    const QList<ServerFrame> back = splitServerFrames(stream);
    FUZZ_CHECK(back.size() == built.size());
    for (qsizetype i = 0; i < back.size(); ++i) {
        FUZZ_CHECK(back[i].opcode == built[i].opcode);
        FUZZ_CHECK(back[i].payload == built[i].payload);
    }
    // A cut stream yields a prefix of the frames, never a partial one.
    if (!stream.isEmpty()) {
        const QList<ServerFrame> cut = splitServerFrames(stream.left(stream.size() - 1));
        FUZZ_CHECK(cut.size() == back.size() - 1);
    }
    return 0;
}
