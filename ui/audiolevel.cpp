#include "audiolevel.h"

#include <QtEndian>

#include <cmath>
#include <cstring>

namespace onair {

AudioLevel measureS16(const QByteArray &samples)
{
    const qsizetype n = samples.size() / 2;
    if (n == 0)
        return {};
    double sumSquares = 0;
    int peak = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const int v = qFromLittleEndian<qint16>(samples.constData() + 2 * i);
        peak = std::max(peak, std::abs(v));
        sumSquares += double(v) * double(v);
    }
    auto db = [](double x) { return x <= 0 ? -120.0 : std::max(-120.0, 20.0 * std::log10(x)); };
    return {db(peak / 32768.0), db(std::sqrt(sumSquares / double(n)) / 32768.0)};
}

} // namespace onair
