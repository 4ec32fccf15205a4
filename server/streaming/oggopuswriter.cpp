#include "streaming/oggopuswriter.h"

#include <QList>
#include <QtEndian>

#include <ogg/ogg.h>
#include <opus.h>

#include <cstring>

namespace onair {

struct OggOpusWriter::State
{
    ogg_stream_state os{};
};

namespace {

// libogg takes packets by non-const pointer but does not write to them.
ogg_packet packetOf(const QByteArray &bytes, qint64 granule, qint64 packetNo, bool bos)
{
    ogg_packet op{};
    op.packet = reinterpret_cast<unsigned char *>(const_cast<char *>(bytes.constData()));
    op.bytes = long(bytes.size());
    op.b_o_s = bos ? 1 : 0;
    op.e_o_s = 0;
    op.granulepos = granule;
    op.packetno = packetNo;
    return op;
}

QByteArray takePages(ogg_stream_state *os)
{
    QByteArray out;
    ogg_page og;
    while (ogg_stream_flush(os, &og) != 0) {
        out.append(reinterpret_cast<const char *>(og.header), og.header_len);
        out.append(reinterpret_cast<const char *>(og.body), og.body_len);
    }
    return out;
}

// RFC 7845 §5.1: the identification header (mapping family 0: mono or stereo).
QByteArray opusHead(int channels, int preSkip)
{
    QByteArray h("OpusHead", 8);
    h.append(char(1));                          // version
    h.append(char(channels));
    char le[4];
    qToLittleEndian<quint16>(quint16(preSkip), le);
    h.append(le, 2);
    qToLittleEndian<quint32>(48000u, le);       // the rate the speaker's encoder ran at
    h.append(le, 4);
    qToLittleEndian<qint16>(0, le);             // output gain
    h.append(le, 2);
    h.append(char(0));                          // channel mapping family
    return h;
}

// RFC 7845 §5.2: vendor string and user comments.
QByteArray opusTags(const QString &title)
{
    QByteArray t("OpusTags", 8);
    char le[4];
    const QByteArray vendor = QByteArrayLiteral("OnAir " ONAIR_VERSION);
    qToLittleEndian<quint32>(quint32(vendor.size()), le);
    t.append(le, 4);
    t.append(vendor);
    QList<QByteArray> comments;
    if (!title.isEmpty())
        comments.append("TITLE=" + title.toUtf8());
    comments.append(QByteArrayLiteral("ENCODER=OnAir (speaker's packets, not re-encoded)"));
    qToLittleEndian<quint32>(quint32(comments.size()), le);
    t.append(le, 4);
    for (const QByteArray &c : std::as_const(comments)) {
        qToLittleEndian<quint32>(quint32(c.size()), le);
        t.append(le, 4);
        t.append(c);
    }
    return t;
}

} // namespace

int opusPacketSamples(const QByteArray &packet)
{
    if (packet.isEmpty())
        return 0;
    const int n = opus_packet_get_nb_samples(reinterpret_cast<const unsigned char *>(packet.constData()),
                                             opus_int32(packet.size()), 48000);
    // At most 120 ms per packet (RFC 6716 §3.2.5).
    return n > 0 && n <= 5760 ? n : 0;
}

OggOpusWriter::OggOpusWriter(int serial, int channels, int preSkip, const QString &title)
    : m_state(std::make_unique<State>()), m_serial(serial), m_channels(channels == 2 ? 2 : 1)
{
    ogg_stream_init(&m_state->os, serial);
    const QByteArray head = opusHead(m_channels, preSkip);
    ogg_packet op = packetOf(head, 0, m_packetNo++, true);
    ogg_stream_packetin(&m_state->os, &op);
    m_headers = takePages(&m_state->os); // OpusHead alone on the first page
    const QByteArray tags = opusTags(title);
    op = packetOf(tags, 0, m_packetNo++, false);
    ogg_stream_packetin(&m_state->os, &op);
    m_headers += takePages(&m_state->os); // audio starts on a page of its own
    // The decoder discards pre-skip samples from the first granule on.
    m_granule = 0;
}

OggOpusWriter::~OggOpusWriter()
{
    ogg_stream_clear(&m_state->os);
}

bool OggOpusWriter::addPacket(const QByteArray &packet)
{
    const int samples = opusPacketSamples(packet);
    if (samples == 0)
        return false;
    m_granule += samples;
    ogg_packet op = packetOf(packet, m_granule, m_packetNo++, false);
    ogg_stream_packetin(&m_state->os, &op);
    m_pendingSamples += samples;
    return true;
}

QByteArray OggOpusWriter::flush()
{
    m_pendingSamples = 0;
    return takePages(&m_state->os);
}

} // namespace onair
