#include "http/controllers.h"

#include "history/journal.h"
#include "http/restsupport.h"
#include "http/servercontext.h"
#include "protocol/topics.h"

#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QUrlQuery>

namespace onair {

namespace {
using Method = QHttpServerRequest::Method;
constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;

// A query parameter as an integer in [min, max]; `fallback` when absent, nullopt when malformed.
std::optional<qint64> integerParam(const QUrlQuery &q, const char *name, qint64 fallback, qint64 min, qint64 max)
{
    const QString key = QString::fromLatin1(name);
    if (!q.hasQueryItem(key))
        return fallback;
    bool ok = false;
    const qint64 v = q.queryItemValue(key, QUrl::FullyDecoded).toLongLong(&ok);
    if (!ok || v < min || v > max)
        return std::nullopt;
    return v;
}

// GET /api/topics/{topic}/history?since=OFFSET&limit=N: the kept events of a topic after
// OFFSET, oldest first (listener token rules as /api/streams).
QHttpServerResponse topicHistory(const QString &topic, const QHttpServerRequest &req, ServerContext *ctx,
                                 const RestGuard &guard)
{
    if (auto denied = guard.requireListenerAccess(guard.callerOf(req)))
        return std::move(*denied);
    if (const QString e = topicError(topic); !e.isEmpty() || topic == kTopicAll || topic == kTopicStreams)
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_topic"),
                         e.isEmpty() ? QStringLiteral("'%1' gathers topics; ask for one of them").arg(topic) : e);
    const QUrlQuery query(req.url());
    const auto since = integerParam(query, "since", 0, 0, std::numeric_limits<qint64>::max());
    if (!since)
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_since"),
                         QStringLiteral("since must be a non-negative integer (an offset)"));
    const auto limit = integerParam(query, "limit", kDefaultLimit, 1, kMaxLimit);
    if (!limit)
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_limit"),
                         QStringLiteral("limit must be an integer from 1 to %1").arg(kMaxLimit));
    Journal *journal = ctx->journal();
    if (!journal)
        return restError(HttpStatus::NotFound, QStringLiteral("history_off"),
                         QStringLiteral("this server keeps no topic history (--no-history)"));
    QString error;
    const auto page = journal->page(topic, *since, int(*limit), &error);
    if (!page)
        return restError(HttpStatus::ServiceUnavailable, QStringLiteral("store_unavailable"),
                         QStringLiteral("the database failed: %1").arg(error));
    QJsonArray events;
    for (const TopicEvent &e : page->events)
        events.append(QJsonObject{{QStringLiteral("offset"), e.offset},
                                  {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                                  {QStringLiteral("data"), e.data}});
    return QHttpServerResponse(QJsonObject{{QStringLiteral("topic"), topic},
                                           {QStringLiteral("epoch"), journal->epoch()},
                                           {QStringLiteral("first_offset"), page->first},
                                           {QStringLiteral("last_offset"), page->head},
                                           {QStringLiteral("events"), events}});
}
} // namespace

void installHistoryRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard)
{
    http->route(QStringLiteral("/api/topics/<arg>/history"), Method::Get,
                [=](const QString &topic, const QHttpServerRequest &req) { return topicHistory(topic, req, ctx, *guard); });
}

} // namespace onair
