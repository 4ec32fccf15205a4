// Stream ids, topic names and WebSocket routes: streamIdError, topicError, and parseWsRoute on
// the percent-decoded path of a request URL (as FanoutWorker does with
// QWebSocket::requestUrl().path(QUrl::FullyDecoded)), plus the client_id / token query items.
//
// Invariants: streamIdError agrees with an independent reference (1–64 of [A-Za-z0-9._-],
// not "." or ".."); a valid id routes to Speak / Listen with the same id, and is a valid topic
// id ("stream:<id>"); an Invalid route carries a reason and at most 64 characters of id;
// topicError agrees with its reference (the four names, or [a-z_]{1,32} ":" <stream id>).
#include "fuzzcheck.h"

#include "streaming/playerhttp.h"
#include "streaming/playerroute.h"
#include "protocol/streamid.h"
#include "protocol/topics.h"
#include "protocol/wsroute.h"

#include <QLocale>
#include <QUrl>
#include <QUrlQuery>

#include <cctype>

#include <cstddef>
#include <cstdint>

using namespace onair;

namespace {
bool refStreamId(QStringView id)
{
    if (id.isEmpty() || id.size() > 64 || id == u"." || id == u"..")
        return false;
    for (QChar c : id) {
        const char16_t u = c.unicode();
        if (!(u < 128 && (std::isalnum(int(u)) || u == '.' || u == '_' || u == '-')))
            return false;
    }
    return true;
}

// A stream id, or a language channel "<id>~<lang>" (lang: 2-3 of a-z, a known ISO 639 code).
bool refListenable(QStringView id)
{
    if (refStreamId(id))
        return true;
    const qsizetype tilde = id.indexOf(u'~');
    if (tilde < 1)
        return false;
    const QStringView lang = id.mid(tilde + 1);
    if (lang.size() < 2 || lang.size() > 3)
        return false;
    for (QChar c : lang)
        if (c.unicode() < 'a' || c.unicode() > 'z')
            return false;
    // A language Qt's locale database knows (ISO 639): "xx" is none.
    return QLocale::codeToLanguage(lang) != QLocale::AnyLanguage && refStreamId(id.left(tilde));
}

bool refTopic(const QString &t)
{
    if (t == QLatin1String("all") || t == QLatin1String("streams") || t == QLatin1String("file_events")
        || t == QLatin1String("all_conversations"))
        return true;
    const qsizetype colon = t.indexOf(u':');
    if (colon < 1 || colon > 32)
        return false;
    for (qsizetype i = 0; i < colon; ++i) {
        const char16_t u = t.at(i).unicode();
        if (!((u >= 'a' && u <= 'z') || u == '_'))
            return false;
    }
    return refListenable(QStringView(t).mid(colon + 1));
}

// /stream/{id}.ogg|.mp3|.m3u (the acceptor's players): a route names a listenable id and its
// format, and building the path back gives the same path; the playlist names both streams.
void checkPlayerRoute(const QString &path)
{
    const PlayerRoute r = parsePlayerRoute(path);
    switch (r.kind) {
    case PlayerRoute::NotPlayer:
        FUZZ_CHECK(!path.startsWith(QLatin1String("/stream/")));
        break;
    case PlayerRoute::Invalid:
        FUZZ_CHECK(path.startsWith(QLatin1String("/stream/")) && !r.error.isEmpty() && r.streamId.isEmpty());
        break;
    case PlayerRoute::Ogg:
    case PlayerRoute::Mp3:
    case PlayerRoute::Playlist: {
        FUZZ_CHECK(refListenable(r.streamId) && r.error.isEmpty());
        FUZZ_CHECK(playerPath(r.streamId, r.kind) == path);
        const QByteArray m3u = playerPlaylist(r.streamId, QStringLiteral("http://h:1"), QString());
        FUZZ_CHECK(m3u.startsWith("#EXTM3U\n") && m3u.count('\n') == 5);
        break;
    }
    }
}

void checkRoute(const QString &path)
{
    checkPlayerRoute(path);
    const WsRoute r = parseWsRoute(path);
    switch (r.kind) {
    case WsRoute::Legacy:
        FUZZ_CHECK(path == QLatin1String("/ws"));
        break;
    case WsRoute::Events:
        FUZZ_CHECK(path == QLatin1String("/ws/events"));
        break;
    case WsRoute::Speak:
    case WsRoute::Listen:
        FUZZ_CHECK(refListenable(r.streamId) && r.error.isEmpty()); // an interpreter speaks on a channel (issue 21)
        FUZZ_CHECK(path == (r.kind == WsRoute::Speak ? QStringLiteral("/ws/speak/") : QStringLiteral("/ws/listen/")) + r.streamId);
        break;
    case WsRoute::Invalid:
        FUZZ_CHECK(!r.error.isEmpty() && r.streamId.size() <= 64);
        FUZZ_CHECK(path.startsWith(QLatin1String("/ws/speak/")) || path.startsWith(QLatin1String("/ws/listen/")));
        break;
    case WsRoute::Unknown:
        FUZZ_CHECK(!path.startsWith(QLatin1String("/ws/speak/")) && !path.startsWith(QLatin1String("/ws/listen/")));
        break;
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString s = QString::fromUtf8(raw);

    // The input as a stream id, a topic and a client id.
    const bool valid = isValidStreamId(s);
    FUZZ_CHECK(valid == refStreamId(s));
    FUZZ_CHECK(valid == streamIdError(s).isEmpty());
    FUZZ_CHECK(isValidTopic(s) == refTopic(s));
    FUZZ_CHECK(listenableStreamIdError(s).isEmpty() == refListenable(s));
    QString base, lang;
    if (parseTranslatedStreamId(s, &base, &lang)) {
        FUZZ_CHECK(!valid && refListenable(s) && translatedStreamId(base, lang) == s);
        const WsRoute sp = parseWsRoute(QStringLiteral("/ws/speak/") + s);
        FUZZ_CHECK(sp.kind == WsRoute::Speak && sp.streamId == s); // interpreters speak on channels
    }
    if (refListenable(s)) {
        const PlayerRoute p = parsePlayerRoute(QStringLiteral("/stream/") + s + QStringLiteral(".mp3"));
        FUZZ_CHECK(p.kind == PlayerRoute::Mp3 && p.streamId == s);
    }
    checkPlayerRoute(QStringLiteral("/stream/") + s);
    if (valid) {
        FUZZ_CHECK(isValidTopic(QStringLiteral("stream:") + s));
        const WsRoute l = parseWsRoute(QStringLiteral("/ws/listen/") + s);
        FUZZ_CHECK(l.kind == WsRoute::Listen && l.streamId == s);
        const WsRoute sp = parseWsRoute(QStringLiteral("/ws/speak/") + s);
        FUZZ_CHECK(sp.kind == WsRoute::Speak && sp.streamId == s);
    }
    if (isValidTopic(s))
        FUZZ_CHECK(!topicError(s).size());
    else
        FUZZ_CHECK(!topicError(s).isEmpty());

    // The input as the path and query of a WebSocket request URL.
    checkRoute(s);
    const QUrl url(QStringLiteral("ws://127.0.0.1:8765") + (s.startsWith(u'/') ? s : QStringLiteral("/ws/listen/") + s));
    if (url.isValid()) {
        checkRoute(url.path(QUrl::FullyDecoded));
        const QUrlQuery query(url);
        const QString clientId = query.queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded);
        FUZZ_CHECK(isValidStreamId(clientId) == refStreamId(clientId));
        (void)query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
    }
    return 0;
}
