#pragma once

#include "streaming/oggopuswriter.h"
#include "audio/opuscodec.h"
#include "streaming/playeroutput.h"
#include "audio/streamdecoder.h"

namespace onair {

// The Ogg Opus rendition of a stream (/stream/{id}.ogg): an Opus speaker's packets go into
// Ogg pages as they are, never re-encoded; a PCM speaker's audio is encoded once here, for
// every player. One logical stream for the output's life: speaker changes and pauses are
// bridged with Opus silence, so players see one continuous stream.
class OggPlayerOutput final : public PlayerOutput
{
public:
    // `channels`: what OpusHead announces (the speaker's, 1 when nobody speaks yet).
    OggPlayerOutput(Hub *hub, std::shared_ptr<StreamState> stream, const PlayerOptions &options, int channels);

    qint64 rejectedPackets() const { return m_rejected; }

private:
    void formatChanged(const QJsonObject &format) override;
    void audio(const QByteArray &payload) override;
    void silence(int samples) override;
    void flushPending(bool force) override;
    void addPacket(const QByteArray &packet);

    OggOpusWriter m_writer;
    StreamDecoder m_decoder;
    OpusFrameEncoder m_encoder; // PCM speakers only, opened on their first audio
    QByteArray m_silence;       // one 20 ms Opus packet of silence
    bool m_opus = false;
    qint64 m_rejected = 0;
};

} // namespace onair
