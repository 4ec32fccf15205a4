#include "streaming/oggplayeroutput.h"

#include <QRandomGenerator>

namespace onair {

OggPlayerOutput::OggPlayerOutput(Hub *hub, std::shared_ptr<StreamState> stream, const PlayerOptions &options,
                                 int channels)
    : PlayerOutput(hub, stream, PlayerFormat::Ogg, options),
      m_writer(int(QRandomGenerator::global()->bounded(1, 0x7fffffff)), channels, 312, stream->id)
{
    setHeaders(m_writer.headers());
    // Silence as libopus codes it, once: a few frames so the encoder has settled.
    OpusFrameEncoder enc;
    QString error;
    OpusSettings s;
    s.bitrate = 16000;
    s.inbandFec = false;
    if (enc.open(s, &error)) {
        const QByteArray zeros(kFillSamples * 2, '\0');
        for (int i = 0; i < 3; ++i) {
            const QList<QByteArray> packets = enc.encode(zeros);
            if (!packets.isEmpty())
                m_silence = packets.constLast();
        }
    }
}

void OggPlayerOutput::formatChanged(const QJsonObject &format)
{
    m_decoder.setFormat(format);
    m_opus = m_decoder.isOpus();
}

void OggPlayerOutput::addPacket(const QByteArray &packet)
{
    if (!m_writer.addPacket(packet))
        ++m_rejected;
}

void OggPlayerOutput::audio(const QByteArray &payload)
{
    if (m_opus) {
        addPacket(payload);
    } else {
        if (!m_encoder.isOpen()) {
            OpusSettings s;
            s.bitrate = m_options.opusBitrate;
            s.inbandFec = false; // nothing is lost between here and the player (TCP)
            QString error;
            if (!m_encoder.open(s, &error))
                return;
        }
        const QList<QByteArray> packets = m_encoder.encode(m_decoder.decode(payload));
        for (const QByteArray &p : packets)
            addPacket(p);
    }
    flushPending(false);
}

void OggPlayerOutput::silence(int)
{
    if (m_silence.isEmpty())
        return;
    addPacket(m_silence);
    flushPending(false);
}

void OggPlayerOutput::flushPending(bool force)
{
    const qint64 pending = m_writer.pendingSamples();
    if (pending == 0)
        return;
    if (force || pending >= qint64(m_options.chunkMs) * kRate / 1000)
        emitChunk(m_writer.flush(), pending);
}

} // namespace onair
