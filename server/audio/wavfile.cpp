#include "audio/wavfile.h"

#include <QFile>
#include <QtEndian>

namespace onair {

namespace {

struct Chunks
{
    int format = 0, channels = 0, rate = 0, bits = 0;
    QByteArray data;
};

// Walks the RIFF chunks after the 12-byte header: "fmt " and "data" (a truncated "data"
// chunk, as written by a recorder that was stopped, is taken as far as it goes).
Chunks readChunks(const QByteArray &all)
{
    Chunks c;
    qsizetype pos = 12;
    while (pos + 8 <= all.size()) {
        const QByteArray id = all.mid(pos, 4);
        const quint32 len = qFromLittleEndian<quint32>(all.constData() + pos + 4);
        const qsizetype body = pos + 8;
        if (body + qsizetype(len) > all.size() && id != "data")
            break;
        if (id == "fmt " && len >= 16) {
            c.format = qFromLittleEndian<quint16>(all.constData() + body);
            c.channels = qFromLittleEndian<quint16>(all.constData() + body + 2);
            c.rate = int(qFromLittleEndian<quint32>(all.constData() + body + 4));
            c.bits = qFromLittleEndian<quint16>(all.constData() + body + 14);
        } else if (id == "data") {
            c.data = all.mid(body, qMin<qsizetype>(len, all.size() - body));
            break;
        }
        pos = body + qsizetype(len) + (len & 1);
    }
    return c;
}

} // namespace

WavError parseWav(const QByteArray &bytes, WavAudio *out)
{
    if (bytes.size() < 12 || !bytes.startsWith("RIFF") || bytes.mid(8, 4) != "WAVE")
        return WavError::NotWav;
    Chunks c = readChunks(bytes);
    if ((c.format != 1 && c.format != 0xFFFE) || c.bits != 16 || (c.channels != 1 && c.channels != 2))
        return WavError::Unsupported;
    if (c.data.isEmpty())
        return WavError::NoAudio;
    out->sampleRate = c.rate;
    out->channels = c.channels;
    out->pcm = std::move(c.data);
    return WavError::None;
}

WavError readWavFile(const QString &path, WavAudio *out, QString *detail)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (detail)
            *detail = f.errorString();
        return WavError::CannotOpen;
    }
    return parseWav(f.readAll(), out);
}

QByteArray monoS16(const WavAudio &wav)
{
    if (wav.channels != 2)
        return wav.pcm;
    const QByteArray &data = wav.pcm;
    QByteArray mono(data.size() / 4 * 2, Qt::Uninitialized);
    for (qsizetype i = 0; i + 3 < data.size(); i += 4) {
        const int l = qFromLittleEndian<qint16>(data.constData() + i);
        const int r = qFromLittleEndian<qint16>(data.constData() + i + 2);
        qToLittleEndian(qint16((l + r) / 2), mono.data() + i / 2);
    }
    return mono;
}

} // namespace onair
