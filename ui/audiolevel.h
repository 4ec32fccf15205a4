#pragma once

#include <QByteArray>

namespace onair {

// Peak and RMS of a block of s16le samples, in dBFS (-120 for silence).
struct AudioLevel
{
    double peakDb = -120;
    double rmsDb = -120;
};
AudioLevel measureS16(const QByteArray &samples);

} // namespace onair
