#include "audio/resample.h"

#include <soxr.h>

namespace onair {

bool StreamResampler::open(double from, double to, ResampleQuality quality)
{
    reset();
    if (from == to)
        return true;
    soxr_error_t err = nullptr;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
    const soxr_quality_spec_t q = soxr_quality_spec(quality == ResampleQuality::High ? SOXR_HQ : SOXR_MQ, 0);
    m_soxr = soxr_create(from, to, 1, &err, &io, &q, nullptr);
    m_ratio = to / from;
    if (err)
        reset();
    return m_soxr != nullptr;
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
    return run(in.constData(), size_t(in.size() / 2));
}

QByteArray StreamResampler::flush()
{
    return m_soxr ? run(nullptr, 0) : QByteArray();
}

QByteArray StreamResampler::run(const char *in, size_t inLen)
{
    QByteArray out;
    size_t offset = 0;
    do { // soxr may take less than all the input (or hold back output) when its output is full: go on
        const size_t left = inLen - offset;
        const size_t cap = size_t(double(left) * m_ratio) + 256;
        QByteArray chunk(qsizetype(cap * 2), Qt::Uninitialized);
        size_t used = 0, done = 0;
        soxr_process(m_soxr, in ? in + offset * 2 : nullptr, left, &used, chunk.data(), cap, &done);
        chunk.resize(qsizetype(done * 2));
        out += chunk;
        offset += used;
        if (done < cap && (in == nullptr || (used == 0 && done == 0)))
            break; // flushed all it holds, or stuck
    } while (in == nullptr || offset < inLen);
    return out;
}

QByteArray resampleMonoS16(const QByteArray &pcm, int fromRate, int toRate, QString *error, ResampleQuality quality)
{
    auto valid = [](int r) { return r >= 8000 && r <= 384000; };
    if (!valid(fromRate) || !valid(toRate)) {
        *error = QStringLiteral("sample rate %1 Hz is outside 8000-384000 Hz").arg(valid(fromRate) ? toRate : fromRate);
        return {};
    }
    if (fromRate == toRate || pcm.isEmpty())
        return pcm;
    StreamResampler r;
    if (!r.open(fromRate, toRate, quality)) {
        *error = QStringLiteral("resampling failed: soxr would not start");
        return {};
    }
    QByteArray out = r.process(pcm);
    out += r.flush(); // after the input: operands of + are unsequenced
    return out;
}

} // namespace onair
