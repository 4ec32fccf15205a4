#pragma once

class QHttpServer;

namespace onair {

class BannerService;
class Engine;

// The REST API: banners (/api/broadcasts…) and topic publishing (/api/publish), with token
// authentication, role checks and request validation. Every error is a JSON body
// {"error": code, "message": text} with a 4xx/5xx status, and leaves nothing changed.
void installRestApi(QHttpServer *http, Engine *engine, BannerService *banners);

} // namespace onair
