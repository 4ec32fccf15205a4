#include "http/restapi.h"

#include "auth/auth.h"
#include "banners/bannerservice.h"
#include "engine/engine.h"
#include "core/logging.h"
#include "core/clock.h"
#include "net/ratelimit.h"
#include "cluster/redisbus.h"
#include "http/restbodies.h"
#include "protocol/streamid.h"
#include "streaming/playerroute.h"
#include "protocol/topics.h"
#include "banners/store.h"

#include <QHttpServer>

#include <algorithm>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QMap>
#include <QJsonDocument>
#include <QUuid>

namespace onair {

namespace {
using Status = QHttpServerResponder::StatusCode;
using Method = QHttpServerRequest::Method;

QHttpServerResponse error(Status status, const QString &code, const QString &message, QJsonObject extra = {})
{
    extra.insert(QStringLiteral("error"), code);
    extra.insert(QStringLiteral("message"), message);
    return QHttpServerResponse(extra, status);
}

struct Caller
{
    std::optional<TokenClaims> claims;
    QString identity;      // token sub, else "client:" + X-Client-Id
    QString tokenError;    // set when a token was given but is not valid
};

Caller callerOf(const QHttpServerRequest &req, const QByteArray &secret)
{
    Caller c;
    const QByteArray auth = req.value("authorization");
    if (!auth.isEmpty()) {
        if (!auth.startsWith("Bearer ")) {
            c.tokenError = QStringLiteral("expected 'Authorization: Bearer <token>'");
            return c;
        }
        c.claims = verifyToken(auth.mid(7).trimmed(), secret, &c.tokenError);
        if (c.claims)
            c.identity = c.claims->sub;
        return c;
    }
    const QString clientId = QString::fromUtf8(req.value("x-client-id"));
    if (isValidStreamId(clientId))
        c.identity = QStringLiteral("client:") + clientId;
    return c;
}

// nullopt when the caller may proceed; else the 401/403 response.
std::optional<QHttpServerResponse> requireRole(const Caller &c, Role role, Metrics *metrics)
{
    if (!c.tokenError.isEmpty()) {
        metrics->refuse(Refusal::Unauthorized);
        return error(Status::Unauthorized, QStringLiteral("unauthorized"), c.tokenError);
    }
    if (!c.claims) {
        metrics->refuse(Refusal::Unauthorized);
        return error(Status::Unauthorized, QStringLiteral("unauthorized"),
                     QStringLiteral("this call needs 'Authorization: Bearer <token>'"));
    }
    if (role == Role::Admin && c.claims->role != Role::Admin) {
        metrics->refuse(Refusal::Forbidden);
        return error(Status::Forbidden, QStringLiteral("forbidden"),
                     QStringLiteral("this call needs the admin role; the token has '%1'").arg(roleName(c.claims->role)));
    }
    return std::nullopt;
}

// Admin calls: first the per-address rate limit (so guessing tokens is slow too), then the role.
std::optional<QHttpServerResponse> requireAdmin(const QHttpServerRequest &req, const Caller &c, RateLimiter *limiter,
                                                Metrics *metrics)
{
    if (const int retryAfter = limiter->take(req.remoteAddress(), monotonicMs())) {
        metrics->refuse(Refusal::RateLimited);
        QHttpServerResponse r = error(Status::TooManyRequests, QStringLiteral("rate_limited"),
                                      QStringLiteral("too many admin calls from this address; retry in %1 s").arg(retryAfter),
                                      {{QStringLiteral("retry_after"), retryAfter}});
        r.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(retryAfter));
        return r;
    }
    return requireRole(c, Role::Admin, metrics);
}

// Reads open to anyone unless the server runs with --require-listener-token; a token that is
// given must be valid either way.
std::optional<QHttpServerResponse> requireListenerAccess(const Caller &c, bool tokenRequired, Metrics *metrics)
{
    if (c.tokenError.isEmpty() && (!tokenRequired || c.claims))
        return std::nullopt;
    return requireRole(c, Role::Listener, metrics);
}

QHttpServerResponse error(const BodyRefusal &r)
{
    return error(Status(r.status), r.code, r.message, r.extra);
}

// Parses a JSON object body, or returns the 413/415/400 response.
std::optional<QHttpServerResponse> jsonBody(const QHttpServerRequest &req, qint64 maxBytes, QJsonObject *out)
{
    if (const auto refused = parseJsonObjectBody(req.body(), req.value("content-type"), maxBytes, out))
        return error(*refused);
    return std::nullopt;
}

// The preamble of every admin call with a JSON body: role check, then body checks.
std::optional<QHttpServerResponse> adminJson(const QHttpServerRequest &req, const QByteArray &secret, RateLimiter *limiter,
                                             Metrics *metrics, qint64 maxBody, Caller *caller, QJsonObject *body)
{
    *caller = callerOf(req, secret);
    if (auto denied = requireAdmin(req, *caller, limiter, metrics))
        return denied;
    return jsonBody(req, maxBody, body);
}

QHttpServerResponse storeFailure(const QString &what, const QString &detail)
{
    qCWarning(lcHttp).noquote() << what << "failed:" << detail;
    return error(Status::ServiceUnavailable, QStringLiteral("store_unavailable"),
                 QStringLiteral("%1 failed; nothing was changed").arg(what));
}
} // namespace

