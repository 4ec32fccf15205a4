#include "net/byterange.h"

#include <limits>

namespace onair {

namespace {
// Decimal digits only (no sign, no spaces inside), at most 18 of them: no overflow.
bool parseDigits(const QByteArray &s, qint64 *out)
{
    if (s.isEmpty() || s.size() > 18)
        return false;
    qint64 v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
}
} // namespace

ByteRange parseByteRange(const QByteArray &header, qint64 size)
{
    ByteRange whole;
    whole.first = 0;
    whole.last = size - 1;
    const QByteArray h = header.trimmed();
    if (!h.startsWith("bytes="))
        return whole; // absent, or a unit we do not know: the whole resource
    const QByteArray spec = h.mid(6).trimmed();
    if (spec.contains(','))
        return whole; // several ranges: allowed to answer with the whole resource
    const int dash = spec.indexOf('-');
    if (dash < 0)
        return whole;
    const QByteArray a = spec.left(dash).trimmed();
    const QByteArray b = spec.mid(dash + 1).trimmed();
    ByteRange r;
    r.kind = ByteRange::Partial;
    if (a.isEmpty()) { // "-n": the last n bytes
        qint64 n = 0;
        if (!parseDigits(b, &n))
            return whole;
        if (n == 0 || size == 0)
            return ByteRange{ByteRange::Unsatisfiable, 0, -1};
        r.first = n >= size ? 0 : size - n;
        r.last = size - 1;
        return r;
    }
    qint64 first = 0;
    qint64 last = std::numeric_limits<qint64>::max();
    if (!parseDigits(a, &first) || (!b.isEmpty() && !parseDigits(b, &last)) || last < first)
        return whole; // malformed: ignored, as RFC 9110 allows
    if (first >= size)
        return ByteRange{ByteRange::Unsatisfiable, 0, -1};
    r.first = first;
    r.last = last >= size ? size - 1 : last;
    return r;
}

} // namespace onair
