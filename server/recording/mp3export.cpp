#include "recording/mp3export.h"

#include "audio/opuscodec.h"
#include "streaming/mp3encoder.h"

#include <QFile>
#include <QtEndian>

#include <ogg/ogg.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace onair {

namespace {

constexpr qsizetype kReadBytes = 65536;

// One pass over the file: Ogg pages → Opus packets → 48 kHz mono PCM → MP3 frames on `out`.
// PCM is held back one page so that the last page's granule position can trim the end.
class Converter
{
public:
    Converter(QFile *in, QFile *out) : m_in(in), m_out(out) {}
    ~Converter()
    {
        if (m_streamOpen)
            ogg_stream_clear(&m_stream);
        ogg_sync_clear(&m_sync);
    }
    Q_DISABLE_COPY_MOVE(Converter)

    bool run(int kbps, QString *error);

private:
    bool page(ogg_page *page, QString *error);
    bool packet(const ogg_packet &p, QString *error);
    bool openHead(const ogg_packet &p, QString *error);
    bool emitPcm(QByteArray pcm, QString *error);
    bool write(const QByteArray &bytes, QString *error);

    QFile *m_in;
    QFile *m_out;
    ogg_sync_state m_sync{};
    ogg_stream_state m_stream{};
    bool m_streamOpen = false;
    int m_serial = 0;
    qint64 m_packets = 0;       // of the logical stream, headers included
    int m_preSkipLeft = 0;      // samples still to drop at the start
    qint64 m_decoded = 0;       // samples decoded so far, pre-skip included (the granule's count)
    qint64 m_lastGranule = -1;
    QByteArray m_pagePcm;       // the current page's PCM
    QByteArray m_held;          // the previous page's PCM, not yet encoded
    qint64 m_audioSamples = 0;
    OpusFrameDecoder m_decoder;
    Mp3Encoder m_lame;
};

bool Converter::run(int kbps, QString *error)
{
    ogg_sync_init(&m_sync);
    if (!m_lame.open(kbps, error))
        return false;
    bool more = true;
    while (more) {
        char *buffer = ogg_sync_buffer(&m_sync, long(kReadBytes));
        const qint64 n = m_in->read(buffer, kReadBytes);
        if (n < 0) {
            *error = QStringLiteral("cannot read %1: %2").arg(m_in->fileName(), m_in->errorString());
            return false;
        }
        more = n > 0;
        ogg_sync_wrote(&m_sync, long(n));
        ogg_page pg;
        int rc = 0;
        while ((rc = ogg_sync_pageout(&m_sync, &pg)) != 0) {
            if (rc < 0 && !m_streamOpen) {
                *error = QStringLiteral("%1 is not an Ogg file").arg(m_in->fileName());
                return false;
            }
            if (rc > 0 && !page(&pg, error))
                return false;
        }
        if (!m_streamOpen && m_sync.fill - m_sync.returned > 65536) {
            *error = QStringLiteral("%1 is not an Ogg file").arg(m_in->fileName());
            return false;
        }
    }
    if (m_packets < 2) {
        *error = QStringLiteral("%1 is not Ogg Opus (no OpusHead and OpusTags)").arg(m_in->fileName());
        return false;
    }
    // The last page: its granule position says where the audio ends (RFC 7845 §4.5).
    const qint64 excess = m_lastGranule >= 0 ? m_decoded - m_lastGranule : 0;
    if (excess > 0 && excess * 2 <= m_held.size())
        m_held.chop(excess * 2);
    if (!emitPcm(std::exchange(m_held, QByteArray()), error) || !write(m_lame.flush(), error))
        return false;
    if (m_audioSamples == 0) {
        *error = QStringLiteral("%1 holds no audio").arg(m_in->fileName());
        return false;
    }
    return true;
}

bool Converter::page(ogg_page *pg, QString *error)
{
    if (!m_streamOpen) {
        if (!ogg_page_bos(pg)) {
            *error = QStringLiteral("%1 does not begin with an Ogg stream's first page").arg(m_in->fileName());
            return false;
        }
        m_serial = ogg_page_serialno(pg);
        ogg_stream_init(&m_stream, m_serial);
        m_streamOpen = true;
    }
    if (ogg_page_serialno(pg) != m_serial)
        return true; // another logical stream (multiplexed or chained): not ours
    if (ogg_stream_pagein(&m_stream, pg) != 0) {
        *error = QStringLiteral("%1: a corrupt Ogg page").arg(m_in->fileName());
        return false;
    }
    ogg_packet p;
    int rc = 0;
    while ((rc = ogg_stream_packetout(&m_stream, &p)) != 0) {
        if (rc < 0)
            continue; // a gap (a lost page): libogg says so once; the packets after it are whole
        if (!packet(p, error))
            return false;
    }
    if (m_pagePcm.isEmpty())
        return true;
    if (!emitPcm(std::exchange(m_held, std::exchange(m_pagePcm, QByteArray())), error))
        return false;
    m_lastGranule = ogg_page_granulepos(pg);
    return true;
}

bool Converter::packet(const ogg_packet &p, QString *error)
{
    const qint64 index = m_packets++;
    if (index == 0)
        return openHead(p, error);
    if (index == 1) {
        if (p.bytes < 8 || memcmp(p.packet, "OpusTags", 8) != 0) {
            *error = QStringLiteral("%1: the second packet is not OpusTags").arg(m_in->fileName());
            return false;
        }
        return true;
    }
    if (p.bytes <= 0)
        return true;
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(p.packet), qsizetype(p.bytes));
    const QByteArray pcm = m_decoder.decode(bytes);
    if (pcm.isEmpty()) {
        *error = QStringLiteral("%1: Opus packet %2 does not decode").arg(m_in->fileName()).arg(index);
        return false;
    }
    m_decoded += pcm.size() / 2;
    m_pagePcm += pcm;
    return true;
}

