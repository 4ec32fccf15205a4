#include "audio/streamdecoder.h"

#include <algorithm>
#include <cstring>

namespace onair {

void StreamDecoder::setFormat(const QJsonObject &format)
{
    m_opus = format.value(QLatin1String("codec")).toString(QStringLiteral("pcm")) == QLatin1String("opus");
    m_inRate = format.value(QLatin1String("sample_rate")).toInt(kRate);
    if (m_inRate < 8000 || m_inRate > 384000)
        m_inRate = kRate;
    m_inChannels = std::clamp(format.value(QLatin1String("channels")).toInt(1), 1, 8);
    m_f32 = format.value(QLatin1String("sample_format")).toString() == QLatin1String("f32le");
    QString error;
    if (m_opus) {
        m_decoder = std::make_unique<OpusFrameDecoder>();
        if (!m_decoder->open(kRate, 1, &error))
            m_decoder.reset();
        m_resampler.open(kRate, kRate);
    } else {
        m_decoder.reset();
        m_resampler.open(m_inRate, kRate);
    }
    m_haveFormat = true;
}

QByteArray StreamDecoder::decode(const QByteArray &payload)
{
    if (!m_haveFormat)
        setFormat({});
    if (m_opus)
        return m_decoder ? m_decoder->decode(payload) : QByteArray();
    // Interleaved s16le / f32le → mono s16 at the input rate → 48 kHz.
    const int bytesPer = m_f32 ? 4 : 2;
    const qsizetype frames = payload.size() / (bytesPer * m_inChannels);
    QByteArray mono(frames * 2, Qt::Uninitialized);
    auto *out = reinterpret_cast<qint16 *>(mono.data());
    for (qsizetype i = 0; i < frames; ++i) {
        double sum = 0;
        for (int ch = 0; ch < m_inChannels; ++ch) {
            const char *p = payload.constData() + (i * m_inChannels + ch) * bytesPer;
            if (m_f32) {
                float v;
                memcpy(&v, p, 4);
                sum += double(v) * 32767.0;
            } else {
                qint16 v;
                memcpy(&v, p, 2);
                sum += v;
            }
        }
        out[i] = qint16(std::clamp(sum / m_inChannels, -32768.0, 32767.0));
    }
    return m_resampler.process(mono);
}

} // namespace onair
