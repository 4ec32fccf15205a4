#include "http/recordingfiles.h"

#include "config/config.h"
#include "http/servercontext.h"
#include "net/httphead.h"
#include "recording/recordings.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QUrl>
#include <QUrlQuery>

namespace onair {

namespace {
FileAnswer errorAnswer(const QHttpServerResponse &r)
{
    FileAnswer a;
    a.status = int(r.statusCode());
    a.body = r.data();
    for (const QByteArray &v : r.headers(QByteArrayLiteral("Retry-After")))
        a.headers.append({QByteArrayLiteral("Retry-After"), v});
    if (a.status == 503 && a.headers.isEmpty())
        a.headers.append({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
    return a;
}
} // namespace

Caller archiveCaller(const RestGuard &guard, const QByteArray &authorization, const QUrl &url)
{
    const QUrlQuery query(url);
    if (!authorization.isEmpty() || !query.hasQueryItem(QStringLiteral("token")))
        return guard.callerOf(authorization);
    return guard.callerOf("Bearer " + query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8());
}

std::optional<QHttpServerResponse> archiveAccess(const RestGuard &guard, ServerContext *ctx, const Caller &c,
                                                 const QHostAddress &peer)
{
    if (ctx->config().publicRecordings)
        return guard.requireListenerAccess(c);
    if (c.claims && c.claims->role == Role::Admin)
        return std::nullopt;
    return guard.requireAdmin(peer, c);
}

RecordingFiles::RecordingFiles(ServerContext *ctx) : m_ctx(ctx), m_guard(std::make_unique<RestGuard>(ctx)) {}

RecordingFiles::~RecordingFiles() = default;

FileAnswer RecordingFiles::resolve(const HeadVerdict &head, const QHostAddress &peer)
{
    const QUrl url(QStringLiteral("http://localhost") + QString::fromLatin1(head.target));
    if (auto denied = archiveAccess(*m_guard, m_ctx, archiveCaller(*m_guard, head.authorization, url), peer))
        return errorAnswer(*denied);
    Recordings *recordings = m_ctx->recordings();
    if (!recordings)
        return errorAnswer(restError(HttpStatus::ServiceUnavailable, QStringLiteral("recording_unavailable"),
                                     QStringLiteral("this server does not record (its store keeps no recordings)")));
    QString id = url.path(QUrl::FullyDecoded).mid(int(qstrlen("/api/recordings/")));
    const bool mp3 = id.endsWith(QLatin1String(".mp3"));
    id.chop(4);
    QString error;
    const auto info = recordings->find(id, &error);
    if (!info)
        return errorAnswer(storeFailure(QStringLiteral("finding recording %1").arg(id), error));
    if (info->id.isEmpty())
        return errorAnswer(restError(HttpStatus::NotFound, QStringLiteral("not_found"), QStringLiteral("no recording '%1'").arg(id)));
    if (!QFileInfo::exists(info->path))
        return errorAnswer(restError(HttpStatus::NotFound, QStringLiteral("not_on_this_replica"),
                                     QStringLiteral("the file of %1 is on replica %2").arg(id, info->replica),
                                     {{QStringLiteral("replica"), info->replica}}));
    FileAnswer a;
    if (!mp3) {
        a.path = info->path;
        a.mime = QByteArrayLiteral("audio/ogg");
        return a;
    }
    switch (recordings->mp3(*info, &a.path, &error)) {
    case Recordings::Mp3State::Ready:
        a.mime = QByteArrayLiteral("audio/mpeg");
        return a;
    case Recordings::Mp3State::Preparing:
        return errorAnswer(restError(HttpStatus::ServiceUnavailable, QStringLiteral("preparing"),
                                     QStringLiteral("the MP3 of %1 is being made; ask again in a second").arg(id),
                                     {{QStringLiteral("retry_after"), 1}}));
    case Recordings::Mp3State::Failed:
        break;
    }
    if (info->isRecording())
        return errorAnswer(restError(HttpStatus::Conflict, QStringLiteral("recording_busy"), error));
    return errorAnswer(restError(HttpStatus::InternalServerError, QStringLiteral("mp3_failed"), error));
}

} // namespace onair
