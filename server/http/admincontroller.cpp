#include "http/controllers.h"

#include "history/topicevent.h"

#include "banners/store.h"
#include "cluster/redisbus.h"
#include "fanout/hub.h"
#include "http/restsupport.h"
#include "http/servercontext.h"

#include <QHttpServer>
#include <QHttpServerRequest>

#include <algorithm>

namespace onair {

namespace {
using Method = QHttpServerRequest::Method;

QHttpServerResponse noConnection()
{
    return restError(HttpStatus::NotFound, QStringLiteral("not_found"), QStringLiteral("no open connection with that id"));
}

void audit(ServerContext *ctx, const Caller &caller, const QString &action, const QString &detail)
{
    QString err;
    ctx->store()->audit(caller.identity, action, detail, &err);
}

// The kick goes to another replica (named) or to every other one: connection ids are per replica.
QHttpServerResponse forwardKick(ServerContext *ctx, const Caller &caller, const QString &id, const QString &reason,
                                const QString &replica)
{
    QJsonObject forward{{QStringLiteral("action"), QStringLiteral("kick")},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("reason"), reason}};
    if (!replica.isEmpty())
        forward.insert(QStringLiteral("replica"), replica);
    ctx->bus()->publishControl(forward);
    audit(ctx, caller, QStringLiteral("kick"), id + u' ' + reason + u'@' + replica);
    return QHttpServerResponse(QJsonObject{{QStringLiteral("kicked"), QStringLiteral("forwarded")},
                                           {QStringLiteral("id"), id},
                                           {QStringLiteral("forwarded_to"), replica.isEmpty() ? QStringLiteral("all replicas") : replica}},
                               HttpStatus::Accepted);
}

bool knownReplica(const RedisBus *bus, const QString &replica)
{
    const QList<RedisBus::Replica> others = bus->remoteReplicas();
    return std::any_of(others.cbegin(), others.cend(), [&](const RedisBus::Replica &r) { return r.id == replica; });
}

QHttpServerResponse kickConnection(const QString &id, const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    const Caller caller = guard.callerOf(req);
    if (auto denied = guard.requireAdmin(req, caller))
        return std::move(*denied);
    QString reason = QStringLiteral("removed by the operator");
    QString replica;
    if (!req.body().isEmpty()) {
        QJsonObject body;
        if (auto bad = guard.jsonBody(req, &body))
            return std::move(*bad);
        if (const auto bad = parseKickBody(body, &reason, &replica))
            return restError(*bad);
    }
    bool ok = false;
    const quint64 connection = id.toULongLong(&ok);
    if (!ok)
        return noConnection();
    // An id not found here, without a replica named, goes to every other replica.
    RedisBus *bus = ctx->bus();
    const bool elsewhere = bus && !replica.isEmpty() && replica != ctx->replicaId();
    if (!elsewhere) {
        if (ctx->kick(connection, reason)) {
            audit(ctx, caller, QStringLiteral("kick"), id + u' ' + reason);
            return QHttpServerResponse(QJsonObject{{QStringLiteral("kicked"), true}, {QStringLiteral("id"), id}});
        }
        if (!replica.isEmpty() || !bus || !bus->connected())
            return noConnection();
    } else if (!bus->connected() || !knownReplica(bus, replica)) {
        return restError(HttpStatus::NotFound, QStringLiteral("not_found"),
                         QStringLiteral("no replica '%1' in the cluster").arg(replica.left(64)));
    }
    return forwardKick(ctx, caller, id, reason, replica);
}

constexpr int kPublishStoreTimeoutMs = 5000;

QHttpServerResponse publishTopic(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    Caller caller;
    QJsonObject body;
    if (auto refused = guard.adminJson(req, &caller, &body))
        return std::move(*refused);
    QString topic;
    QJsonObject data;
    if (const auto bad = parsePublishBody(body, &topic, &data))
        return restError(*bad);
    // 202 once the event is stored (when the history is on): an accepted event is never lost.
    const auto stored = ctx->hub()->publishTopicStored(topic, data, kPublishStoreTimeoutMs);
    if (!stored)
        return restError(HttpStatus::ServiceUnavailable, QStringLiteral("store_unavailable"),
                         QStringLiteral("the event was not stored within %1 ms; it may still be stored and sent")
                             .arg(kPublishStoreTimeoutMs));
    if (stored->offset == 0 && ctx->journal())
        return restError(HttpStatus::ServiceUnavailable, QStringLiteral("store_unavailable"),
                         QStringLiteral("the database failed: the event was sent to the clients connected now, "
                                        "but is not in the history (a resume will not return it)"));
    audit(ctx, caller, QStringLiteral("publish"), topic);
    QJsonObject answer{{QStringLiteral("published"), true}, {QStringLiteral("topic"), topic}};
    if (stored->offset > 0) {
        answer.insert(QStringLiteral("offset"), stored->offset);
        answer.insert(QStringLiteral("epoch"), stored->epoch);
    }
    return QHttpServerResponse(answer, HttpStatus::Accepted);
}
} // namespace

void installAdminRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard)
{
    http->route(QStringLiteral("/api/connections/<arg>/kick"), Method::Post,
                [=](const QString &id, const QHttpServerRequest &req) { return kickConnection(id, req, ctx, *guard); });
    http->route(QStringLiteral("/api/publish"), Method::Post,
                [=](const QHttpServerRequest &req) { return publishTopic(req, ctx, *guard); });
}

} // namespace onair
