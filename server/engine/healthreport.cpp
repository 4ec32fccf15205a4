#include "engine/healthreport.h"

#include "history/journal.h"

#include "cluster/redisbus.h"
#include "engine/engine.h"
#include "monitor/streamwatch.h"
#include "recording/recordings.h"
#include "streaming/playerstreams.h"

#include <QJsonArray>
#include <QMap>

#include <algorithm>

namespace onair {

QJsonObject healthReport(const Engine &e)
{
    const QStringList reasons = e.degradedReasons();
    QJsonObject out{{QStringLiteral("status"), reasons.isEmpty() ? QStringLiteral("ok") : QStringLiteral("degraded")},
                    {QStringLiteral("service"), QStringLiteral("onair")},
                    {QStringLiteral("version"), QStringLiteral(ONAIR_VERSION)},
                    {QStringLiteral("uptime_seconds"), double(e.uptimeMs()) / 1000.0},
                    {QStringLiteral("started_at"), e.startedAt().toString(Qt::ISODateWithMs)}};
    if (!reasons.isEmpty())
        out.insert(QStringLiteral("reasons"), QJsonArray::fromStringList(reasons));
    out.insert(QStringLiteral("tls"), e.secure());
    if (e.bus()) {
        out.insert(QStringLiteral("replica"), e.replicaId());
        out.insert(QStringLiteral("cluster"), e.bus()->connected() ? QStringLiteral("connected") : QStringLiteral("disconnected"));
    }
    out.insert(QStringLiteral("interpretation"), e.interpretationJson());
    if (e.recordings())
        out.insert(QStringLiteral("components"),
                   QJsonObject{{QStringLiteral("recording"), e.recordings()->healthJson()}});
    return out;
}

QJsonObject clusterReport(const Engine &e)
{
    if (!e.bus())
        return {{QStringLiteral("enabled"), false},
                {QStringLiteral("scope"), QStringLiteral("single replica (no --redis)")}};
    const QList<RedisBus::Replica> others = e.bus()->remoteReplicas();
    const QList<StreamSnapshot> local = e.hub()->snapshot();
    struct Row
    {
        int listeners = 0;
        QJsonObject byReplica;
        QString speakerReplica;
    };
    QMap<QString, Row> rows;
    QJsonArray replicas;
    int totalListeners = 0, totalConnections = e.hub()->connections(), speakers = 0;
    int selfListeners = 0;
    for (const StreamSnapshot &s : local) {
        Row &r = rows[s.id];
        r.listeners += s.listeners;
        r.byReplica.insert(e.replicaId(), s.listeners);
        if (s.speakerLive)
            r.speakerReplica = e.replicaId();
        selfListeners += s.listeners;
    }
    replicas.append(QJsonObject{{QStringLiteral("replica"), e.replicaId()},
                                {QStringLiteral("self"), true},
                                {QStringLiteral("connections"), e.hub()->connections()},
                                {QStringLiteral("listeners"), selfListeners},
                                {QStringLiteral("age_ms"), 0}});
    for (const RedisBus::Replica &rep : others) {
        int n = 0;
        for (auto it = rep.streams.cbegin(); it != rep.streams.cend(); ++it) {
            Row &r = rows[it.key()];
            r.listeners += it->listeners;
            r.byReplica.insert(rep.id, it->listeners);
            if (it->speaker)
                r.speakerReplica = rep.id;
            n += it->listeners;
        }
        totalConnections += rep.connections;
        replicas.append(QJsonObject{{QStringLiteral("replica"), rep.id},
                                    {QStringLiteral("self"), false},
                                    {QStringLiteral("connections"), rep.connections},
                                    {QStringLiteral("listeners"), n},
                                    {QStringLiteral("age_ms"), rep.ageMs}});
    }
    QJsonArray streams;
    for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
        totalListeners += it->listeners;
        speakers += it->speakerReplica.isEmpty() ? 0 : 1;
        streams.append(QJsonObject{{QStringLiteral("stream_id"), it.key()},
                                   {QStringLiteral("listeners"), it->listeners},
                                   {QStringLiteral("by_replica"), it->byReplica},
                                   {QStringLiteral("speaker_replica"), it->speakerReplica.isEmpty()
                                                                           ? QJsonValue() : QJsonValue(it->speakerReplica)}});
    }
    const RedisBus::Status st = e.bus()->status();
    return {{QStringLiteral("enabled"), true},
            {QStringLiteral("scope"), QStringLiteral("all replicas")},
            {QStringLiteral("note"), QStringLiteral("other replicas' numbers are their last presence (every %1 ms, "
                                                    "forgotten after %2 ms); this replica's are live")
                                         .arg(e.config().presenceIntervalMs).arg(3 * e.config().presenceIntervalMs)},
            {QStringLiteral("replica"), e.replicaId()},
            {QStringLiteral("redis"), st.connected ? QStringLiteral("connected") : QStringLiteral("disconnected")},
            {QStringLiteral("replicas"), replicas},
            {QStringLiteral("streams"), streams},
            {QStringLiteral("totals"), QJsonObject{{QStringLiteral("replicas"), replicas.size()},
                                                   {QStringLiteral("streams"), streams.size()},
                                                   {QStringLiteral("speakers"), speakers},
                                                   {QStringLiteral("listeners"), totalListeners},
                                                   {QStringLiteral("connections"), totalConnections}}}};
}

