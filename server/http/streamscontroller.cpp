#include "http/controllers.h"

#include "channels/languagechannels.h"
#include "cluster/redisbus.h"
#include "fanout/hub.h"
#include "http/restsupport.h"
#include "http/servercontext.h"
#include "protocol/streamid.h"
#include "streaming/playerroute.h"

#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QMap>

namespace onair {

namespace {
using Method = QHttpServerRequest::Method;
using Rows = QMap<QString, QJsonObject>; // stream id -> its row in /api/streams

// This replica's live streams.
Rows localStreamRows(Hub *hub)
{
    Rows rows;
    for (const StreamSnapshot &st : hub->snapshot()) {
        if (st.id.startsWith(u'~'))
            continue; // internal (the health probe)
        rows.insert(st.id, QJsonObject{{QStringLiteral("id"), st.id},
                                       {QStringLiteral("speaker_live"), st.speakerLive},
                                       {QStringLiteral("listeners"), st.listeners},
                                       {QStringLiteral("format"), st.format.isEmpty() ? QJsonValue() : QJsonValue(st.format)}});
    }
    return rows;
}

// The other replicas' presence merged in: their listeners added, their speakers live.
void mergeRemoteStreams(const RedisBus *bus, Rows *rows)
{
    for (const RedisBus::Replica &rep : bus->remoteReplicas()) {
        for (auto it = rep.streams.cbegin(); it != rep.streams.cend(); ++it) {
            QJsonObject row = rows->value(it.key(), QJsonObject{{QStringLiteral("id"), it.key()},
                                                                {QStringLiteral("speaker_live"), false},
                                                                {QStringLiteral("listeners"), 0},
                                                                {QStringLiteral("format"), QJsonValue()}});
            row.insert(QStringLiteral("listeners"), row.value(QLatin1String("listeners")).toInt() + it->listeners);
            if (it->speaker) {
                row.insert(QStringLiteral("speaker_live"), true);
                if (!it->format.isEmpty())
                    row.insert(QStringLiteral("format"), it->format);
            }
            rows->insert(it.key(), row);
        }
    }
}

// Standard players' links (docs/protocol.md "Players"), relative to this server.
void addPlayerLinks(Rows *rows)
{
    for (auto it = rows->begin(); it != rows->end(); ++it) {
        it->insert(QStringLiteral("players"),
                   QJsonObject{{QStringLiteral("mp3"), playerPath(it.key(), PlayerRoute::Mp3)},
                               {QStringLiteral("ogg"), playerPath(it.key(), PlayerRoute::Ogg)},
                               {QStringLiteral("m3u"), playerPath(it.key(), PlayerRoute::Playlist)}});
    }
}

// Live interpretation: "main~es" is Spanish for "main" (docs/interpretation.md).
void addTranslations(ServerContext *ctx, Rows *rows)
{
    for (auto it = rows->begin(); it != rows->end(); ++it) {
        QString base, lang;
        if (!parseTranslatedStreamId(it.key(), &base, &lang))
            continue;
        it->insert(QStringLiteral("translation_of"), base);
        it->insert(QStringLiteral("lang"), lang);
        if (!rows->contains(base) || !it->value(QLatin1String("speaker_live")).toBool())
            continue;
        QJsonObject entry{{QStringLiteral("lang"), lang}, {QStringLiteral("stream_id"), it.key()}};
        for (const QJsonValue &c : ctx->interpretationChannels(base))
            if (c.toObject().value(QLatin1String("stream_id")).toString() == it.key())
                entry.insert(QStringLiteral("mode"), c.toObject().value(QLatin1String("mode")));
        // Who is on it: a person, the machine, the floor's own audio (or silence).
        const QString source = ctx->languageChannels() ? ctx->languageChannels()->sourceOf(it.key()) : QString();
        if (!source.isEmpty())
            entry.insert(QStringLiteral("source"), source);
        it->insert(QStringLiteral("source"), source.isEmpty() ? QJsonValue() : QJsonValue(source));
        QJsonArray list = (*rows)[base].value(QLatin1String("translations")).toArray();
        list.append(entry);
        (*rows)[base].insert(QStringLiteral("translations"), list);
    }
}

// The live streams, for the web page's list (open unless --require-listener-token): every
// stream of the cluster, this replica's live state merged with the others' presence.
QHttpServerResponse listStreams(const QHttpServerRequest &req, ServerContext *ctx, const RestGuard &guard)
{
    if (auto denied = guard.requireListenerAccess(guard.callerOf(req)))
        return std::move(*denied);
    Rows rows = localStreamRows(ctx->hub());
    if (const RedisBus *bus = ctx->bus())
        mergeRemoteStreams(bus, &rows);
    addPlayerLinks(&rows);
    addTranslations(ctx, &rows);
    QJsonArray streams;
    for (const QJsonObject &row : std::as_const(rows))
        streams.append(row);
    return QHttpServerResponse(QJsonObject{{QStringLiteral("streams"), streams}});
}

QHttpServerResponse listListeners(const QString &stream, const QHttpServerRequest &req, ServerContext *ctx,
                                  const RestGuard &guard)
{
    if (auto denied = guard.requireAdmin(req, guard.callerOf(req)))
        return std::move(*denied);
    if (const QString e = listenableStreamIdError(stream); !e.isEmpty())
        return restError(HttpStatus::BadRequest, QStringLiteral("invalid_stream_id"), e);
    const QJsonValue replica = ctx->bus() ? QJsonValue(ctx->replicaId()) : QJsonValue();
    QJsonArray out;
    for (const ListenerInfo &l : ctx->listenersOf(stream))
        out.append(QJsonObject{{QStringLiteral("id"), QString::number(l.id)},
                               {QStringLiteral("address"), l.peer},
                               {QStringLiteral("connected_at"), QDateTime::fromMSecsSinceEpoch(l.connectedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                               {QStringLiteral("backlog_bytes"), l.backlog},
                               {QStringLiteral("drops"), l.drops},
                               {QStringLiteral("identity"), l.identity},
                               {QStringLiteral("transport"), l.transport},
                               {QStringLiteral("user_agent"), l.userAgent.isEmpty() ? QJsonValue() : QJsonValue(l.userAgent)},
                               {QStringLiteral("device"), l.device},
                               {QStringLiteral("state"), l.state},
                               {QStringLiteral("delay_ms"), l.delayMs < 0 ? QJsonValue() : QJsonValue(l.delayMs)},
                               {QStringLiteral("underruns"), l.underruns < 0 ? QJsonValue() : QJsonValue(l.underruns)},
                               {QStringLiteral("decoder"), l.decoder.isEmpty() ? QJsonValue() : QJsonValue(l.decoder)},
                               {QStringLiteral("hidden"), l.hidden},
                               {QStringLiteral("replica"), replica}});
    return QHttpServerResponse(QJsonObject{{QStringLiteral("stream_id"), stream}, {QStringLiteral("listeners"), out}});
}
} // namespace

void installStreamRoutes(QHttpServer *http, ServerContext *ctx, const std::shared_ptr<const RestGuard> &guard)
{
    http->route(QStringLiteral("/api/streams"), Method::Get,
                [=](const QHttpServerRequest &req) { return listStreams(req, ctx, *guard); });
    http->route(QStringLiteral("/api/streams/<arg>/listeners"), Method::Get,
                [=](const QString &stream, const QHttpServerRequest &req) { return listListeners(stream, req, ctx, *guard); });
}

} // namespace onair
