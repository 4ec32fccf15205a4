#pragma once
#include <QByteArray>
#include <QString>

typedef struct soxr *soxr_t;

namespace onair {

enum class ResampleQuality { Medium, High };

// The one resampler (libsoxr): a stream of chunks of mono signed 16-bit little-endian PCM,
// soxr keeping its filter state between them; passthrough when the rates are equal.
class StreamResampler final
{
public:
    StreamResampler() = default;
    ~StreamResampler() { reset(); }
    Q_DISABLE_COPY_MOVE(StreamResampler)

    bool open(double from, double to, ResampleQuality quality = ResampleQuality::Medium);
    void reset();
    QByteArray process(const QByteArray &in);
    // The end of the stream: what soxr still holds (its filter's delay).
    QByteArray flush();

private:
    QByteArray run(const char *in, size_t inLen);
    soxr_t m_soxr = nullptr;
    double m_ratio = 1;
};

// A whole buffer at once, through the same resampler (high quality unless told). Returns the
// input when the rates are equal, and an empty array with *error set when a rate is outside
// 8000-384000 Hz or soxr fails.
QByteArray resampleMonoS16(const QByteArray &pcm, int fromRate, int toRate, QString *error,
                           ResampleQuality quality = ResampleQuality::High);

} // namespace onair
