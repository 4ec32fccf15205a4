#pragma once

#include <QByteArray>

namespace onair {

// An HTTP Range header (RFC 9110 §14) for a resource of `size` bytes: one range of bytes,
// "bytes=a-b", "bytes=a-" or "bytes=-n". A pure function, fuzzed (tests/fuzz/fuzz_range.cpp).
struct ByteRange
{
    enum Kind {
        Whole,         // no Range header, or one we ignore (malformed, several ranges, another unit): 200
        Partial,       // 206 with Content-Range: bytes first-last/size
        Unsatisfiable, // 416 with Content-Range: bytes */size
    };
    Kind kind = Whole;
    qint64 first = 0; // inclusive
    qint64 last = -1; // inclusive
    qint64 length() const { return last - first + 1; }
};

ByteRange parseByteRange(const QByteArray &header, qint64 size);

} // namespace onair
