#include "http/controllers.h"

#include "http/servercontext.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>

namespace onair {

void installHealthRoutes(QHttpServer *http, ServerContext *ctx)
{
    using Method = QHttpServerRequest::Method;
    http->route(QStringLiteral("/health"), Method::Get, [ctx] { return QHttpServerResponse(ctx->healthJson()); });
    http->route(QStringLiteral("/health/connections"), Method::Get,
                [ctx] { return QHttpServerResponse(ctx->connectionsJson()); });
    http->route(QStringLiteral("/health/full"), Method::Get, [ctx] {
        const QJsonObject body = ctx->fullHealthJson();
        const bool down = body.value(QLatin1String("status")).toString() == QLatin1String("down");
        return QHttpServerResponse(body, down ? QHttpServerResponder::StatusCode::ServiceUnavailable
                                              : QHttpServerResponder::StatusCode::Ok);
    });
    http->route(QStringLiteral("/metrics"), Method::Get, [ctx] {
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"), ctx->prometheusText());
    });
}

} // namespace onair