bool Converter::openHead(const ogg_packet &p, QString *error)
{
    // RFC 7845 §5.1: "OpusHead", version, channels, pre-skip (LE16), rate, gain, mapping family.
    if (p.bytes < 19 || memcmp(p.packet, "OpusHead", 8) != 0) {
        *error = QStringLiteral("%1 is Ogg but not Ogg Opus").arg(m_in->fileName());
        return false;
    }
    const int version = p.packet[8];
    const int channels = p.packet[9];
    const int family = p.packet[18];
    if ((version & 0xf0) != 0 || channels < 1 || channels > 2 || family != 0) {
        *error = QStringLiteral("%1: Ogg Opus with %2 channels (mapping family %3) is not supported")
                     .arg(m_in->fileName()).arg(channels).arg(family);
        return false;
    }
    m_preSkipLeft = qFromLittleEndian<quint16>(p.packet + 10);
    // Mono out: libopus downmixes a stereo packet when the decoder is mono.
    return m_decoder.open(48000, 1, error);
}

// Encodes one page's PCM, after dropping what is left of the pre-skip.
bool Converter::emitPcm(QByteArray pcm, QString *error)
{
    if (m_preSkipLeft > 0) {
        const qsizetype drop = qMin<qsizetype>(m_preSkipLeft, pcm.size() / 2);
        pcm.remove(0, drop * 2);
        m_preSkipLeft -= int(drop);
    }
    m_audioSamples += pcm.size() / 2;
    return write(m_lame.encode(pcm), error);
}

bool Converter::write(const QByteArray &bytes, QString *error)
{
    if (bytes.isEmpty() || m_out->write(bytes) == bytes.size())
        return true;
    *error = QStringLiteral("cannot write %1: %2").arg(m_out->fileName(), m_out->errorString());
    return false;
}

} // namespace

bool exportOggOpusToMp3(const QString &oggPath, const QString &mp3Path, int kbps, QString *error)
{
    QFile in(oggPath);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(oggPath, in.errorString());
        return false;
    }
    const QString partPath = mp3Path + QStringLiteral(".part");
    QFile out(partPath);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("cannot write %1: %2").arg(partPath, out.errorString());
        return false;
    }
    bool ok = false;
    {
        Converter converter(&in, &out);
        ok = converter.run(kbps, error);
    }
    if (ok && !out.flush()) {
        *error = QStringLiteral("cannot write %1: %2").arg(partPath, out.errorString());
        ok = false;
    }
    out.close();
    // rename(2): the finished file replaces any older one in one step.
    if (ok && std::rename(QFile::encodeName(partPath).constData(), QFile::encodeName(mp3Path).constData()) != 0) {
        *error = QStringLiteral("cannot rename %1 to %2: %3").arg(partPath, mp3Path, QString::fromLocal8Bit(strerror(errno)));
        ok = false;
    }
    if (!ok)
        QFile::remove(partPath);
    return ok;
}

} // namespace onair
