#include "http/controllers.h"

#include "banners/bannerservice.h"
#include "banners/store.h"
#include "fanout/hub.h"
#include "http/restsupport.h"
#include "http/servercontext.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QUuid>

namespace onair {

namespace {
using Method = QHttpServerRequest::Method;
using Guard = std::shared_ptr<const RestGuard>;

QHttpServerResponse createBroadcast(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    Caller caller;
    QJsonObject body;
    if (auto refused = guard.adminJson(req, &caller, &body))
        return std::move(*refused);
    BannerService::Input in;
    QString message;
    const QString code = ctx->banners()->validate(body, &in, &message);
    if (!code.isEmpty()) {
        QJsonObject extra;
        if (code == QLatin1String("message_too_long") || code == QLatin1String("empty_message"))
            extra.insert(QStringLiteral("max_characters"), BannerService::kMaxCharacters);
        if (code == QLatin1String("unknown_field"))
            extra.insert(QStringLiteral("accepted"), QJsonArray::fromStringList(bannerRequestFields()));
        return restError(HttpStatus::BadRequest, code, message, extra);
    }
    QString err;
    const std::optional<Banner> b = ctx->banners()->create(in, caller.identity, &err);
    if (!b)
        return storeFailure(QStringLiteral("creating the broadcast"), err);
    return QHttpServerResponse(b->toRest(), HttpStatus::Created);
}

QHttpServerResponse listBroadcasts(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    if (auto denied = guard.requireAdmin(req, guard.callerOf(req)))
        return std::move(*denied);
    const QString limitText = req.query().queryItemValue(QStringLiteral("limit"));
    bool ok = true;
    const int limit = limitText.isEmpty() ? 20 : limitText.toInt(&ok);
    if (!ok || limit < 1 || limit > 500)
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_limit"), QStringLiteral("limit must be 1-500"));
    QString err;
    const auto list = ctx->store()->history(limit, &err);
    if (!list)
        return storeFailure(QStringLiteral("reading the history"), err);
    QJsonArray out;
    for (const Banner &b : *list)
        out.append(b.toRest());
    return QHttpServerResponse(QJsonObject{{QStringLiteral("broadcasts"), out}});
}

QHttpServerResponse clearBroadcast(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    const Caller caller = guard.callerOf(req);
    if (auto denied = guard.requireAdmin(req, caller))
        return std::move(*denied);
    bool cleared = false;
    QString err;
    if (!ctx->banners()->clear(caller.identity, &cleared, &err))
        return storeFailure(QStringLiteral("clearing the broadcast"), err);
    return QHttpServerResponse(QJsonObject{{QStringLiteral("cleared"), cleared}});
}

QHttpServerResponse activeBroadcast(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    const Caller caller = guard.callerOf(req);
    if (auto denied = guard.requireListenerAccess(caller))
        return std::move(*denied);
    const std::optional<Banner> b = ctx->banners()->activeFor(caller.identity);
    if (!b)
        return QHttpServerResponse(QByteArrayLiteral("application/json"), QByteArrayLiteral("null"));
    return QHttpServerResponse(b->toRest());
}

QHttpServerResponse broadcastLimits(ServerContext *ctx)
{
    return QHttpServerResponse(QJsonObject{
        {QStringLiteral("max_characters"), BannerService::kMaxCharacters},
        {QStringLiteral("recommended_length"), BannerService::kRecommendedLength},
        {QStringLiteral("current_active_broadcasts"), ctx->banners()->active() ? 1 : 0},
        {QStringLiteral("min_expires_in"), ctx->banners()->limits().minExpiryS},
        {QStringLiteral("max_expires_in"), ctx->banners()->limits().maxExpiryS},
        {QStringLiteral("max_schedule_ahead"), ctx->banners()->limits().maxScheduleAheadS},
        {QStringLiteral("types"), QJsonArray{QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("alert")}}});
}

QHttpServerResponse broadcastStats(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    if (auto denied = guard.requireAdmin(req, guard.callerOf(req)))
        return std::move(*denied);
    QString err;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto today = ctx->store()->countCreatedSince(QDateTime(now.date(), QTime(0, 0), Qt::UTC), &err);
    if (!today)
        return storeFailure(QStringLiteral("reading the statistics"), err);
    BannerService *banners = ctx->banners();
    const std::optional<Banner> active = banners->active();
    return QHttpServerResponse(QJsonObject{
        {QStringLiteral("broadcasts_today"), *today},
        {QStringLiteral("has_active_broadcast"), active.has_value()},
        {QStringLiteral("active_broadcast_id"), active ? QJsonValue(active->id) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("connected_clients"), ctx->hub()->connections()},
        {QStringLiteral("acknowledged"), banners->acknowledgedCount()},
        {QStringLiteral("scope"), QStringLiteral("this replica")}});
}

QHttpServerResponse acknowledgeBroadcast(const QString &id, const QHttpServerRequest &req, ServerContext *ctx,
                                         const RestGuard &guard)
{
    const Caller caller = guard.callerOf(req);
    if (auto denied = guard.requireListenerAccess(caller))
        return std::move(*denied);
    if (caller.identity.isEmpty())
        return restError(HttpStatus::BadRequest, QStringLiteral("missing_identity"),
                         QStringLiteral("send a token or an X-Client-Id header ([A-Za-z0-9._-], 1-64)"));
    const auto notFound = [] {
        return restError(HttpStatus::NotFound, QStringLiteral("not_found"), QStringLiteral("no broadcast with that id"));
    };
    if (QUuid::fromString(id).isNull())
        return notFound();
    QString err;
    switch (ctx->banners()->acknowledge(id, caller.identity, &err)) {
    case BannerService::AckResult::NotFound:
        return notFound();
    case BannerService::AckResult::Failed:
        return storeFailure(QStringLiteral("storing the acknowledgement"), err);
    case BannerService::AckResult::Acknowledged:
        break;
    }
    return QHttpServerResponse(QJsonObject{{QStringLiteral("acknowledged"), true}, {QStringLiteral("broadcast_id"), id}});
}

QHttpServerResponse notFoundBroadcast(const QString &what)
{
    return restError(HttpStatus::NotFound, QStringLiteral("not_found"), what);
}

QHttpServerResponse scheduledBroadcasts(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    if (auto denied = guard.requireAdmin(req, guard.callerOf(req)))
        return std::move(*denied);
    QString err;
    const auto list = ctx->store()->scheduledBanners(&err); // the store: every replica's
    if (!list)
        return storeFailure(QStringLiteral("reading the scheduled broadcasts"), err);
    QJsonArray out;
    for (const Banner &b : *list)
        out.append(b.toRest());
    return QHttpServerResponse(QJsonObject{{QStringLiteral("broadcasts"), out}});
}

QHttpServerResponse cancelScheduled(const QString &id, const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    const Caller caller = guard.callerOf(req);
    if (auto denied = guard.requireAdmin(req, caller))
        return std::move(*denied);
    if (QUuid::fromString(id).isNull())
        return notFoundBroadcast(QStringLiteral("no scheduled broadcast with that id"));
    QString err;
    switch (ctx->banners()->cancelScheduled(id, caller.identity, &err)) {
    case BannerService::Outcome::Done:
        break;
    case BannerService::Outcome::Failed:
        return storeFailure(QStringLiteral("cancelling the broadcast"), err);
    default:
        return notFoundBroadcast(QStringLiteral("no scheduled broadcast with that id (already shown, cancelled or unknown)"));
    }
    return QHttpServerResponse(QJsonObject{{QStringLiteral("cancelled"), true}, {QStringLiteral("broadcast_id"), id}});
}

QHttpServerResponse broadcastReceipts(const QString &id, const QHttpServerRequest &req, ServerContext *ctx,
                                      const RestGuard &guard)
{
    if (auto denied = guard.requireAdmin(req, guard.callerOf(req)))
        return std::move(*denied);
    const std::optional<QJsonObject> r = ctx->banners()->receipts(id);
    if (!r)
        return notFoundBroadcast(QStringLiteral("receipts are kept for the active broadcast only"));
    return QHttpServerResponse(*r);
}

QHttpServerResponse repeatBroadcast(const QString &id, const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    const Caller caller = guard.callerOf(req);
    if (auto denied = guard.requireAdmin(req, caller))
        return std::move(*denied);
    if (ctx->banners()->repeat(id, caller.identity) != BannerService::Outcome::Done)
        return restError(HttpStatus::Conflict, QStringLiteral("not_active"),
                         QStringLiteral("only the active broadcast can be sent again"));
    return QHttpServerResponse(QJsonObject{{QStringLiteral("repeated"), true}, {QStringLiteral("broadcast_id"), id}});
}
} // namespace

void installBroadcastRoutes(QHttpServer *http, ServerContext *ctx, const Guard &guard)
{
    http->route(QStringLiteral("/api/broadcasts"), Method::Post,
                [=](const QHttpServerRequest &req) { return createBroadcast(req, ctx, *guard); });
    http->route(QStringLiteral("/api/broadcasts"), Method::Get,
                [=](const QHttpServerRequest &req) { return listBroadcasts(req, ctx, *guard); });
    http->route(QStringLiteral("/api/broadcasts/clear"), Method::Post,
                [=](const QHttpServerRequest &req) { return clearBroadcast(req, ctx, *guard); });
    http->route(QStringLiteral("/api/broadcasts/active"), Method::Get,
                [=](const QHttpServerRequest &req) { return activeBroadcast(req, ctx, *guard); });
    http->route(QStringLiteral("/api/broadcasts/limits"), Method::Get, [=] { return broadcastLimits(ctx); });
    http->route(QStringLiteral("/api/broadcasts/stats"), Method::Get,
                [=](const QHttpServerRequest &req) { return broadcastStats(req, ctx, *guard); });
    http->route(QStringLiteral("/api/broadcasts/scheduled"), Method::Get,
                [=](const QHttpServerRequest &req) { return scheduledBroadcasts(req, ctx, *guard); });
    http->route(QStringLiteral("/api/broadcasts/scheduled/<arg>"), Method::Delete,
                [=](const QString &id, const QHttpServerRequest &req) { return cancelScheduled(id, req, ctx, *guard); });
    http->route(QStringLiteral("/api/broadcasts/<arg>/receipts"), Method::Get,
                [=](const QString &id, const QHttpServerRequest &req) { return broadcastReceipts(id, req, ctx, *guard); });
    http->route(QStringLiteral("/api/broadcasts/<arg>/repeat"), Method::Post,
                [=](const QString &id, const QHttpServerRequest &req) { return repeatBroadcast(id, req, ctx, *guard); });
    http->route(QStringLiteral("/api/broadcasts/<arg>/ack"), Method::Post,
                [=](const QString &id, const QHttpServerRequest &req) { return acknowledgeBroadcast(id, req, ctx, *guard); });
}

} // namespace onair
