#include "http/controllers.h"

#include "config/config.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "fanout/hub.h"
#include "http/servercontext.h"
#include "protocol/jsonerror.h"
#include "protocol/refusals.h"
#include "protocol/streamid.h"
#include "protocol/wsroute.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QTimer>

namespace onair {

namespace {
using Status = QHttpServerResponder::StatusCode;

void writeError(QHttpServerResponder &responder, const QString &code, const QString &message, Status status)
{
    responder.write(QJsonDocument(jsonError(code, message)), status);
}

// What admit() decides a WebSocket endpoint's request on, here on the router: the acceptor
// did not hand it to a worker, so when nothing else is the cause the connections are.
Admission routerAdmission(const QHttpServerRequest &req, const WsRoute &route, const ServerContext &ctx)
{
    const EngineConfig &cfg = ctx.config();
    const Hub *hub = ctx.hub();
    Admission a;
    a.kind = route.kind;
    a.streamId = route.streamId;
    a.routeError = route.error;
    a.upgrade = req.value("upgrade").toLower().contains("websocket");
    if (a.upgrade && (route.kind != WsRoute::Unknown && route.kind != WsRoute::Invalid)) {
        a.speakerPresent = route.kind == WsRoute::Speak && hub->hasSpeaker(route.streamId);
        a.streamFull = route.kind == WsRoute::Listen && hub->listenersOf(route.streamId) >= cfg.maxListenersPerStream;
        a.atStreamLimit = route.kind != WsRoute::Legacy && hub->atStreamLimitFor(route.streamId);
    }
    a.connectionFree = false;
    a.maxListeners = cfg.maxListenersPerStream;
    a.maxStreams = cfg.maxStreams;
    a.maxConnections = cfg.maxConnections;
    return a;
}

// A WebSocket endpoint reached the router: the upgrade was refused (the Acceptor hands
// accepted upgrades straight to a worker), or a plain request hit it.
void refuseEndpoint(const QHttpServerRequest &req, QHttpServerResponder &responder, const ServerContext &ctx)
{
    const WsRoute route = parseWsRoute(req.url().path(QUrl::FullyDecoded));
    const Admission a = routerAdmission(req, route, ctx);
    const Denied denied = admit(a).value_or(Denied{Denial::ServerFull, QString::number(a.maxConnections)});
    const RefusalAnswer answer = refusalAnswer(Channel::Upgrade, denied);
    if (answer.counted != Refusal::Count)
        ctx.metrics()->refuse(answer.counted);
    writeError(responder, QString::fromLatin1(answer.code), answer.message, Status(answer.status));
    qCInfo(lcHttp).noquote() << "refused" << (a.upgrade ? "upgrade" : "request") << "to" << req.url().path().left(120)
                             << "from" << req.remoteAddress().toString();
}

// No route matched, and not a WebSocket path: a page with an id holding a '/', or nothing.
void answerUnmatched(const QHttpServerRequest &req, QHttpServerResponder &responder)
{
    const QString path = req.url().path();
    if (path.startsWith(QLatin1String("/listen/")) || path.startsWith(QLatin1String("/speak/"))) {
        // e.g. /listen/..%2F..%2Fetc: decoded, the id holds a '/', so no page route matched
        writeError(responder, QStringLiteral("invalid_stream_id"), streamIdError(path.mid(path.indexOf(u'/', 1) + 1).left(200)),
                   Status::BadRequest);
        return;
    }
    writeError(responder, QStringLiteral("not_found"), QStringLiteral("no such endpoint: %1").arg(path.left(200)),
               Status::NotFound);
}

// Players are answered by the acceptor on a connection's first request; a player that reuses
// a keep-alive connection is sent to the same URL, and the connection closes (see
// Acceptor::guard), so it comes back on a fresh one.
void redirectPlayer(const QHttpServerRequest &req, QHttpServerResponder &responder)
{
    QByteArray location = req.url().path(QUrl::FullyEncoded).toUtf8();
    if (req.url().hasQuery())
        location += '?' + req.url().query(QUrl::FullyEncoded).toUtf8();
    responder.write({{"Location", location}, {"Cache-Control", "no-store"}, {"Connection", "close"}},
                    Status::TemporaryRedirect);
}
} // namespace

void installEndpointRefusals(QHttpServer *http, ServerContext *ctx)
{
    using Method = QHttpServerRequest::Method;
    http->route(QStringLiteral("/stream/<arg>"), Method::Get | Method::Head,
                [](const QString &, const QHttpServerRequest &req, QHttpServerResponder &&r) { redirectPlayer(req, r); });
    // QHttpServer 6.4 also runs the missing handler for an upgrade request whose route answered
    // (it still looks for a WebSocket consumer); remember that this one is done until the
    // event loop turns, so it gets exactly one response.
    const auto answered = std::make_shared<bool>(false);
    const auto refuse = [http, ctx, answered](const QHttpServerRequest &req, QHttpServerResponder &r) {
        *answered = true;
        QTimer::singleShot(0, http, [answered] { *answered = false; });
        refuseEndpoint(req, r, *ctx);
    };
    http->route(QStringLiteral("/ws"), [refuse](const QHttpServerRequest &req, QHttpServerResponder &&r) { refuse(req, r); });
    for (const QString &path : {QStringLiteral("/ws/<arg>"), QStringLiteral("/ws/speak/<arg>"), QStringLiteral("/ws/listen/<arg>")})
        http->route(path, [refuse](const QString &, const QHttpServerRequest &req, QHttpServerResponder &&r) { refuse(req, r); });
    http->setMissingHandler([refuse, answered](const QHttpServerRequest &req, QHttpServerResponder &&r) {
        if (*answered) {
            *answered = false;
            return;
        }
        if (req.url().path().startsWith(QLatin1String("/ws/"))) {
            refuse(req, r); // e.g. an id with an encoded '/' that no route matched
            *answered = false;
            return;
        }
        answerUnmatched(req, r);
    });
    http->afterRequest([](QHttpServerResponse &&resp) {
        resp.setHeader("Cache-Control", "no-store");
        return std::move(resp);
    });
}

} // namespace onair
