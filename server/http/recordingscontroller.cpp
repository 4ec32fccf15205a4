#include "http/controllers.h"

#include "config/config.h"
#include "http/recordingfiles.h"
#include "http/restsupport.h"
#include "http/servercontext.h"
#include "protocol/streamid.h"
#include "recording/recordings.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QUrlQuery>

namespace onair {

namespace {
using Method = QHttpServerRequest::Method;
constexpr int kMaxMarkChars = 200;

QHttpServerResponse recordingOff()
{
    return restError(HttpStatus::ServiceUnavailable, QStringLiteral("recording_unavailable"),
                     QStringLiteral("this server does not record (its store keeps no recordings)"));
}

std::optional<QHttpServerResponse> readAccess(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    return archiveAccess(guard, ctx, archiveCaller(guard, req.value("authorization"), req.url()), req.remoteAddress());
}

std::optional<QDateTime> timeParam(const QUrlQuery &q, const char *name, bool *bad)
{
    const QString key = QString::fromLatin1(name);
    if (!q.hasQueryItem(key))
        return std::nullopt;
    const QDateTime t = QDateTime::fromString(q.queryItemValue(key, QUrl::FullyDecoded), Qt::ISODateWithMs);
    if (!t.isValid())
        *bad = true;
    return t;
}

// POST /api/streams/{id}/recording {"record": true|false} (admin).
QHttpServerResponse setRecording(const QString &stream, const QHttpServerRequest &req, ServerContext *ctx,
                                 const RestGuard &guard)
{
    Caller caller;
    QJsonObject body;
    if (auto denied = guard.adminJson(req, &caller, &body))
        return std::move(*denied);
    if (const QString e = listenableStreamIdError(stream); !e.isEmpty())
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_stream_id"), e);
    if (!body.value(QLatin1String("record")).isBool())
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_record"),
                         QStringLiteral("'record' must be true or false"));
    Recordings *recordings = ctx->recordings();
    if (!recordings)
        return recordingOff();
    const bool record = body.value(QLatin1String("record")).toBool();
    QString id, error;
    if (!recordings->setWanted(stream, record, &id, &error)) {
        const RecordingStatus st = recordings->status(stream);
        if (!st.error.isEmpty())
            return restError(HttpStatus::InsufficientStorage, QStringLiteral("recording_failed"), st.error,
                             {{QStringLiteral("stream_id"), stream}});
        return storeFailure(QStringLiteral("recording %1").arg(stream), error);
    }
    QJsonObject out = recordings->status(stream).toJson();
    out.insert(QStringLiteral("id"), id.isEmpty() ? QJsonValue() : QJsonValue(id));
    return QHttpServerResponse(out);
}

QHttpServerResponse recordingStatus(const QString &stream, const QHttpServerRequest &req, ServerContext *ctx,
                                    const RestGuard &guard)
{
    if (auto denied = readAccess(req, ctx, guard))
        return std::move(*denied);
    if (const QString e = listenableStreamIdError(stream); !e.isEmpty())
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_stream_id"), e);
    if (!ctx->recordings())
        return recordingOff();
    return QHttpServerResponse(ctx->recordings()->status(stream).toJson());
}

// POST /api/streams/{id}/recording/marks {"text"} (admin): a mark on the running recording.
QHttpServerResponse addMark(const QString &stream, const QHttpServerRequest &req, ServerContext *ctx,
                            const RestGuard &guard)
{
    Caller caller;
    QJsonObject body;
    if (auto denied = guard.adminJson(req, &caller, &body))
        return std::move(*denied);
    const QString text = body.value(QLatin1String("text")).toString().trimmed();
    if (text.isEmpty() || text.size() > kMaxMarkChars)
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_text"),
                         QStringLiteral("'text' must be 1 to %1 characters").arg(kMaxMarkChars));
    if (const QString e = listenableStreamIdError(stream); !e.isEmpty())
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_stream_id"), e);
    Recordings *recordings = ctx->recordings();
    if (!recordings)
        return recordingOff();
    const RecordingStatus st = recordings->status(stream);
    QString error;
    if (!st.recording || !recordings->mark(stream, text, &error))
        return restError(HttpStatus::Conflict, QStringLiteral("not_recording"),
                         error.isEmpty() ? QStringLiteral("%1 is not being recorded here").arg(stream) : error);
    return QHttpServerResponse(QJsonObject{{QStringLiteral("stream_id"), stream},
                                           {QStringLiteral("id"), st.id},
                                           {QStringLiteral("t"), st.elapsedMs}});
}

// GET /api/recordings?stream=&from=&to=: newest first.
QHttpServerResponse listRecordings(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    if (auto denied = readAccess(req, ctx, guard))
        return std::move(*denied);
    if (!ctx->recordings())
        return recordingOff();
    const QUrlQuery query(req.url());
    RecordingFilter filter;
    filter.stream = query.queryItemValue(QStringLiteral("stream"), QUrl::FullyDecoded);
    if (!filter.stream.isEmpty())
        if (const QString e = listenableStreamIdError(filter.stream); !e.isEmpty())
            return restError(HttpStatus::BadRequest, QStringLiteral("invalid_stream_id"), e);
    bool bad = false;
    filter.from = timeParam(query, "from", &bad).value_or(QDateTime());
    filter.to = timeParam(query, "to", &bad).value_or(QDateTime());
    if (bad)
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_time"),
                         QStringLiteral("from and to are ISO 8601 times (2026-12-01T14:30:00Z)"));
    QString error;
    const auto list = ctx->recordings()->list(filter, &error);
    if (!list)
        return storeFailure(QStringLiteral("listing recordings"), error);
    QJsonArray rows;
    for (const RecordingInfo &r : *list)
        rows.append(r.toJson());
    return QHttpServerResponse(QJsonObject{{QStringLiteral("recordings"), rows}});
}

