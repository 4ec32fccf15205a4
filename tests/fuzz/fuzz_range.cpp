// The Range header of a recording's download (GET /api/recordings/{id}.ogg): parseByteRange on
// the input's bytes after the first two, for a file whose size the first two bytes give
// (0 … 65535, so empty files and ranges past the end come up).
//
// Invariants: a Partial range lies inside the file (0 ≤ first ≤ last < size) and its length is
// at least 1; Whole is [0, size − 1]; Unsatisfiable only when the header starts with "bytes=".
#include "fuzzcheck.h"

#include "net/byterange.h"

#include <cstddef>
#include <cstdint>

using namespace onair;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const qint64 fileSize = qint64(data[0]) << 8 | data[1];
    const QByteArray header(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const ByteRange r = parseByteRange(header, fileSize);
    switch (r.kind) {
    case ByteRange::Partial:
        FUZZ_CHECK(r.first >= 0 && r.first <= r.last && r.last < fileSize && r.length() >= 1);
        break;
    case ByteRange::Whole:
        FUZZ_CHECK(r.first == 0 && r.last == fileSize - 1);
        break;
    case ByteRange::Unsatisfiable:
        FUZZ_CHECK(header.trimmed().startsWith("bytes="));
        break;
    }
    return 0;
}
