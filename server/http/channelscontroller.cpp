// /api/streams/{id}/channels…: the language channels of a stream, who is on each, and what
// each falls back to (docs/interpretation.md "Human interpreters").
#include "http/controllers.h"

#include "channels/languagechannels.h"
#include "http/restsupport.h"
#include "http/servercontext.h"
#include "protocol/streamid.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>

namespace onair {

namespace {
using Method = QHttpServerRequest::Method;

QHttpServerResponse notRunning()
{
    return restError(HttpStatus::ServiceUnavailable, QStringLiteral("not_running"), QStringLiteral("the engine is not running"));
}

// The channel "<stream>~<lang>" of a request, or the 400 that says why not.
std::optional<QHttpServerResponse> channelOf(const QString &stream, const QString &lang, QString *channel)
{
    if (const QString e = streamIdError(stream); !e.isEmpty())
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_stream_id"),
                         stream.contains(u'~') ? QStringLiteral("a channel of a channel is not a stream") : e);
    if (const QString e = languageCodeError(lang); !e.isEmpty())
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_language"), e);
    *channel = translatedStreamId(stream, lang);
    return std::nullopt;
}

QHttpServerResponse listChannels(const QString &stream, const QHttpServerRequest &req, ServerContext *ctx,
                                 const RestGuard &guard)
{
    if (auto denied = guard.requireListenerAccess(guard.callerOf(req)))
        return std::move(*denied);
    if (const QString e = streamIdError(stream); !e.isEmpty())
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_stream_id"), e);
    LanguageChannels *channels = ctx->languageChannels();
    if (!channels)
        return notRunning();
    return QHttpServerResponse(QJsonObject{{QStringLiteral("stream_id"), stream},
                                           {QStringLiteral("channels"), channels->json(stream)}});
}

QHttpServerResponse putChannel(const QString &stream, const QString &lang, const QHttpServerRequest &req,
                               ServerContext *ctx, const RestGuard &guard)
{
    Caller caller;
    QJsonObject body;
    if (auto denied = guard.adminJson(req, &caller, &body))
        return std::move(*denied);
    QString channel;
    if (auto bad = channelOf(stream, lang, &channel))
        return std::move(*bad);
    const QJsonValue fallback = body.value(QLatin1String("fallback"));
    if (!fallback.isUndefined() && !LanguageChannels::isFallbackName(fallback.toString()))
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_fallback"),
                         QStringLiteral("'fallback' must be \"machine\", \"original\" or \"silence\""));
    LanguageChannels *channels = ctx->languageChannels();
    if (!channels)
        return notRunning();
    QString error;
    if (!channels->setFallback(channel, fallback.isUndefined() ? QStringLiteral("machine") : fallback.toString(), &error))
        return storeFailure(QStringLiteral("channel %1").arg(channel), error);
    for (const QJsonValue &c : channels->json(stream))
        if (c.toObject().value(QLatin1String("stream_id")).toString() == channel)
            return QHttpServerResponse(c.toObject());
    return QHttpServerResponse(QJsonObject{{QStringLiteral("stream_id"), channel}});
}

QHttpServerResponse deleteChannel(const QString &stream, const QString &lang, const QHttpServerRequest &req,
                                  ServerContext *ctx, const RestGuard &guard)
{
    if (auto denied = guard.requireAdmin(req, guard.callerOf(req)))
        return std::move(*denied);
    QString channel;
    if (auto bad = channelOf(stream, lang, &channel))
        return std::move(*bad);
    LanguageChannels *channels = ctx->languageChannels();
    if (!channels)
        return notRunning();
    QString error;
    if (!channels->forget(channel, &error))
        return storeFailure(QStringLiteral("channel %1").arg(channel), error);
    return QHttpServerResponse(QJsonObject{{QStringLiteral("stream_id"), channel}, {QStringLiteral("declared"), false}});
}
} // namespace

void installChannelRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard)
{
    http->route(QStringLiteral("/api/streams/<arg>/channels"), Method::Get,
                [=](const QString &s, const QHttpServerRequest &req) { return listChannels(s, req, ctx, *guard); });
    http->route(QStringLiteral("/api/streams/<arg>/channels/<arg>"), Method::Put,
                [=](const QString &s, const QString &l, const QHttpServerRequest &req) { return putChannel(s, l, req, ctx, *guard); });
    http->route(QStringLiteral("/api/streams/<arg>/channels/<arg>"), Method::Delete,
                [=](const QString &s, const QString &l, const QHttpServerRequest &req) { return deleteChannel(s, l, req, ctx, *guard); });
}

} // namespace onair
