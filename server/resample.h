#pragma once
#include <QByteArray>
#include <QString>

namespace onair {

// Resamples a whole buffer of mono signed 16-bit little-endian PCM from one rate to another
// with libsoxr (high quality). Returns the input when the rates are equal, and an empty array
// with *error set when a rate is outside 8000-384000 Hz or soxr fails.
QByteArray resampleMonoS16(const QByteArray &pcm, int fromRate, int toRate, QString *error);

} // namespace onair
