#include "http/webpages.h"

#include "http/restsupport.h"
#include "protocol/streamid.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QRegularExpression>

static void initWebResources()
{
    Q_INIT_RESOURCE(web); // the static engine library's embedded pages
}

namespace onair {

namespace {

using Status = QHttpServerResponder::StatusCode;
using Method = QHttpServerRequest::Method;

QByteArray readAsset(const QString &path)
{
    QFile f(QStringLiteral(":/web/") + path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void secure(QHttpServerResponse &r)
{
    // 'wasm-unsafe-eval': the listener page compiles its WebAssembly Opus decoder (vendored,
    // served from /assets/vendor/) where the browser has no WebCodecs. It allows WebAssembly
    // compilation only, not eval() or new Function().
    r.setHeader("Content-Security-Policy",
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
                "connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; "
                "form-action 'self'; frame-ancestors 'none'");
    r.setHeader("X-Content-Type-Options", "nosniff");
    r.setHeader("X-Frame-Options", "DENY");
    r.setHeader("Referrer-Policy", "no-referrer");
    r.setHeader("Permissions-Policy", "microphone=(self), camera=(), geolocation=()");
}

QHttpServerResponse page(const QString &name)
{
    const QByteArray html = readAsset(name);
    if (html.isEmpty())
        return restError(Status::InternalServerError, QStringLiteral("missing_asset"), name);
    QHttpServerResponse r(QByteArrayLiteral("text/html; charset=utf-8"), html);
    secure(r);
    return r;
}

QHttpServerResponse streamPage(const QString &name, const QString &rawId)
{
    const bool listen = name == QLatin1String("listen.html");
    if (const QString err = listen ? listenableStreamIdError(rawId) : streamIdError(rawId); !err.isEmpty())
        return restError(Status::BadRequest, QStringLiteral("invalid_stream_id"), err);
    return page(name);
}

// The interpreter's booth for the language channel "<stream>~<lang>": both halves must make a
// valid channel id (docs/interpretation.md "Human interpreters"), else 400 with the reason.
QHttpServerResponse boothPage(const QString &stream, const QString &lang)
{
    if (const QString err = translatedStreamIdError(translatedStreamId(stream, lang)); !err.isEmpty())
        return restError(Status::BadRequest, QStringLiteral("invalid_stream_id"), err);
    return page(QStringLiteral("interpret.html"));
}

QByteArray mimeOf(const QString &name)
{
    if (name.endsWith(QLatin1String(".js")))
        return QByteArrayLiteral("text/javascript; charset=utf-8");
    if (name.endsWith(QLatin1String(".css")))
        return QByteArrayLiteral("text/css; charset=utf-8");
    if (name.endsWith(QLatin1String(".svg")))
        return QByteArrayLiteral("image/svg+xml");
    if (name.endsWith(QLatin1String(".txt")))
        return QByteArrayLiteral("text/plain; charset=utf-8");
    if (name.endsWith(QLatin1String(".webmanifest")))
        return QByteArrayLiteral("application/manifest+json");
    return QByteArrayLiteral("application/octet-stream");
}

} // namespace

void installWebPages(QHttpServer *http)
{
    initWebResources();
    http->route(QStringLiteral("/"), Method::Get, [] { return page(QStringLiteral("index.html")); });
    // The archive (docs/recording.md): the page is open; its API calls carry the token.
    http->route(QStringLiteral("/recordings"), Method::Get, [] { return page(QStringLiteral("recordings.html")); });
    http->route(QStringLiteral("/listen/<arg>"), Method::Get, [](const QString &id) {
        return streamPage(QStringLiteral("listen.html"), id);
    });
    http->route(QStringLiteral("/speak/<arg>"), Method::Get, [](const QString &id) {
        return streamPage(QStringLiteral("speak.html"), id);
    });
    http->route(QStringLiteral("/interpret/<arg>/<arg>"), Method::Get, [](const QString &stream, const QString &lang) {
        return boothPage(stream, lang);
    });
    http->route(QStringLiteral("/assets/<arg>"), Method::Get, [](const QString &name) {
        static const QRegularExpression valid(QStringLiteral("^[a-z0-9][a-z0-9-]{0,63}\\.(js|css|svg|webmanifest)$"));
        const QByteArray body = valid.match(name).hasMatch() ? readAsset(QStringLiteral("assets/") + name) : QByteArray();
        if (body.isEmpty())
            return restError(Status::NotFound, QStringLiteral("not_found"), QStringLiteral("no such asset"));
        QHttpServerResponse r(mimeOf(name), body);
        r.setHeader("X-Content-Type-Options", "nosniff");
        return r;
    });
    // Third-party browser code (resources/web/assets/vendor/README.md) and its licences.
    http->route(QStringLiteral("/assets/vendor/<arg>"), Method::Get, [](const QString &name) {
        static const QRegularExpression valid(QStringLiteral("^[a-z0-9][a-z0-9.-]{0,63}\\.(js|txt)$"),
                                              QRegularExpression::CaseInsensitiveOption);
        const QByteArray body = valid.match(name).hasMatch() ? readAsset(QStringLiteral("assets/vendor/") + name) : QByteArray();
        if (body.isEmpty())
            return restError(Status::NotFound, QStringLiteral("not_found"), QStringLiteral("no such asset"));
        QHttpServerResponse r(mimeOf(name), body);
        r.setHeader("X-Content-Type-Options", "nosniff");
        return r;
    });
    http->route(QStringLiteral("/favicon.ico"), Method::Get, [] {
        QHttpServerResponse r(QByteArrayLiteral("image/svg+xml"), readAsset(QStringLiteral("assets/icon.svg")));
        r.setHeader("X-Content-Type-Options", "nosniff");
        return r;
    });
}

} // namespace onair
