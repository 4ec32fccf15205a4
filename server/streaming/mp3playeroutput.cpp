#include "streaming/mp3playeroutput.h"

#include "core/logging.h"

namespace onair {

Mp3PlayerOutput::Mp3PlayerOutput(Hub *hub, std::shared_ptr<StreamState> stream, const PlayerOptions &options)
    : PlayerOutput(hub, std::move(stream), PlayerFormat::Mp3, options)
{
    QString error;
    if (!m_lame.open(m_options.mp3Kbps, &error))
        qCWarning(lcHub).noquote() << "MP3 for" << m_stream->id << ":" << error;
    // At 48 kHz an MPEG-1 Layer III frame is 144 × bit rate / 48,000 bytes, never padded.
    const qsizetype frameBytes = qsizetype(m_options.mp3Kbps) * 3;
    Mp3Encoder silent;
    if (silent.open(m_options.mp3Kbps, &error)) {
        QByteArray frames;
        for (int i = 0; i < 10 && frames.size() < 3 * frameBytes; ++i)
            frames += silent.encode(QByteArray(kSamplesPerFrame * 2, '\0'));
        if (frames.size() >= 2 * frameBytes)
            m_silentFrame = frames.mid(frames.size() - frameBytes - frames.size() % frameBytes, frameBytes);
    }
}

void Mp3PlayerOutput::formatChanged(const QJsonObject &format)
{
    m_decoder.setFormat(format);
}

void Mp3PlayerOutput::encode(const QByteArray &pcm)
{
    if (pcm.isEmpty())
        return;
    m_pending += m_lame.encode(pcm);
    m_pendingSamples += pcm.size() / 2;
    flushPending(false);
}

void Mp3PlayerOutput::audio(const QByteArray &payload)
{
    encode(m_decoder.decode(payload));
}

void Mp3PlayerOutput::silence(int samples)
{
    if (m_silentFrame.isEmpty()) {
        encode(QByteArray(samples * 2, '\0'));
        return;
    }
    m_silenceOwed += samples;
    while (m_silenceOwed >= kSamplesPerFrame) {
        m_pending += m_silentFrame;
        m_pendingSamples += kSamplesPerFrame;
        m_silenceOwed -= kSamplesPerFrame;
    }
    flushPending(false);
}

void Mp3PlayerOutput::flushPending(bool force)
{
    if (m_pending.isEmpty())
        return;
    if (force || m_pendingSamples >= qint64(m_options.chunkMs) * kRate / 1000) {
        emitChunk(m_pending, m_pendingSamples);
        m_pending.clear();
        m_pendingSamples = 0;
    }
}

} // namespace onair
