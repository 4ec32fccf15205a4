#pragma once

class QHttpServer;

namespace onair {

class ServerContext;

// The REST API: banners (/api/broadcasts…), streams and listeners (/api/streams…), the
// operator's actions (/api/connections/{id}/kick, /api/publish), with token authentication,
// role checks and request validation (http/controllers.h, one controller per domain). Every
// error is a JSON body {"error": code, "message": text} with a 4xx/5xx status, and leaves
// nothing changed.
void installRestApi(QHttpServer *http, ServerContext *ctx);

} // namespace onair