// The watch's last second per stream (hearing across replicas, warnings).
static QHash<QString, StreamWatchStatus> watched(const Engine &e)
{
    QHash<QString, StreamWatchStatus> out;
    if (e.watch())
        for (const StreamWatchStatus &w : e.watch()->status())
            out.insert(w.stream, w);
    return out;
}

QJsonObject connectionsReport(const Engine &e)
{
    QJsonArray streams;
    qint64 listeners = 0, players = 0, speakers = 0, framesIn = 0, framesOut = 0, bytesIn = 0, bytesOut = 0, drops = 0;
    HearingCounts hearing;
    const QHash<QString, StreamWatchStatus> watch = watched(e);
    for (const StreamSnapshot &s : e.hub()->snapshot()) {
        QJsonObject speaker{{QStringLiteral("live"), s.speakerLive}};
        if (s.speakerLive)
            speaker.insert(QStringLiteral("address"), s.speakerAddress);
        speaker.insert(QStringLiteral("format"), s.format.isEmpty() ? QJsonValue() : QJsonValue(s.format));
        streams.append(QJsonObject{
            {QStringLiteral("stream_id"), s.id},
            {QStringLiteral("speaker"), speaker},
            {QStringLiteral("listeners"), s.listeners},
            {QStringLiteral("players"), s.players},
            {QStringLiteral("frames_in"), s.framesIn},
            {QStringLiteral("bytes_in"), s.bytesIn},
            {QStringLiteral("frames_out"), s.framesOut},
            {QStringLiteral("bytes_out"), s.bytesOut},
            {QStringLiteral("drops"), s.drops},
            {QStringLiteral("fanout_p99_ms"), s.fanoutP99Ms},
            {QStringLiteral("pipeline"),
             QJsonObject{{QStringLiteral("mode"), s.passthrough ? QStringLiteral("passthrough")
                                                                : QStringLiteral("processed")},
                         {QStringLiteral("circuit"), QString::fromLatin1(breakerStateName(s.pipelineState))}}}});
        StreamWatchStatus w;
        w.stream = s.id;
        w.hearing = s.hearing;
        w = watch.value(s.id, w);
        QJsonObject last = streams.last().toObject();
        const QJsonObject wj = w.toJson();
        last.insert(QStringLiteral("hearing"), wj.value(QLatin1String("hearing")));
        last.insert(QStringLiteral("level_dbfs"), wj.value(QLatin1String("level_dbfs")));
        last.insert(QStringLiteral("warnings"), wj.value(QLatin1String("warnings")));
        streams.replace(streams.size() - 1, last);
        hearing.merge(w.hearing);
        listeners += s.listeners;
        players += s.players;
        speakers += s.speakerLive ? 1 : 0;
        framesIn += s.framesIn;
        framesOut += s.framesOut;
        bytesIn += s.bytesIn;
        bytesOut += s.bytesOut;
        drops += s.drops;
    }
    return {{QStringLiteral("scope"), QStringLiteral("this replica")},
            {QStringLiteral("replica"), e.bus() ? QJsonValue(e.replicaId()) : QJsonValue()},
            {QStringLiteral("cluster"), clusterReport(e)},
            {QStringLiteral("streams"), streams},
            {QStringLiteral("totals"),
             QJsonObject{{QStringLiteral("streams"), streams.size()},
                         {QStringLiteral("speakers"), speakers},
                         {QStringLiteral("listeners"), listeners},
                         {QStringLiteral("players"), players},
                         {QStringLiteral("connections"), e.hub()->connections()},
                         {QStringLiteral("frames_in"), framesIn},
                         {QStringLiteral("frames_out"), framesOut},
                         {QStringLiteral("bytes_in"), bytesIn},
                         {QStringLiteral("bytes_out"), bytesOut},
                         {QStringLiteral("drops"), drops},
                         {QStringLiteral("hearing"), hearing.toJson()}}},
            {QStringLiteral("player_outputs"), e.players() ? e.players()->outputsJson() : QJsonArray()},
            {QStringLiteral("limits"),
             QJsonObject{{QStringLiteral("max_connections"), e.config().maxConnections},
                         {QStringLiteral("max_listeners_per_stream"), e.config().maxListenersPerStream},
                         {QStringLiteral("max_streams"), e.config().maxStreams}}}};
}

