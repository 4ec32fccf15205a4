#include "net/httphead.h"

#include <QUrl>

namespace onair {

namespace {
constexpr int kMaxMethod = 20;

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

} // namespace

HeadVerdict refusedHead(int status, const char *code, const QString &message)
{
    HeadVerdict v;
    v.status = status;
    v.code = code;
    v.message = message;
    return v;
}

bool looksLikeRequestStart(const QByteArray &data)
{
    const qsizetype n = qMin<qsizetype>(data.size(), kMaxMethod + 1);
    for (qsizetype i = 0; i < n; ++i) {
        const char c = data.at(i);
        if (c == ' ')
            return i > 0;
        if (!isTokenChar(c))
            return false;
    }
    return data.size() <= kMaxMethod;
}

namespace {
// The request line "METHOD target HTTP/1.x" (without CRLF): a refusal, or status 0.
HeadVerdict checkRequestLine(const QList<QByteArray> &parts)
{
    if (parts.size() != 3 || parts[0].isEmpty() || parts[0].size() > kMaxMethod || parts[1].isEmpty())
        return refusedHead(400, "bad_request", QStringLiteral("malformed request line"));
    for (char c : parts[0]) {
        if (!isTokenChar(c))
            return refusedHead(400, "bad_request", QStringLiteral("malformed request method"));
    }
    for (char c : parts[1]) {
        if (uchar(c) <= 0x20 || uchar(c) == 0x7f)
            return refusedHead(400, "bad_request", QStringLiteral("control characters in the request target"));
    }
    if (parts[1].at(0) != '/' && parts[1] != "*")
        return refusedHead(400, "bad_request", QStringLiteral("the request target must be a path"));
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0") {
        if (parts[2].startsWith("HTTP/"))
            return refusedHead(505, "http_version_not_supported", QStringLiteral("this server speaks HTTP/1.1"));
        return refusedHead(400, "bad_request", QStringLiteral("malformed HTTP version"));
    }
    return {};
}

struct HeaderState
{
    bool haveLength = false;
    bool keepAlive = false;
};

// One header line (without CRLF) read into `v`: a refusal, or status 0.
HeadVerdict readHeader(const QByteArray &line, HeadVerdict *v, HeaderState *state)
{
    if (line.at(0) == ' ' || line.at(0) == '\t')
        return refusedHead(400, "bad_request", QStringLiteral("folded header lines are not accepted"));
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return refusedHead(400, "bad_request", QStringLiteral("malformed header line"));
    const QByteArray name = line.left(colon).toLower();
    for (char c : name) {
        if (!isTokenChar(c))
            return refusedHead(400, "bad_request", QStringLiteral("malformed header name"));
    }
    const QByteArray value = line.mid(colon + 1).trimmed();
    for (char c : value) {
        if ((uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f)
            return refusedHead(400, "bad_request", QStringLiteral("control characters in a header value"));
    }
    if (name == "content-length") {
        bool ok = value.size() <= 18 && !value.isEmpty();
        for (char c : value)
            ok = ok && c >= '0' && c <= '9';
        const qint64 n = ok ? value.toLongLong() : -1;
        if (!ok || (state->haveLength && n != v->contentLength))
            return refusedHead(400, "bad_request", QStringLiteral("invalid Content-Length"));
        state->haveLength = true;
        v->contentLength = n;
    } else if (name == "transfer-encoding") {
        return refusedHead(411, "length_required",
                           QStringLiteral("send the body with a Content-Length (chunked request bodies are not accepted)"));
    } else if (name == "upgrade") {
        v->upgrade = value.toLower().contains("websocket");
    } else if (name == "origin") {
        v->origin = value;
    } else if (name == "host") {
        v->host = value;
    } else if (name == "user-agent") {
        v->userAgent = value;
    } else if (name == "authorization") {
        v->authorization = value;
    } else if (name == "range") {
        v->range = value;
    } else if (name == "connection") {
        const QByteArray tokens = value.toLower();
        v->close = v->close || tokens.contains("close");
        state->keepAlive = state->keepAlive || tokens.contains("keep-alive");
    }
    return {};
}
} // namespace

HeadVerdict checkRequestHead(const QByteArray &head, qint64 maxBody)
{
    const QList<QByteArray> lines = head.split('\n');
    if (lines.isEmpty() || !lines.first().endsWith('\r'))
        return refusedHead(400, "bad_request", QStringLiteral("malformed request line"));
    const QList<QByteArray> parts = lines.first().chopped(1).split(' ');
    if (HeadVerdict refused = checkRequestLine(parts); refused.status)
        return refused;
    HeadVerdict v;
    v.method = parts[0];
    v.target = parts[1];
    HeaderState state;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (!line.endsWith('\r')) {
            if (i == lines.size() - 1 && line.isEmpty())
                break; // after the final CRLF
            return refusedHead(400, "bad_request", QStringLiteral("header lines must end with CRLF"));
        }
        line.chop(1);
        if (line.isEmpty())
            break; // the blank line ending the head
        if (HeadVerdict refused = readHeader(line, &v, &state); refused.status)
            return refused;
    }
    if (parts[2] == "HTTP/1.0" && !state.keepAlive)
        v.close = true;
    if (v.contentLength > maxBody)
        return refusedHead(413, "body_too_large", QStringLiteral("the body is over %1 bytes").arg(maxBody));
    return v;
}

bool originAllowed(const QByteArray &origin, const QByteArray &host, const QStringList &allowed)
{
    const QString o = QString::fromLatin1(origin).toLower();
    for (const QString &a : allowed) {
        if (a == QLatin1String("*") || a.toLower() == o || a.toLower() + u'/' == o)
            return true;
    }
    const QUrl u(o, QUrl::StrictMode);
    // An origin is scheme://host[:port] and nothing else (RFC 6454): a query, fragment or
    // userinfo (even an empty one, "http://@host") is refused too (fuzz_http found
    // "http://host:port#" and "http://@host:port" taken as same-origin).
    if (!u.isValid() || u.host().isEmpty() || !u.path().isEmpty() || u.hasQuery() || u.hasFragment()
        || o.contains(u'@')
        || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https")))
        return false; // "null", file:, chrome-extension:, garbage
    const int defaultPort = u.scheme() == QLatin1String("https") ? 443 : 80;
    const QUrl h(QStringLiteral("http://") + QString::fromLatin1(host).toLower(), QUrl::StrictMode);
    if (host.isEmpty() || !h.isValid() || h.host().isEmpty() || !h.path().isEmpty())
        return false;
    // Same host and port as the request: a page this server served. The scheme is not compared,
    // so a TLS-terminating proxy in front (https origin, plain request) is still "our own".
    return h.host() == u.host() && h.port(defaultPort) == u.port(defaultPort);
}

bool isStreamedFileTarget(const QByteArray &target)
{
    const qsizetype q = target.indexOf('?');
    const QByteArray path = q < 0 ? target : target.left(q);
    return path.startsWith("/api/recordings/") && (path.endsWith(".ogg") || path.endsWith(".mp3"));
}

} // namespace onair
