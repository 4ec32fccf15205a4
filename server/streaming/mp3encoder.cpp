#include "streaming/mp3encoder.h"

#include <lame/lame.h>

#include <algorithm>
#include <iterator>

namespace onair {

bool isValidMp3Bitrate(int kbps)
{
    static constexpr int kRates[] = {32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
    return std::find(std::begin(kRates), std::end(kRates), kbps) != std::end(kRates);
}

Mp3Encoder::~Mp3Encoder()
{
    if (m_lame)
        lame_close(m_lame);
}

bool Mp3Encoder::open(int kbps, QString *error)
{
    if (!isValidMp3Bitrate(kbps)) {
        *error = QStringLiteral("%1 kb/s is not an MPEG-1 Layer III bit rate at 48 kHz (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)")
                     .arg(kbps);
        return false;
    }
    if (m_lame)
        lame_close(m_lame);
    m_lame = lame_init();
    if (!m_lame) {
        *error = QStringLiteral("LAME could not start");
        return false;
    }
    lame_set_in_samplerate(m_lame, 48000);
    lame_set_out_samplerate(m_lame, 48000);
    lame_set_num_channels(m_lame, 1);
    lame_set_mode(m_lame, MONO);
    lame_set_brate(m_lame, kbps);
    lame_set_VBR(m_lame, vbr_off);
    lame_set_quality(m_lame, 7);          // fast; speech at 48–64 kb/s does not gain from more
    lame_set_disable_reservoir(m_lame, 1); // frames that decode on their own (see the header)
    lame_set_bWriteVbrTag(m_lame, 0);     // a live stream has no length to announce
    if (lame_init_params(m_lame) < 0) {
        lame_close(m_lame);
        m_lame = nullptr;
        *error = QStringLiteral("LAME refused %1 kb/s mono at 48 kHz").arg(kbps);
        return false;
    }
    m_kbps = kbps;
    return true;
}

QByteArray Mp3Encoder::encode(const QByteArray &s16le)
{
    if (!m_lame || s16le.size() < 2)
        return {};
    const int samples = int(s16le.size() / 2);
    // LAME's documented worst case: 1.25 × samples + 7,200 bytes.
    QByteArray out(samples * 5 / 4 + 7200, Qt::Uninitialized);
    // Mono: LAME reads only the left buffer.
    const auto *pcm = reinterpret_cast<const short *>(s16le.constData());
    const int n = lame_encode_buffer(m_lame, pcm, pcm, samples,
                                     reinterpret_cast<unsigned char *>(out.data()), int(out.size()));
    if (n <= 0)
        return {};
    out.resize(n);
    return out;
}

QByteArray Mp3Encoder::flush()
{
    if (!m_lame)
        return {};
    QByteArray out(7200, Qt::Uninitialized); // LAME asks for at least 7,200 bytes here
    const int n = lame_encode_flush(m_lame, reinterpret_cast<unsigned char *>(out.data()), int(out.size()));
    if (n <= 0)
        return {};
    out.resize(n);
    return out;
}

} // namespace onair