namespace {
// The topics' history: what was stored, resumed and put in order (docs/protocol.md).
QJsonObject historyComponent(const Journal &j)
{
    const Journal::Stats st = j.stats();
    return {{QStringLiteral("status"), st.appendFailures > 0 ? QStringLiteral("degraded") : QStringLiteral("ok")},
            {QStringLiteral("epoch"), j.epoch()},
            {QStringLiteral("appended"), st.appended},
            {QStringLiteral("append_failures"), st.appendFailures},
            {QStringLiteral("resumes"), st.recoveries},
            {QStringLiteral("resumed_events"), st.recoveredEvents},
            {QStringLiteral("duplicates_dropped"), st.duplicatesDropped},
            {QStringLiteral("gaps_filled"), st.gapsFilled},
            {QStringLiteral("catch_ups"), st.catchUps}};
}

QByteArray historyMetrics(const Journal &j)
{
    const Journal::Stats st = j.stats();
    QByteArray out;
    const auto counter = [&out](const char *name, const char *help, qint64 value) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " counter\n" + name + ' '
               + QByteArray::number(value) + '\n';
    };
    counter("onair_history_appended_total", "Topic events stored in the history.", st.appended);
    counter("onair_history_append_failures_total", "Topic events sent without an offset: the database failed.", st.appendFailures);
    counter("onair_history_resumes_total", "Topics resumed by clients (subscribe with since).", st.recoveries);
    counter("onair_history_resumed_events_total", "Missed events replayed to resuming clients.", st.recoveredEvents);
    counter("onair_history_duplicates_dropped_total", "Topic events that reached this replica twice and were sent once.", st.duplicatesDropped);
    counter("onair_history_gaps_filled_total", "Holes in a topic's offsets filled from the database.", st.gapsFilled);
    counter("onair_history_catch_ups_total", "Reads of what other replicas stored while Redis was down.", st.catchUps);
    return out;
}
} // namespace

