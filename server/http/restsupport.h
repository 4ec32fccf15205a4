#pragma once

#include "auth/auth.h"
#include "http/restbodies.h"

#include <QHttpServerResponse>
#include <QJsonObject>

#include <memory>
#include <optional>

class QHostAddress;
class QHttpServerRequest;

namespace onair {

class RateLimiter;
class ServerContext;

using HttpStatus = QHttpServerResponder::StatusCode;

// A JSON error answer (protocol/jsonerror.h) with its status.
QHttpServerResponse restError(HttpStatus status, const QString &code, const QString &message, QJsonObject extra = {});
QHttpServerResponse restError(const BodyRefusal &refusal);
// 503 store_unavailable: the store failed and nothing was changed (the detail is logged).
QHttpServerResponse storeFailure(const QString &what, const QString &detail);

// Who calls a REST endpoint.
struct Caller
{
    std::optional<TokenClaims> claims;
    QString identity;   // token sub, else "client:" + X-Client-Id
    QString tokenError; // set when a token was given but is not valid
};

// The checks REST calls start with: the caller, its rights, the admin rate limit, the body.
// Each returns nullopt when the call may proceed, else the 401/403/429/413/415/400 answer.
class RestGuard
{
public:
    explicit RestGuard(ServerContext *context);
    ~RestGuard();
    Q_DISABLE_COPY_MOVE(RestGuard)

    Caller callerOf(const QHttpServerRequest &req) const;
    // The caller of an `Authorization` header (empty: anonymous).
    Caller callerOf(const QByteArray &authorization) const;
    // Admin calls: first the per-address rate limit (so guessing tokens is slow too), then the role.
    std::optional<QHttpServerResponse> requireAdmin(const QHttpServerRequest &req, const Caller &c) const;
    std::optional<QHttpServerResponse> requireAdmin(const QHostAddress &peer, const Caller &c) const;
    // Reads open to anyone unless the server runs with --require-listener-token; a token that
    // is given must be valid either way.
    std::optional<QHttpServerResponse> requireListenerAccess(const Caller &c) const;
    // Parses a JSON object body, or returns the 413/415/400 answer.
    std::optional<QHttpServerResponse> jsonBody(const QHttpServerRequest &req, QJsonObject *out) const;
    // The preamble of every admin call with a JSON body: role check, then body checks.
    std::optional<QHttpServerResponse> adminJson(const QHttpServerRequest &req, Caller *caller, QJsonObject *body) const;

private:
    std::optional<QHttpServerResponse> requireRole(const Caller &c, Role role) const;

    ServerContext *m_context;
    QByteArray m_secret;
    std::unique_ptr<RateLimiter> m_admin;
};

} // namespace onair
