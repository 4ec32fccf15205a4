#pragma once
#include <QByteArray>
#include <QString>

typedef struct soxr *soxr_t;

namespace onair {

// Resamples a whole buffer of mono signed 16-bit little-endian PCM from one rate to another
// with libsoxr (high quality). Returns the input when the rates are equal, and an empty array
// with *error set when a rate is outside 8000-384000 Hz or soxr fails.
QByteArray resampleMonoS16(const QByteArray &pcm, int fromRate, int toRate, QString *error);

// The same for a stream of chunks (soxr keeps its filter state between them): mono s16,
// medium quality, passthrough when the rates are equal.
class StreamResampler final
{
public:
    StreamResampler() = default;
    ~StreamResampler() { reset(); }
    Q_DISABLE_COPY_MOVE(StreamResampler)

    bool open(double from, double to);
    void reset();
    QByteArray process(const QByteArray &in);

private:
    soxr_t m_soxr = nullptr;
    double m_ratio = 1;
};

} // namespace onair