QJsonObject fullHealthReport(Engine &e)
{
    const ProbeResult p = e.probe();
    int open = 0;
    for (const StreamSnapshot &s : e.hub()->snapshot())
        open += s.pipelineState != BreakerState::Closed ? 1 : 0;
    const bool nearLimit = e.hub()->connections() >= e.config().maxConnections * 9 / 10;
    const bool redisDown = e.bus() && !e.bus()->connected();
    QString status = QStringLiteral("ok");
    if (!p.ok)
        status = QStringLiteral("down");
    else if (open > 0 || nearLimit || redisDown)
        status = QStringLiteral("degraded");
    QJsonObject components{
        {QStringLiteral("hub"),
         QJsonObject{{QStringLiteral("status"), p.ok ? QStringLiteral("ok") : QStringLiteral("down")},
                     {QStringLiteral("probe_ok"), p.ok},
                     {QStringLiteral("probe_rtt_ms"), p.rttMs},
                     {QStringLiteral("workers"), e.workerCount()},
                     {QStringLiteral("workers_answered"), p.workersAnswered}}},
        {QStringLiteral("pipeline"),
         QJsonObject{{QStringLiteral("status"), open ? QStringLiteral("degraded") : QStringLiteral("ok")},
                     {QStringLiteral("circuits_open"), open}}},
        {QStringLiteral("connections"),
         QJsonObject{{QStringLiteral("status"), nearLimit ? QStringLiteral("degraded") : QStringLiteral("ok")},
                     {QStringLiteral("current"), e.hub()->connections()},
                     {QStringLiteral("max"), e.config().maxConnections}}},
    };
    if (e.bus()) {
        const RedisBus::Status st = e.bus()->status();
        QJsonObject redis{{QStringLiteral("status"), st.connected ? QStringLiteral("ok") : QStringLiteral("down")},
                          {QStringLiteral("url"), st.url},
                          {QStringLiteral("replica"), e.replicaId()},
                          {QStringLiteral("since"), QDateTime::fromMSecsSinceEpoch(st.sinceMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                          {QStringLiteral("reconnect_attempts"), st.reconnects},
                          {QStringLiteral("published"), e.bus()->published.load()},
                          {QStringLiteral("publish_failures"), e.bus()->publishFailures.load()},
                          {QStringLiteral("received"), e.bus()->received.load()},
                          {QStringLiteral("replicas_seen"), int(e.bus()->remoteReplicas().size())}};
        if (!st.connected)
            redis.insert(QStringLiteral("error"), st.lastError);
        components.insert(QStringLiteral("redis"), redis);
    }
    if (e.journal())
        components.insert(QStringLiteral("history"), historyComponent(*e.journal()));
    if (e.recordings())
        components.insert(QStringLiteral("recording"), e.recordings()->healthJson());
    QJsonObject out = healthReport(e);
    out.insert(QStringLiteral("status"), status);
    out.insert(QStringLiteral("components"), components);
    out.insert(QStringLiteral("fanout_latency_ms"),
               QJsonObject{{QStringLiteral("p50"), e.metrics()->fanoutQuantileMs(0.5)},
                           {QStringLiteral("p99"), e.metrics()->fanoutQuantileMs(0.99)}});
    return out;
}

// "Are they hearing me?" per stream: listeners by state, their delay, the warnings.
static QByteArray hearingMetrics(const Engine &e)
{
    QByteArray out = "# HELP onair_stream_hearing Listeners per stream by what they report hearing (all replicas).\n"
                     "# TYPE onair_stream_hearing gauge\n";
    const QList<StreamWatchStatus> watch = e.watch() ? e.watch()->status() : QList<StreamWatchStatus>();
    for (const StreamWatchStatus &w : watch) {
        for (int i = 0; i < kHearingStates; ++i)
            out += "onair_stream_hearing{stream=\"" + w.stream.toUtf8() + "\",state=\"" + hearingStateName(HearingState(i))
                + "\"} " + QByteArray::number(w.hearing.byState[size_t(i)]) + '\n';
    }
    out += "# HELP onair_stream_delay_ms Mouth-to-ear delay the playing listeners report (median, worst).\n"
           "# TYPE onair_stream_delay_ms gauge\n";
    for (const StreamWatchStatus &w : watch) {
        if (w.hearing.delays.isEmpty())
            continue;
        out += "onair_stream_delay_ms{stream=\"" + w.stream.toUtf8() + "\",stat=\"median\"} "
            + QByteArray::number(w.hearing.medianDelayMs()) + '\n';
        out += "onair_stream_delay_ms{stream=\"" + w.stream.toUtf8() + "\",stat=\"worst\"} "
            + QByteArray::number(w.hearing.worstDelayMs()) + '\n';
    }
    out += "# HELP onair_stream_warning 1 while a stream on air is not heard by anyone / has a silent input.\n"
           "# TYPE onair_stream_warning gauge\n";
    for (const StreamWatchStatus &w : watch) {
        if (!w.live)
            continue;
        out += "onair_stream_warning{stream=\"" + w.stream.toUtf8() + "\",kind=\"nobody_hearing\"} " + (w.unheard ? "1\n" : "0\n");
        out += "onair_stream_warning{stream=\"" + w.stream.toUtf8() + "\",kind=\"input_silent\"} " + (w.silent ? "1\n" : "0\n");
    }
    return out;
}

QByteArray prometheusReport(const Engine &e)
{
    QByteArray out;
    auto metric = [&out](const char *name, const char *type, const char *help, qint64 value) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' + name
            + ' ' + QByteArray::number(value) + '\n';
    };
    const QList<StreamSnapshot> streams = e.hub()->snapshot();
    qint64 listeners = 0, speakers = 0, players = 0;
    for (const StreamSnapshot &s : streams) {
        listeners += s.listeners;
        players += s.players;
        speakers += s.speakerLive ? 1 : 0;
    }
    const Metrics &m = *e.metrics();
    metric("onair_connections", "gauge", "Open WebSocket connections (including handshakes).", e.hub()->connections());
    metric("onair_listeners", "gauge", "Connected listeners.", listeners);
    metric("onair_players", "gauge", "Listeners on the players' HTTP streams (/stream/…), counted in onair_listeners too.", players);
    metric("onair_player_outputs", "gauge", "Streams rendered for players (one per stream and format).",
           e.players() ? e.players()->outputCount() : 0);
    metric("onair_player_chunks_out_total", "counter", "Chunks (Ogg pages, MP3 frames) written to players.", m.playerChunksOut.load());
    metric("onair_speakers", "gauge", "Live speakers.", speakers);
    metric("onair_streams", "gauge", "Streams with a speaker or listeners.", streams.size());
    metric("onair_connections_accepted_total", "counter", "WebSocket connections accepted.", m.connectionsAccepted.load());
    metric("onair_connections_closed_total", "counter", "WebSocket connections closed.", m.connectionsClosed.load());
    metric("onair_http_connections_total", "counter", "Connections served by the HTTP router.", m.httpRequests.load());
    metric("onair_frames_in_total", "counter", "Frames received from speakers and legacy clients.", m.framesIn.load());
    metric("onair_bytes_in_total", "counter", "Bytes received from speakers and legacy clients.", m.bytesIn.load());
    metric("onair_frames_out_total", "counter", "Frames written to listeners.", m.framesOut.load());
    metric("onair_bytes_out_total", "counter", "Bytes written to listeners (framed).", m.bytesOut.load());
    metric("onair_frames_dropped_total", "counter", "Audio frames skipped for slow listeners.", m.drops.load());
    out += "# HELP onair_refusals_total Connections or messages refused, by reason.\n"
           "# TYPE onair_refusals_total counter\n";
    for (int i = 0; i < int(Refusal::Count); ++i) {
        out += QByteArray("onair_refusals_total{reason=\"") + refusalName(Refusal(i)) + "\"} "
            + QByteArray::number(m.refusals(Refusal(i))) + '\n';
    }
    out += "# HELP onair_stream_listeners Listeners per stream.\n# TYPE onair_stream_listeners gauge\n";
    for (const StreamSnapshot &s : streams)
        out += "onair_stream_listeners{stream=\"" + s.id.toUtf8() + "\"} " + QByteArray::number(s.listeners) + '\n';
    out += "# HELP onair_stream_players Listeners on the players' HTTP streams per stream.\n# TYPE onair_stream_players gauge\n";
    for (const StreamSnapshot &s : streams)
        out += "onair_stream_players{stream=\"" + s.id.toUtf8() + "\"} " + QByteArray::number(s.players) + '\n';
    out += "# HELP onair_stream_frames_in_total Frames received per stream.\n"
           "# TYPE onair_stream_frames_in_total counter\n";
    for (const StreamSnapshot &s : streams)
        out += "onair_stream_frames_in_total{stream=\"" + s.id.toUtf8() + "\"} " + QByteArray::number(s.framesIn) + '\n';
    if (e.bus()) {
        metric("onair_redis_connected", "gauge", "1 while this replica is connected to Redis.", e.bus()->connected() ? 1 : 0);
        metric("onair_redis_published_total", "counter", "Messages published to Redis.", e.bus()->published.load());
        metric("onair_redis_publish_failures_total", "counter", "Messages that could not be published (Redis down or failing).",
               e.bus()->publishFailures.load());
        metric("onair_redis_received_total", "counter", "Messages received from other replicas.", e.bus()->received.load());
        metric("onair_redis_reconnect_attempts_total", "counter", "Reconnect attempts to Redis.", e.bus()->status().reconnects);
        metric("onair_cluster_replicas", "gauge", "Replicas seen through presence, this one included.",
               qint64(e.bus()->remoteReplicas().size()) + 1);
    }
    out += hearingMetrics(e);
    if (const Recordings *r = e.recordings()) {
        const QList<RecordingStatus> statuses = r->statuses();
        metric("onair_recordings_active", "gauge", "Streams being recorded on this replica.",
               std::count_if(statuses.cbegin(), statuses.cend(), [](const RecordingStatus &s) { return s.recording; }));
        metric("onair_recording_failures_total", "counter", "Recordings stopped by the disk (full, not writable).",
               r->failures());
        metric("onair_recording_dropped_total", "counter", "Payloads dropped before the disk (the recorder fell behind).",
               r->droppedPayloads());
    }
    if (e.journal())
        out += historyMetrics(*e.journal());
    out += prometheusHistogram(m);
    return out;
}

} // namespace onair
