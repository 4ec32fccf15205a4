#include "http/restsupport.h"

#include "config/config.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "fanout/hub.h"
#include "http/servercontext.h"
#include "net/ratelimit.h"
#include "protocol/jsonerror.h"
#include "protocol/streamid.h"

#include <QHttpServerRequest>

namespace onair {

QHttpServerResponse restError(HttpStatus status, const QString &code, const QString &message, QJsonObject extra)
{
    return QHttpServerResponse(jsonError(code, message, std::move(extra)), status);
}

QHttpServerResponse restError(const BodyRefusal &r)
{
    return restError(HttpStatus(r.status), r.code, r.message, r.extra);
}

QHttpServerResponse storeFailure(const QString &what, const QString &detail)
{
    qCWarning(lcHttp).noquote() << what << "failed:" << detail;
    return restError(HttpStatus::ServiceUnavailable, QStringLiteral("store_unavailable"),
                     QStringLiteral("%1 failed; nothing was changed").arg(what));
}

RestGuard::RestGuard(ServerContext *context)
    : m_context(context),
      m_secret(context->secret()),
      m_admin(std::make_unique<RateLimiter>(context->config().adminRate, context->config().adminBurst,
                                            context->config().rateLimitExempt))
{
}

RestGuard::~RestGuard() = default;

Caller RestGuard::callerOf(const QHttpServerRequest &req) const
{
    Caller c = callerOf(req.value("authorization"));
    if (c.claims || !c.tokenError.isEmpty())
        return c;
    const QString clientId = QString::fromUtf8(req.value("x-client-id"));
    if (isValidStreamId(clientId))
        c.identity = QStringLiteral("client:") + clientId;
    return c;
}

Caller RestGuard::callerOf(const QByteArray &auth) const
{
    Caller c;
    if (!auth.isEmpty()) {
        if (!auth.startsWith("Bearer ")) {
            c.tokenError = QStringLiteral("expected 'Authorization: Bearer <token>'");
            return c;
        }
        c.claims = verifyToken(auth.mid(7).trimmed(), m_secret, &c.tokenError);
        if (c.claims)
            c.identity = c.claims->sub;
    }
    return c;
}

std::optional<QHttpServerResponse> RestGuard::requireRole(const Caller &c, Role role) const
{
    Metrics *metrics = m_context->metrics();
    if (!c.tokenError.isEmpty()) {
        metrics->refuse(Refusal::Unauthorized);
        return restError(HttpStatus::Unauthorized, QStringLiteral("unauthorized"), c.tokenError);
    }
    if (!c.claims) {
        metrics->refuse(Refusal::Unauthorized);
        return restError(HttpStatus::Unauthorized, QStringLiteral("unauthorized"),
                         QStringLiteral("this call needs 'Authorization: Bearer <token>'"));
    }
    if (role == Role::Admin && c.claims->role != Role::Admin) {
        metrics->refuse(Refusal::Forbidden);
        return restError(HttpStatus::Forbidden, QStringLiteral("forbidden"),
                         QStringLiteral("this call needs the admin role; the token has '%1'").arg(roleName(c.claims->role)));
    }
    return std::nullopt;
}

std::optional<QHttpServerResponse> RestGuard::requireAdmin(const QHttpServerRequest &req, const Caller &c) const
{
    return requireAdmin(req.remoteAddress(), c);
}

std::optional<QHttpServerResponse> RestGuard::requireAdmin(const QHostAddress &peer, const Caller &c) const
{
    if (const int retryAfter = m_admin->take(peer, monotonicMs())) {
        m_context->metrics()->refuse(Refusal::RateLimited);
        QHttpServerResponse r = restError(HttpStatus::TooManyRequests, QStringLiteral("rate_limited"),
                                          QStringLiteral("too many admin calls from this address; retry in %1 s").arg(retryAfter),
                                          {{QStringLiteral("retry_after"), retryAfter}});
        r.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(retryAfter));
        return r;
    }
    return requireRole(c, Role::Admin);
}

std::optional<QHttpServerResponse> RestGuard::requireListenerAccess(const Caller &c) const
{
    if (c.tokenError.isEmpty() && (!m_context->config().requireListenerToken || c.claims))
        return std::nullopt;
    return requireRole(c, Role::Listener);
}

std::optional<QHttpServerResponse> RestGuard::jsonBody(const QHttpServerRequest &req, QJsonObject *out) const
{
    if (const auto refused = parseJsonObjectBody(req.body(), req.value("content-type"), m_context->config().maxBodyBytes, out))
        return restError(*refused);
    return std::nullopt;
}

std::optional<QHttpServerResponse> RestGuard::adminJson(const QHttpServerRequest &req, Caller *caller, QJsonObject *body) const
{
    *caller = callerOf(req);
    if (auto denied = requireAdmin(req, *caller))
        return denied;
    return jsonBody(req, body);
}

} // namespace onair
