#pragma once

class QHttpServer;

namespace onair {

// The web pages the engine serves from assets embedded in the binary (no CDN, no files on
// disk): "/" lists the live streams, "/listen/{id}" plays one, "/speak/{id}" speaks from a
// browser, "/assets/{name}" their scripts and styles. HTML answers carry a strict
// Content-Security-Policy (no inline script) and no-sniff / frame-ancestors headers.
void installWebPages(QHttpServer *http);

} // namespace onair
