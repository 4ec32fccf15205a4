// The acceptor's reading of a connection's first bytes (server/net/httphead.cpp): the request
// head check (checkRequestHead: request line, header syntax, Content-Length, no
// Transfer-Encoding), the WebSocket Origin check (originAllowed) and the early "is this HTTP at
// all" test (looksLikeRequestStart). The input is a request head as a client sends it.
//
// Invariants: a refusal is one of 400/411/413/505 with a code and message; an accepted head
// has 0 ≤ Content-Length ≤ the limit and passes looksLikeRequestStart; adding
// "Transfer-Encoding: chunked" to an accepted head gets 411; looksLikeRequestStart never
// turns from false to true as more bytes arrive; "*" and an exact listed origin are allowed,
// an origin with a path or of another scheme is not (without a list).
#include "fuzzcheck.h"

#include "net/httphead.h"

#include <cstddef>
#include <cstdint>

using namespace onair;

namespace {
constexpr qint64 kMaxBody = 16 * 1024;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray head(reinterpret_cast<const char *>(data), qsizetype(size));

    // Bytes arrive in pieces: once not HTTP, never HTTP again.
    const bool looks = looksLikeRequestStart(head);
    for (qsizetype cut : {qsizetype(0), head.size() / 2, head.size() - 1}) {
        if (cut >= 0 && cut <= head.size() && !looksLikeRequestStart(head.left(cut)))
            FUZZ_CHECK(!looks);
    }

    // The acceptor checks a head once its blank line is in: up to and including "\r\n\r\n".
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0)
        return 0;
    const QByteArray complete = head.left(end + 4);
    const HeadVerdict v = checkRequestHead(complete, kMaxBody);
    if (v.status != 0) {
        FUZZ_CHECK(v.status == 400 || v.status == 411 || v.status == 413 || v.status == 505);
        FUZZ_CHECK(!v.code.isEmpty() && !v.message.isEmpty());
        return 0;
    }
    FUZZ_CHECK(v.code.isEmpty());
    FUZZ_CHECK(v.contentLength >= 0 && v.contentLength <= kMaxBody);
    FUZZ_CHECK(looksLikeRequestStart(complete) && looks);

    // The same head with a Transfer-Encoding header right after the request line: 411.
    const qsizetype eol = complete.indexOf('\n');
    FUZZ_CHECK(eol > 0);
    const QByteArray chunked = complete.left(eol + 1) + "Transfer-Encoding: chunked\r\n" + complete.mid(eol + 1);
    FUZZ_CHECK(checkRequestHead(chunked, kMaxBody).status == 411);
    // A smaller body limit than the declared length: 413.
    if (v.contentLength > 0)
        FUZZ_CHECK(checkRequestHead(complete, v.contentLength - 1).status == 413);

    // The Origin check on what the head carried.
    FUZZ_CHECK(originAllowed(v.origin, v.host, {QStringLiteral("*")}));
    if (!v.origin.isEmpty())
        FUZZ_CHECK(originAllowed(v.origin, v.host, {QString::fromLatin1(v.origin)}));
    if (originAllowed(v.origin, v.host, {})) {
        const QString o = QString::fromLatin1(v.origin).toLower();
        FUZZ_CHECK(o.startsWith(QLatin1String("http://")) || o.startsWith(QLatin1String("https://")));
        FUZZ_CHECK(!v.host.isEmpty());
        FUZZ_CHECK(!o.contains(u'?') && !o.contains(u'#') && !o.mid(o.indexOf(u':') + 3).contains(u'@'));
        FUZZ_CHECK(!originAllowed(v.origin + "/x", v.host, {}));
        FUZZ_CHECK(!originAllowed("file" + v.origin.mid(v.origin.indexOf(':')), v.host, {}));
    }
    return 0;
}
