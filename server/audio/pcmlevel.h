#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <cmath>

namespace onair {

// Root mean square of 16-bit PCM samples (0 for none), in sample units.
inline double pcmRms(const QByteArray &pcm)
{
    const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
    const qsizetype n = pcm.size() / 2;
    double sum = 0;
    for (qsizetype i = 0; i < n; ++i)
        sum += double(s[i]) * s[i];
    return n ? std::sqrt(sum / double(n)) : 0;
}

} // namespace onair
