#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

namespace onair {

// Puts Opus packets, as they are, into an Ogg Opus logical stream (RFC 7845) with libogg:
// the two header pages (OpusHead alone on the first, beginning-of-stream page; OpusTags on the
// second) and audio pages whose granule position is the 48 kHz sample count at the end of
// their last packet. Nothing is re-encoded. Used by the players' .ogg stream (and meant for
// recordings: any player can seek in what it writes).
class OggOpusWriter final
{
public:
    // `channels` is what OpusHead announces (decoders downmix or upmix packets of the other
    // count); `preSkip` the 48 kHz samples a decoder discards at the very start; `title`
    // goes into OpusTags as TITLE.
    OggOpusWriter(int serial, int channels, int preSkip = 312, const QString &title = QString());
    ~OggOpusWriter();
    Q_DISABLE_COPY_MOVE(OggOpusWriter)

    int channels() const { return m_channels; }
    int serial() const { return m_serial; }
    // The two header pages: what a player needs before any audio page of this stream.
    const QByteArray &headers() const { return m_headers; }

    // Adds one packet; false (and nothing added) when it is not a valid Opus packet.
    bool addPacket(const QByteArray &packet);
    // 48 kHz samples in packets added but not yet in a page.
    qint64 pendingSamples() const { return m_pendingSamples; }
    qint64 granule() const { return m_granule; }
    // Every packet added so far as complete pages (empty when none is pending).
    QByteArray flush();

private:
    struct State;
    std::unique_ptr<State> m_state;
    const int m_serial;
    const int m_channels;
    QByteArray m_headers;
    qint64 m_granule = 0;
    qint64 m_packetNo = 0;
    qint64 m_pendingSamples = 0;
};

// 48 kHz samples in one Opus packet (libopus' parser); 0 when the packet is not valid Opus.
int opusPacketSamples(const QByteArray &packet);

} // namespace onair
