#pragma once

#include <QByteArray>
#include <QString>

struct lame_global_struct;

namespace onair {

// MPEG-1 Layer III's bit rates (kb/s) at 48 kHz.
bool isValidMp3Bitrate(int kbps);

// MP3 through libmp3lame: mono s16 PCM at 48 kHz in, whole MPEG-1 Layer III frames out, at a
// constant bit rate. The bit reservoir is off, so every frame decodes on its own: a player
// may join at any frame and a slow one may skip frames (skip to live) without corrupting the
// next. One encoder per stream, shared by all of its MP3 listeners.
class Mp3Encoder final
{
public:
    Mp3Encoder() = default;
    ~Mp3Encoder();
    Q_DISABLE_COPY_MOVE(Mp3Encoder)

    // `kbps`: 32–320 (MPEG-1 at 48 kHz). false with `error` when LAME refuses.
    bool open(int kbps, QString *error);
    bool isOpen() const { return m_lame != nullptr; }
    // Encodes s16le mono 48 kHz; returns the frames completed so far (often empty: LAME
    // holds about one frame, 1,152 samples = 24 ms, plus its look-ahead).
    QByteArray encode(const QByteArray &s16le);
    // The end of a finite stream (an exported recording): the frames LAME still holds, the
    // last one padded with silence. A live stream never calls it.
    QByteArray flush();
    int bitrateKbps() const { return m_kbps; }

private:
    lame_global_struct *m_lame = nullptr;
    int m_kbps = 0;
};

} // namespace onair