void installRestApi(QHttpServer *http, Engine *engine, BannerService *banners)
{
    const QByteArray secret = engine->secret();
    Metrics *metrics = engine->metrics();
    const qint64 maxBody = engine->config().maxBodyBytes;
    const EngineConfig &cfg = engine->config();
    const auto admin = std::make_shared<RateLimiter>(cfg.adminRate, cfg.adminBurst, cfg.rateLimitExempt);

    http->route(QStringLiteral("/api/broadcasts"), Method::Post,
                [=](const QHttpServerRequest &req) -> QHttpServerResponse {
        Caller caller;
        QJsonObject body;
        if (auto refused = adminJson(req, secret, admin.get(), metrics, maxBody, &caller, &body))
            return std::move(*refused);
        BannerService::Input in;
        QString message;
        const QString code = BannerService::validate(body, &in, &message);
        if (!code.isEmpty()) {
            QJsonObject extra;
            if (code == QLatin1String("message_too_long") || code == QLatin1String("empty_message"))
                extra.insert(QStringLiteral("max_characters"), BannerService::kMaxCharacters);
            return error(Status::BadRequest, code, message, extra);
        }
        QString err;
        const std::optional<Banner> b = banners->create(in, caller.identity, &err);
        if (!b)
            return storeFailure(QStringLiteral("creating the broadcast"), err);
        return QHttpServerResponse(b->toRest(), Status::Created);
    });

    http->route(QStringLiteral("/api/broadcasts"), Method::Get,
                [=](const QHttpServerRequest &req) -> QHttpServerResponse {
        if (auto denied = requireAdmin(req, callerOf(req, secret), admin.get(), metrics))
            return std::move(*denied);
        const QString limitText = req.query().queryItemValue(QStringLiteral("limit"));
        bool ok = true;
        const int limit = limitText.isEmpty() ? 20 : limitText.toInt(&ok);
        if (!ok || limit < 1 || limit > 500)
            return error(Status::BadRequest, QStringLiteral("invalid_limit"), QStringLiteral("limit must be 1-500"));
        QString err;
        const auto list = engine->store()->history(limit, &err);
        if (!list)
            return storeFailure(QStringLiteral("reading the history"), err);
        QJsonArray out;
        for (const Banner &b : *list)
            out.append(b.toRest());
        return QHttpServerResponse(QJsonObject{{QStringLiteral("broadcasts"), out}});
    });

    http->route(QStringLiteral("/api/broadcasts/clear"), Method::Post,
                [=](const QHttpServerRequest &req) -> QHttpServerResponse {
        const Caller caller = callerOf(req, secret);
        if (auto denied = requireAdmin(req, caller, admin.get(), metrics))
            return std::move(*denied);
        bool cleared = false;
        QString err;
        if (!banners->clear(caller.identity, &cleared, &err))
            return storeFailure(QStringLiteral("clearing the broadcast"), err);
        return QHttpServerResponse(QJsonObject{{QStringLiteral("cleared"), cleared}});
    });

    http->route(QStringLiteral("/api/broadcasts/active"), Method::Get,
                [=](const QHttpServerRequest &req) -> QHttpServerResponse {
        const Caller caller = callerOf(req, secret);
        if (auto denied = requireListenerAccess(caller, engine->config().requireListenerToken, metrics))
            return std::move(*denied);
        const std::optional<Banner> b = banners->activeFor(caller.identity);
        if (!b)
            return QHttpServerResponse(QByteArrayLiteral("application/json"), QByteArrayLiteral("null"));
        return QHttpServerResponse(b->toRest());
    });

    // The live streams, for the web page's list (open unless --require-listener-token).
    http->route(QStringLiteral("/api/streams"), Method::Get,
                [=](const QHttpServerRequest &req) -> QHttpServerResponse {
        const Caller caller = callerOf(req, secret);
        if (auto denied = requireListenerAccess(caller, engine->config().requireListenerToken, metrics))
            return std::move(*denied);
        // Every stream of the cluster: this replica's live state merged with the others' presence.
        QMap<QString, QJsonObject> rows;
        for (const StreamSnapshot &st : engine->hub()->snapshot()) {
            if (st.id.startsWith(u'~'))
                continue; // internal (the health probe)
            rows.insert(st.id, QJsonObject{{QStringLiteral("id"), st.id},
                                           {QStringLiteral("speaker_live"), st.speakerLive},
                                           {QStringLiteral("listeners"), st.listeners},
                                           {QStringLiteral("format"), st.format.isEmpty() ? QJsonValue() : QJsonValue(st.format)}});
        }
        if (RedisBus *bus = engine->bus()) {
            for (const RedisBus::Replica &rep : bus->remoteReplicas()) {
                for (auto it = rep.streams.cbegin(); it != rep.streams.cend(); ++it) {
                    QJsonObject row = rows.value(it.key(), QJsonObject{{QStringLiteral("id"), it.key()},
                                                                       {QStringLiteral("speaker_live"), false},
                                                                       {QStringLiteral("listeners"), 0},
                                                                       {QStringLiteral("format"), QJsonValue()}});
                    row.insert(QStringLiteral("listeners"), row.value(QLatin1String("listeners")).toInt() + it->listeners);
                    if (it->speaker) {
                        row.insert(QStringLiteral("speaker_live"), true);
                        if (!it->format.isEmpty())
                            row.insert(QStringLiteral("format"), it->format);
                    }
                    rows.insert(it.key(), row);
                }
            }
        }
        // Standard players' links (docs/protocol.md "Players"), relative to this server.
        for (auto it = rows.begin(); it != rows.end(); ++it) {
            it->insert(QStringLiteral("players"),
                       QJsonObject{{QStringLiteral("mp3"), playerPath(it.key(), PlayerRoute::Mp3)},
                                   {QStringLiteral("ogg"), playerPath(it.key(), PlayerRoute::Ogg)},
                                   {QStringLiteral("m3u"), playerPath(it.key(), PlayerRoute::Playlist)}});
        }
        // Live interpretation: "main~es" is Spanish for "main" (docs/interpretation.md).
        for (auto it = rows.begin(); it != rows.end(); ++it) {
            QString base, lang;
            if (!parseTranslatedStreamId(it.key(), &base, &lang))
                continue;
            it->insert(QStringLiteral("translation_of"), base);
            it->insert(QStringLiteral("lang"), lang);
            if (!rows.contains(base) || !it->value(QLatin1String("speaker_live")).toBool())
                continue;
            QJsonObject entry{{QStringLiteral("lang"), lang}, {QStringLiteral("stream_id"), it.key()}};
            for (const QJsonValue &c : engine->interpretationChannels(base))
                if (c.toObject().value(QLatin1String("stream_id")).toString() == it.key())
                    entry.insert(QStringLiteral("mode"), c.toObject().value(QLatin1String("mode")));
            QJsonArray list = rows[base].value(QLatin1String("translations")).toArray();
            list.append(entry);
            rows[base].insert(QStringLiteral("translations"), list);
        }
        QJsonArray streams;
        for (const QJsonObject &row : std::as_const(rows))
            streams.append(row);
        return QHttpServerResponse(QJsonObject{{QStringLiteral("streams"), streams}});
    });

    http->route(QStringLiteral("/api/broadcasts/limits"), Method::Get, [=] {
        return QHttpServerResponse(QJsonObject{
            {QStringLiteral("max_characters"), BannerService::kMaxCharacters},
            {QStringLiteral("recommended_length"), BannerService::kRecommendedLength},
            {QStringLiteral("current_active_broadcasts"), banners->active() ? 1 : 0},
            {QStringLiteral("types"), QJsonArray{QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("alert")}}});
    });

    http->route(QStringLiteral("/api/broadcasts/stats"), Method::Get,
                [=](const QHttpServerRequest &req) -> QHttpServerResponse {
        if (auto denied = requireAdmin(req, callerOf(req, secret), admin.get(), metrics))
            return std::move(*denied);
        QString err;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto today = engine->store()->countCreatedSince(QDateTime(now.date(), QTime(0, 0), Qt::UTC), &err);
        if (!today)
            return storeFailure(QStringLiteral("reading the statistics"), err);
        const std::optional<Banner> active = banners->active();
        return QHttpServerResponse(QJsonObject{
            {QStringLiteral("broadcasts_today"), *today},
            {QStringLiteral("has_active_broadcast"), active.has_value()},
            {QStringLiteral("active_broadcast_id"), active ? QJsonValue(active->id) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("connected_clients"), engine->hub()->connections()},
            {QStringLiteral("acknowledged"), banners->acknowledgedCount()},
            {QStringLiteral("scope"), QStringLiteral("this replica")}});
    });

    http->route(QStringLiteral("/api/broadcasts/<arg>/ack"), Method::Post,
                [=](const QString &id, const QHttpServerRequest &req) -> QHttpServerResponse {
        const Caller caller = callerOf(req, secret);
        if (auto denied = requireListenerAccess(caller, engine->config().requireListenerToken, metrics))
            return std::move(*denied);
        if (caller.identity.isEmpty())
            return error(Status::BadRequest, QStringLiteral("missing_identity"),
                         QStringLiteral("send a token or an X-Client-Id header ([A-Za-z0-9._-], 1-64)"));
        if (QUuid::fromString(id).isNull())
            return error(Status::NotFound, QStringLiteral("not_found"), QStringLiteral("no broadcast with that id"));
        QString err;
        switch (banners->acknowledge(id, caller.identity, &err)) {
        case BannerService::AckResult::NotFound:
            return error(Status::NotFound, QStringLiteral("not_found"), QStringLiteral("no broadcast with that id"));
        case BannerService::AckResult::Failed:
            return storeFailure(QStringLiteral("storing the acknowledgement"), err);
        case BannerService::AckResult::Acknowledged:
            break;
        }
        return QHttpServerResponse(QJsonObject{{QStringLiteral("acknowledged"), true},
                                               {QStringLiteral("broadcast_id"), id}});
    });

    http->route(QStringLiteral("/api/streams/<arg>/listeners"), Method::Get,
                [=](const QString &stream, const QHttpServerRequest &req) -> QHttpServerResponse {
        if (auto denied = requireAdmin(req, callerOf(req, secret), admin.get(), metrics))
            return std::move(*denied);
        if (const QString e = listenableStreamIdError(stream); !e.isEmpty())
            return error(Status::BadRequest, QStringLiteral("invalid_stream_id"), e);
        QJsonArray out;
        for (const ListenerInfo &l : engine->listenersOf(stream))
            out.append(QJsonObject{{QStringLiteral("id"), QString::number(l.id)},
                                   {QStringLiteral("address"), l.peer},
                                   {QStringLiteral("connected_at"), QDateTime::fromMSecsSinceEpoch(l.connectedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                                   {QStringLiteral("backlog_bytes"), l.backlog},
                                   {QStringLiteral("drops"), l.drops},
                                   {QStringLiteral("identity"), l.identity},
                                   {QStringLiteral("transport"), l.transport},
                                   {QStringLiteral("user_agent"), l.userAgent.isEmpty() ? QJsonValue() : QJsonValue(l.userAgent)},
                                   {QStringLiteral("replica"), engine->bus() ? QJsonValue(engine->replicaId()) : QJsonValue()}});
        return QHttpServerResponse(QJsonObject{{QStringLiteral("stream_id"), stream}, {QStringLiteral("listeners"), out}});
    });

    http->route(QStringLiteral("/api/connections/<arg>/kick"), Method::Post,
                [=](const QString &id, const QHttpServerRequest &req) -> QHttpServerResponse {
        const Caller caller = callerOf(req, secret);
        if (auto denied = requireAdmin(req, caller, admin.get(), metrics))
            return std::move(*denied);
        QString reason = QStringLiteral("removed by the operator");
        QString replica;
        if (!req.body().isEmpty()) {
            QJsonObject body;
            if (auto bad = jsonBody(req, maxBody, &body))
                return std::move(*bad);
            if (const auto bad = parseKickBody(body, &reason, &replica))
                return error(*bad);
        }
        bool ok = false;
        const quint64 connection = id.toULongLong(&ok);
        if (!ok)
            return error(Status::NotFound, QStringLiteral("not_found"), QStringLiteral("no open connection with that id"));
        // Connection ids are per replica: another replica's connection is kicked by naming it;
        // an id not found here, without a name, goes to every other replica.
        RedisBus *bus = engine->bus();
        const bool elsewhere = bus && !replica.isEmpty() && replica != engine->replicaId();
        if (!elsewhere) {
            if (engine->kick(connection, reason)) {
                QString auditErr;
                engine->store()->audit(caller.identity, QStringLiteral("kick"), id + u' ' + reason, &auditErr);
                return QHttpServerResponse(QJsonObject{{QStringLiteral("kicked"), true}, {QStringLiteral("id"), id}});
            }
            if (!replica.isEmpty() || !bus || !bus->connected())
                return error(Status::NotFound, QStringLiteral("not_found"), QStringLiteral("no open connection with that id"));
        } else {
            const QList<RedisBus::Replica> others = bus->remoteReplicas();
            if (!bus->connected()
                || std::none_of(others.cbegin(), others.cend(), [&](const RedisBus::Replica &r) { return r.id == replica; }))
                return error(Status::NotFound, QStringLiteral("not_found"),
                             QStringLiteral("no replica '%1' in the cluster").arg(replica.left(64)));
        }
        QJsonObject forward{{QStringLiteral("action"), QStringLiteral("kick")},
                            {QStringLiteral("id"), id},
                            {QStringLiteral("reason"), reason}};
        if (!replica.isEmpty())
            forward.insert(QStringLiteral("replica"), replica);
        bus->publishControl(forward);
        QString auditErr;
        engine->store()->audit(caller.identity, QStringLiteral("kick"), id + u' ' + reason + u'@' + replica, &auditErr);
        return QHttpServerResponse(QJsonObject{{QStringLiteral("kicked"), QStringLiteral("forwarded")},
                                               {QStringLiteral("id"), id},
                                               {QStringLiteral("forwarded_to"), replica.isEmpty() ? QStringLiteral("all replicas") : replica}},
                                   Status::Accepted);
    });

    http->route(QStringLiteral("/api/publish"), Method::Post,
                [=](const QHttpServerRequest &req) -> QHttpServerResponse {
        Caller caller;
        QJsonObject body;
        if (auto refused = adminJson(req, secret, admin.get(), metrics, maxBody, &caller, &body))
            return std::move(*refused);
        QString topic;
        QJsonObject data;
        if (const auto bad = parsePublishBody(body, &topic, &data))
            return error(*bad);
        engine->hub()->publishTopic(topic, data);
        QString auditErr;
        engine->store()->audit(caller.identity, QStringLiteral("publish"), topic, &auditErr);
        return QHttpServerResponse(QJsonObject{{QStringLiteral("published"), true}, {QStringLiteral("topic"), topic}},
                                   Status::Accepted);
    });
}

} // namespace onair
