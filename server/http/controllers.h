#pragma once

#include <memory>

class QHttpServer;

namespace onair {

class RestGuard;
class ServerContext;

// The REST controllers, one per domain; installRestApi (http/restapi.h) installs them all with
// one shared guard (caller, roles, admin rate limit, bodies).
// /api/broadcasts…: banners (create, history, clear, active, limits, stats, acknowledge).
void installBroadcastRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard);
// /api/streams, /api/streams/{id}/listeners: the live streams of the cluster and who listens.
void installStreamRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard);
// /api/topics/{topic}/history: the topics' kept events, for pages and scripts.
void installHistoryRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard);
// /api/streams/{id}/recording(/marks), /api/recordings…: recording and the archive (docs/recording.md).
void installRecordingRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard);
// /api/streams/{id}/channels(/{lang}): the language channels, who is on each, their fallback.
void installChannelRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard);
// /api/connections/{id}/kick, /api/publish: the operator's actions.
void installAdminRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard);

// /health, /health/connections, /health/full, /metrics.
void installHealthRoutes(QHttpServer *http, ServerContext *ctx);
// The WebSocket endpoints as the router sees them: only refused upgrades and plain requests
// reach it (admit() decides, protocol/refusals.h); /stream/… on a keep-alive connection; and
// the answer for every path no route matched.
void installEndpointRefusals(QHttpServer *http, ServerContext *ctx);

} // namespace onair
