#include "audio/resample.h"

#include <soxr.h>

namespace onair {

QByteArray resampleMonoS16(const QByteArray &pcm, int fromRate, int toRate, QString *error)
{
    auto valid = [](int r) { return r >= 8000 && r <= 384000; };
    if (!valid(fromRate) || !valid(toRate)) {
        *error = QStringLiteral("sample rate %1 Hz is outside 8000-384000 Hz").arg(valid(fromRate) ? toRate : fromRate);
        return {};
    }
    if (fromRate == toRate || pcm.isEmpty())
        return pcm;
    const size_t inLen = size_t(pcm.size() / 2);
    const size_t outCap = size_t(double(inLen) * toRate / fromRate) + 16;
    QByteArray out(qsizetype(outCap * 2), Qt::Uninitialized);
    size_t done = 0;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
    const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    if (const soxr_error_t err = soxr_oneshot(fromRate, toRate, 1, pcm.constData(), inLen, nullptr, out.data(),
                                              outCap, &done, &io, &q, nullptr)) {
        *error = QStringLiteral("resampling failed: %1").arg(QString::fromLatin1(err));
        return {};
    }
    out.resize(qsizetype(done * 2));
    return out;
}

} // namespace onair

namespace onair {

bool StreamResampler::open(double from, double to)
{
    reset();
    if (from == to)
        return true;
    soxr_error_t err = nullptr;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
    const soxr_quality_spec_t q = soxr_quality_spec(SOXR_MQ, 0);
    m_soxr = soxr_create(from, to, 1, &err, &io, &q, nullptr);
    m_ratio = to / from;
    return m_soxr && !err;
}

void StreamResampler::reset()
{
    if (m_soxr)
        soxr_delete(m_soxr);
    m_soxr = nullptr;
}

QByteArray StreamResampler::process(const QByteArray &in)
{
    if (!m_soxr)
        return in;
    const size_t inLen = size_t(in.size() / 2);
    QByteArray out;
    size_t offset = 0;
    do { // soxr may take less than all the input when its output is full: go on
        const size_t left = inLen - offset;
        const size_t cap = size_t(double(left) * m_ratio) + 256;
        QByteArray chunk(qsizetype(cap * 2), Qt::Uninitialized);
        size_t used = 0, done = 0;
        soxr_process(m_soxr, in.constData() + offset * 2, left, &used, chunk.data(), cap, &done);
        chunk.resize(qsizetype(done * 2));
        out += chunk;
        offset += used;
        if (used == 0 && done == 0)
            break;
    } while (offset < inLen);
    return out;
}

} // namespace onair
