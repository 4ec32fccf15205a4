#pragma once

#include "streaming/mp3encoder.h"
#include "streaming/playeroutput.h"
#include "audio/streamdecoder.h"

namespace onair {

// The MP3 rendition of a stream (/stream/{id}.mp3): decoded once (libopus, or the speaker's
// PCM) and encoded once with LAME for all of its MP3 players; the output exists while at
// least one of them is connected.
class Mp3PlayerOutput final : public PlayerOutput
{
public:
    Mp3PlayerOutput(Hub *hub, std::shared_ptr<StreamState> stream, const PlayerOptions &options);

private:
    static constexpr int kSamplesPerFrame = 1152;
    void formatChanged(const QJsonObject &format) override;
    void audio(const QByteArray &payload) override;
    void silence(int samples) override;
    void flushPending(bool force) override;
    void encode(const QByteArray &pcm);

    StreamDecoder m_decoder;
    Mp3Encoder m_lame;
    QByteArray m_pending;
    qint64 m_pendingSamples = 0;
    // Silence is one silent frame, encoded once and repeated (frames decode on their own):
    // a stream nobody speaks on costs no encoding, however many of them are open.
    QByteArray m_silentFrame;
    qint64 m_silenceOwed = 0; // samples of silence not yet covered by a whole frame
};

} // namespace onair
