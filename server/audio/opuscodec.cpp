#include "audio/opuscodec.h"

#include <opus.h>

#include <QList>

namespace onair {

namespace {
constexpr int kMaxPacketBytes = 1500;
constexpr int kMaxFrameSamples = 5760; // 120 ms at 48 kHz

bool validFrameMs(double ms)
{
    return ms == 2.5 || ms == 5 || ms == 10 || ms == 20 || ms == 40 || ms == 60;
}
} // namespace

OpusFrameEncoder::~OpusFrameEncoder()
{
    if (m_enc)
        opus_encoder_destroy(m_enc);
}

bool OpusFrameEncoder::open(const OpusSettings &s, QString *error)
{
    if (m_enc) {
        opus_encoder_destroy(m_enc);
        m_enc = nullptr;
    }
    m_pending.clear();
    if (!validFrameMs(s.frameMs)) {
        *error = QStringLiteral("Opus frames are 2.5, 5, 10, 20, 40 or 60 ms");
        return false;
    }
    if (s.bitrate < 6000 || s.bitrate > 510000) {
        *error = QStringLiteral("Opus bitrate must be 6–510 kb/s");
        return false;
    }
    int rc = OPUS_OK;
    m_enc = opus_encoder_create(s.sampleRate, s.channels, OPUS_APPLICATION_VOIP, &rc);
    if (rc != OPUS_OK || !m_enc) {
        *error = QStringLiteral("libopus: %1").arg(QString::fromUtf8(opus_strerror(rc)));
        m_enc = nullptr;
        return false;
    }
    opus_encoder_ctl(m_enc, OPUS_SET_BITRATE(s.bitrate));
    opus_encoder_ctl(m_enc, OPUS_SET_INBAND_FEC(s.inbandFec ? 1 : 0));
    opus_encoder_ctl(m_enc, OPUS_SET_PACKET_LOSS_PERC(s.inbandFec ? s.expectedLossPercent : 0));
    opus_encoder_ctl(m_enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
    m_settings = s;
    m_frameSamples = int(s.sampleRate * s.frameMs / 1000.0);
    return true;
}

QJsonObject OpusFrameEncoder::format() const
{
    return {{QStringLiteral("codec"), QStringLiteral("opus")},
            {QStringLiteral("sample_rate"), m_settings.sampleRate},
            {QStringLiteral("channels"), m_settings.channels},
            {QStringLiteral("frame_ms"), m_settings.frameMs},
            {QStringLiteral("bitrate"), m_settings.bitrate},
            {QStringLiteral("fec"), m_settings.inbandFec}};
}

QList<QByteArray> OpusFrameEncoder::encode(const QByteArray &s16le)
{
    QList<QByteArray> out;
    if (!m_enc)
        return out;
    m_pending.append(s16le);
    const qsizetype frameBytes = qsizetype(m_frameSamples) * m_settings.channels * 2;
    qsizetype pos = 0;
    while (m_pending.size() - pos >= frameBytes) {
        QByteArray packet(kMaxPacketBytes, Qt::Uninitialized);
        const auto *pcm = reinterpret_cast<const opus_int16 *>(m_pending.constData() + pos);
        const int n = opus_encode(m_enc, pcm, m_frameSamples,
                                  reinterpret_cast<unsigned char *>(packet.data()), kMaxPacketBytes);
        pos += frameBytes;
        if (n <= 0)
            continue;
        packet.truncate(n);
        out.append(packet);
    }
    m_pending.remove(0, pos);
    return out;
}

OpusFrameDecoder::~OpusFrameDecoder()
{
    if (m_dec)
        opus_decoder_destroy(m_dec);
}

bool OpusFrameDecoder::open(int sampleRate, int channels, QString *error)
{
    if (m_dec) {
        opus_decoder_destroy(m_dec);
        m_dec = nullptr;
    }
    int rc = OPUS_OK;
    m_dec = opus_decoder_create(sampleRate, channels, &rc);
    if (rc != OPUS_OK || !m_dec) {
        *error = QStringLiteral("libopus: %1").arg(QString::fromUtf8(opus_strerror(rc)));
        m_dec = nullptr;
        return false;
    }
    m_rate = sampleRate;
    m_channels = channels;
    return true;
}

QByteArray OpusFrameDecoder::decode(const QByteArray &packet)
{
    if (!m_dec || packet.isEmpty() || packet.size() > kMaxPacketBytes * 4) {
        ++m_errors;
        return {};
    }
    QByteArray pcm(qsizetype(kMaxFrameSamples) * m_channels * 2, Qt::Uninitialized);
    const int n = opus_decode(m_dec, reinterpret_cast<const unsigned char *>(packet.constData()),
                              opus_int32(packet.size()), reinterpret_cast<opus_int16 *>(pcm.data()),
                              kMaxFrameSamples * m_rate / 48000, 0);
    if (n < 0) {
        ++m_errors;
        return {};
    }
    pcm.truncate(qsizetype(n) * m_channels * 2);
    return pcm;
}

QByteArray OpusFrameDecoder::recover(const QByteArray &next, int samples)
{
    if (!m_dec || samples <= 0 || samples > kMaxFrameSamples)
        return {};
    QByteArray pcm(qsizetype(samples) * m_channels * 2, Qt::Uninitialized);
    // With decode_fec set libopus uses the next packet's LBRR data, or conceals when it has none.
    const bool fec = !next.isEmpty();
    const int n = opus_decode(m_dec, fec ? reinterpret_cast<const unsigned char *>(next.constData()) : nullptr,
                              fec ? opus_int32(next.size()) : 0, reinterpret_cast<opus_int16 *>(pcm.data()),
                              samples, fec ? 1 : 0);
    if (n < 0) {
        ++m_errors;
        return {};
    }
    pcm.truncate(qsizetype(n) * m_channels * 2);
    return pcm;
}

} // namespace onair
