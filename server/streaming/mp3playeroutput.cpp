#include "mp3playeroutput.h"

#include "logging.h"

namespace onair {

Mp3PlayerOutput::Mp3PlayerOutput(Hub *hub, std::shared_ptr<StreamState> stream, const PlayerOptions &options)
    : PlayerOutput(hub, std::move(stream), PlayerFormat::Mp3, options)
{
    QString error;
    if (!m_lame.open(m_options.mp3Kbps, &error))
        qCWarning(lcHub).noquote() << "MP3 for" << m_stream->id << ":" << error;
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
    encode(QByteArray(samples * 2, '\0'));
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
