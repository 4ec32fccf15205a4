#pragma once

#include "audio/opuscodec.h"
#include "audio/resample.h"

#include <QByteArray>
#include <QJsonObject>

#include <memory>

namespace onair {

// A stream's audio as mono s16le PCM at 48 kHz, whatever its speaker declared (docs/protocol.md
// "hello"): Opus packets are decoded with libopus, PCM (s16le or f32le, any channel count and
// rate) is downmixed and resampled with soxr. Used wherever the engine itself listens to a
// stream: the interpreter, the players' MP3 encoder and the Ogg encoder of PCM streams.
class StreamDecoder final
{
public:
    static constexpr int kRate = 48000;

    // The speaker's format (the "format" object of its hello); empty: a speaker that never
    // declared one — 48 kHz mono s16le PCM.
    void setFormat(const QJsonObject &format);
    bool hasFormat() const { return m_haveFormat; }
    bool isOpus() const { return m_opus; }
    // One payload to PCM; empty for a packet libopus rejects.
    QByteArray decode(const QByteArray &payload);

private:
    bool m_haveFormat = false;
    bool m_opus = false;
    bool m_f32 = false;
    int m_inRate = kRate;
    int m_inChannels = 1;
    std::unique_ptr<OpusFrameDecoder> m_decoder;
    StreamResampler m_resampler;
};

} // namespace onair