std::optional<RecordingInfo> findRecording(const QString &id, ServerContext *ctx, QHttpServerResponse *answer)
{
    if (!ctx->recordings()) {
        *answer = recordingOff();
        return std::nullopt;
    }
    QString error;
    auto info = ctx->recordings()->find(id, &error);
    if (!info) {
        *answer = storeFailure(QStringLiteral("finding recording %1").arg(id), error);
        return std::nullopt;
    }
    if (info->id.isEmpty()) {
        *answer = restError(HttpStatus::NotFound, QStringLiteral("not_found"), QStringLiteral("no recording '%1'").arg(id));
        return std::nullopt;
    }
    return info;
}

QHttpServerResponse recordingDetail(const QString &id, ServerContext *ctx)
{
    QHttpServerResponse answer(HttpStatus::InternalServerError);
    const auto info = findRecording(id, ctx, &answer);
    if (!info)
        return answer;
    const bool here = QFileInfo::exists(info->path);
    QJsonObject rec = info->toJson();
    rec.insert(QStringLiteral("available"), here);
    return QHttpServerResponse(QJsonObject{
        {QStringLiteral("recording"), rec},
        {QStringLiteral("timeline"), here ? Recordings::readTimeline(info->timelinePath()) : QJsonArray()}});
}

// GET /api/recordings/{id}: metadata and timeline. The audio ({id}.ogg, .mp3) is answered by the
// acceptor on a connection's first request (http/recordingfiles.h); one asked for on a
// keep-alive connection is sent to the same URL and the connection closes, so the client comes
// back on a fresh one (as players are, Acceptor::guard).
void getRecording(const QString &arg, const QHttpServerRequest &req, QHttpServerResponder &responder,
                  ServerContext *ctx, const RestGuard &guard)
{
    if (arg.endsWith(QLatin1String(".ogg")) || arg.endsWith(QLatin1String(".mp3"))) {
        QByteArray location = req.url().path(QUrl::FullyEncoded).toUtf8();
        if (req.url().hasQuery())
            location += '?' + req.url().query(QUrl::FullyEncoded).toUtf8();
        responder.write({{"Location", location}, {"Cache-Control", "no-store"}, {"Connection", "close"}},
                        HttpStatus::TemporaryRedirect);
        return;
    }
    if (auto denied = readAccess(req, ctx, guard)) {
        denied->write(std::move(responder));
        return;
    }
    recordingDetail(arg, ctx).write(std::move(responder));
}

QHttpServerResponse deleteRecording(const QString &id, const QHttpServerRequest &req, ServerContext *ctx,
                                    const RestGuard &guard)
{
    if (auto denied = guard.requireAdmin(req, guard.callerOf(req)))
        return std::move(*denied);
    QHttpServerResponse answer(HttpStatus::InternalServerError);
    if (!findRecording(id, ctx, &answer))
        return answer;
    bool busy = false;
    QString error;
    if (!ctx->recordings()->remove(id, &busy, &error)) {
        if (busy)
            return restError(HttpStatus::Conflict, QStringLiteral("recording_busy"),
                             QStringLiteral("%1 is still recording; stop it first").arg(id));
        return storeFailure(QStringLiteral("deleting %1").arg(id), error);
    }
    return QHttpServerResponse(QJsonObject{{QStringLiteral("deleted"), id}});
}
} // namespace

void installRecordingRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard)
{
    http->route(QStringLiteral("/api/streams/<arg>/recording"), Method::Post,
                [=](const QString &s, const QHttpServerRequest &req) { return setRecording(s, req, ctx, *guard); });
    http->route(QStringLiteral("/api/streams/<arg>/recording"), Method::Get,
                [=](const QString &s, const QHttpServerRequest &req) { return recordingStatus(s, req, ctx, *guard); });
    http->route(QStringLiteral("/api/streams/<arg>/recording/marks"), Method::Post,
                [=](const QString &s, const QHttpServerRequest &req) { return addMark(s, req, ctx, *guard); });
    http->route(QStringLiteral("/api/recordings"), Method::Get,
                [=](const QHttpServerRequest &req) { return listRecordings(req, ctx, *guard); });
    http->route(QStringLiteral("/api/recordings/<arg>"), Method::Get,
                [=](const QString &id, const QHttpServerRequest &req, QHttpServerResponder &&r) {
                    getRecording(id, req, r, ctx, *guard);
                });
    http->route(QStringLiteral("/api/recordings/<arg>"), Method::Delete,
                [=](const QString &id, const QHttpServerRequest &req) { return deleteRecording(id, req, ctx, *guard); });
}

} // namespace onair
