#include "engine/serveroptions.h"

#include "streaming/mp3encoder.h"

#include "net/ratelimit.h"
#include "protocol/streamid.h"

#include <QCommandLineParser>
#include <QDir>
#include <QRegularExpression>
#include <QUrl>
#include <QStandardPaths>

#include <limits>

namespace onair {

namespace {
struct IntOption
{
    const char *name;
    const char *help;
    int EngineConfig::*field;
    int min;
};
struct BytesOption
{
    const char *name;
    const char *help;
    qint64 EngineConfig::*field;
    qint64 min;
};

const IntOption kIntOptions[] = {
    {"workers", "Fan-out worker threads (0 = one per core).", &EngineConfig::workers, 0},
    {"max-listeners", "Maximum listeners per stream.", &EngineConfig::maxListenersPerStream, 1},
    {"max-connections", "Maximum WebSocket connections in total.", &EngineConfig::maxConnections, 1},
    {"max-streams", "Maximum concurrent streams.", &EngineConfig::maxStreams, 1},
    {"history-max-age", "Topic history: events older than this many seconds are pruned.", &EngineConfig::historyMaxAgeS, 1},
    {"history-max-events", "Topic history: events kept per topic.", &EngineConfig::historyMaxEvents, 1},
    {"history-max-recover", "Topic history: missed events of one topic a resume replays (more: recovered:false).", &EngineConfig::historyMaxRecover, 1},
    {"banner-min-expiry", "Banners: shortest expires_in a create request may ask, seconds.", &EngineConfig::bannerMinExpiryS, 1},
    {"banner-max-expiry", "Banners: longest expires_in a create request may ask, seconds.", &EngineConfig::bannerMaxExpiryS, 1},
    {"banner-max-schedule", "Banners: how far ahead starts_at may be, seconds.", &EngineConfig::bannerMaxScheduleS, 1},
    {"banner-receipt-list", "Banners: identities listed as not dismissed in the receipts (per replica and in total).", &EngineConfig::bannerReceiptList, 0},
    {"ping-interval", "WebSocket ping interval in ms.", &EngineConfig::pingIntervalMs, 10},
    {"ping-timeout", "Close a client that has not answered a ping within this many ms.", &EngineConfig::pingTimeoutMs, 10},
    {"handshake-timeout", "Time allowed for a request head or WebSocket handshake, ms.", &EngineConfig::handshakeTimeoutMs, 10},
    {"slow-grace", "How long a listener may stay over --slow-soft-bytes before it is closed, ms.", &EngineConfig::slowGraceMs, 0},
    {"pipeline-timeout", "Per-frame timeout of a processing pipeline, ms.", &EngineConfig::pipelineTimeoutMs, 1},
    {"pipeline-retries", "Retries of a failed pipeline stage per frame.", &EngineConfig::pipelineRetries, 0},
    {"breaker-threshold", "Consecutive pipeline failures that open the circuit.", &EngineConfig::breakerThreshold, 1},
    {"breaker-cooldown", "Time the circuit stays open before a trial, ms.", &EngineConfig::breakerCooldownMs, 1},
    {"shutdown-grace", "Time given to clients to close on SIGTERM, ms.", &EngineConfig::shutdownGraceMs, 0},
    {"presence-interval", "How often a replica publishes its counts to the cluster, ms (expire after 3x).", &EngineConfig::presenceIntervalMs, 50},
    {"speaker-lease", "Cluster-wide speaker lease in Redis, ms (renewed every third of it).", &EngineConfig::speakerLeaseMs, 300},
    {"redis-max-pending", "Redis commands awaiting a reply before further publishes are dropped (counted).", &EngineConfig::redisMaxPending, 1},
    {"request-timeout", "Time allowed for a request body after its first byte, ms.", &EngineConfig::requestTimeoutMs, 10},
    {"http-idle-timeout", "Close a keep-alive HTTP connection idle for this long, ms.", &EngineConfig::httpIdleTimeoutMs, 100},
    {"connect-rate", "New connections per second per client address (0 = no limit).", &EngineConfig::connectRate, 0},
    {"connect-burst", "Connections a client address may open at once before --connect-rate applies.", &EngineConfig::connectBurst, 1},
    {"admin-rate", "Admin REST calls per second per client address (0 = no limit).", &EngineConfig::adminRate, 0},
    {"admin-burst", "Admin REST calls a client address may make at once before --admin-rate applies.", &EngineConfig::adminBurst, 1},
    {"redis-retry-max", "Longest wait between Redis reconnect attempts, ms (backoff from 100 ms).", &EngineConfig::redisRetryMaxMs, 100},
    {"stt-silence", "Interpretation: non-speech that ends an utterance, ms.", &EngineConfig::sttSilenceMs, 100},
    {"stt-second-pass", "Interpretation: 1 = the recogniser's second pass (better captions), 0 = off (~250 ms sooner).", &EngineConfig::sttSecondPass, 0},
    {"max-utterance", "Interpretation: longest utterance before it is cut, ms.", &EngineConfig::maxUtteranceMs, 1000},
    {"stt-max-backlog", "Interpretation: audio waiting for the recogniser beyond which it is dropped, ms.", &EngineConfig::sttMaxBacklogMs, 200},
    {"translate-timeout", "Interpretation: time allowed to translate one utterance, ms.", &EngineConfig::translateTimeoutMs, 50},
    {"tts-timeout", "Interpretation: time allowed to synthesise one utterance, ms.", &EngineConfig::ttsTimeoutMs, 50},
    {"tts-rate", "Interpretation: speaking rate of the translated speech, words per minute.", &EngineConfig::ttsWordsPerMinute, 80},
    {"stage-retries", "Interpretation: immediate retries of a failed translation or synthesis.", &EngineConfig::stageRetries, 0},
    {"stage-breaker-threshold", "Interpretation: consecutive failures that open a stage's circuit.", &EngineConfig::stageBreakerThreshold, 1},
    {"stage-breaker-cooldown", "Interpretation: time a stage's circuit stays open before a trial, ms.", &EngineConfig::stageBreakerCooldownMs, 100},
    {"max-speech-backlog", "Interpretation: translated speech waiting to play beyond which the oldest is dropped, ms.", &EngineConfig::maxSpeechBacklogMs, 1000},
    {"translated-bitrate", "Interpretation: Opus bitrate of the translated channels, b/s.", &EngineConfig::translatedBitrate, 6000},
    {"listener-report-interval", "Listener reports (listener_report) faster than one per this many ms are ignored.", &EngineConfig::listenerReportMinIntervalMs, 100},
    {"listener-report-stale", "A listener's last report older than this many ms no longer counts (state unknown).", &EngineConfig::listenerReportStaleMs, 1000},
    {"hand-over-timeout", "Interpreters: a hand-over no booth partner took within this many s is withdrawn (0 = never).", &EngineConfig::handOverTimeoutS, 0},
    {"warn-unheard", "Warn when a stream on air has had nobody hearing it for this many s (0 = off).", &EngineConfig::warnUnheardS, 0},
    {"warn-silence", "Warn when a stream on air has had a silent input for this many s (0 = off).", &EngineConfig::warnSilenceS, 0},
    {"silence-threshold", "Input below this RMS level in dBFS counts as silent (--warn-silence).", &EngineConfig::silenceThresholdDbfs, -120},
    {"recordings-keep-days", "Recordings: delete those older than this many days (0 = keep).", &EngineConfig::recordingsKeepDays, 0},
    {"recording-idle-stop", "Recordings: a --record/--record-all recording ends after this many s without a speaker.", &EngineConfig::recordingIdleStopS, 1},
    {"mp3-bitrate", "Players: MP3 bit rate of /stream/{id}.mp3, kb/s (32-320, an MPEG-1 rate).", &EngineConfig::mp3Kbps, 32},
    {"player-burst-ms", "Players: audio a player gets at once when it joins, ms (near live).", &EngineConfig::playerBurstMs, 0},
    {"player-chunk-ms", "Players: audio per chunk of Ogg pages / MP3 frames sent to players, ms.", &EngineConfig::playerChunkMs, 20},
    {"player-opus-bitrate", "Players: Opus bitrate of /stream/{id}.ogg for a PCM speaker (encoded once per stream), b/s.", &EngineConfig::playerOpusBitrate, 6000},
};
const BytesOption kBytesOptions[] = {
    {"max-frame-bytes", "Largest binary frame a speaker may send.", &EngineConfig::maxFrameBytes, 16},
    {"max-json-bytes", "Largest JSON control message.", &EngineConfig::maxJsonBytes, 16},
    {"slow-soft-bytes", "Unsent backlog past which a listener skips audio frames.", &EngineConfig::slowSoftBytes, 0},
    {"max-header-bytes", "Largest HTTP request head (431 above).", &EngineConfig::maxHeaderBytes, 256},
    {"slow-hard-bytes", "Unsent backlog past which a listener is closed at once.", &EngineConfig::slowHardBytes, 1},
    {"recording-max-bytes", "Recordings: largest file; then the recording goes on in a new one.", &EngineConfig::recordingMaxBytes, 4096},
    {"recordings-max-total-bytes", "Recordings: all of this replica's files together (0 = no cap); oldest deleted first, never one recording.", &EngineConfig::recordingsMaxTotalBytes, 0},
};

QString envName(const char *flag)
{
    return QStringLiteral("ONAIR_") + QString::fromLatin1(flag).toUpper().replace(u'-', u'_');
}

// Flag value, else environment value, else empty.
QString valueOf(const QCommandLineParser &p, const char *flag)
{
    const QString name = QString::fromLatin1(flag);
    if (p.isSet(name))
        return p.value(name);
    return qEnvironmentVariable(envName(flag).toLatin1().constData());
}

QString defaultText(qint64 v) { return QString::number(v); }
} // namespace

void addEngineOptions(QCommandLineParser &parser)
{
    const EngineConfig d;
    auto add = [&parser](const char *name, const QString &help, const QString &valueName, const QString &def) {
        parser.addOption(QCommandLineOption(QString::fromLatin1(name),
                                            help + QStringLiteral(" [env %1, default %2]").arg(envName(name), def),
                                            valueName));
    };
    add("port", QStringLiteral("TCP port for HTTP and WebSocket (0 picks a free one)."), QStringLiteral("port"),
        defaultText(d.port));
    add("bind", QStringLiteral("Address to listen on (0.0.0.0 for the whole network)."), QStringLiteral("address"),
        d.bindAddress.toString());
    add("data-dir", QStringLiteral("Directory for the server's data."), QStringLiteral("dir"),
        QStringLiteral("the user data directory"));
    add("secret", QStringLiteral("Token signing secret (else <data-dir>/secret.key, created on first start)."),
        QStringLiteral("secret"), QStringLiteral("from the data directory"));
    add("max-body-bytes", QStringLiteral("Largest REST request body."), QStringLiteral("bytes"), defaultText(d.maxBodyBytes));
    add("max-topics", QStringLiteral("Topics one events client may subscribe to."), QStringLiteral("n"),
        defaultText(d.maxTopicsPerClient));
    add("watch", QStringLiteral("Directory whose file changes become file_events (repeatable; env: ':'-separated)."),
        QStringLiteral("dir"), QStringLiteral("none"));
    add("database", QStringLiteral("Shared store: postgresql://user:password@host:port/dbname (default: SQLite in the data directory)."),
        QStringLiteral("url"), QStringLiteral("sqlite"));
    add("redis", QStringLiteral("Join the replicas of this cluster through Redis: redis://[[user]:password@]host:port[/db]."),
        QStringLiteral("url"), QStringLiteral("none (single replica)"));
    add("replica-id", QStringLiteral("This replica's name in the cluster (letters, digits, . _ -)."),
        QStringLiteral("name"), QStringLiteral("host-port-random"));
    add("allowed-origins", QStringLiteral("Web origins (scheme://host:port, comma-separated, * = any) whose pages may open WebSockets, besides the server's own."),
        QStringLiteral("origins"), QStringLiteral("the server's own"));
    add("rate-limit-exempt", QStringLiteral("Addresses/subnets never rate limited (comma-separated, or none)."),
        QStringLiteral("subnets"), QStringLiteral("127.0.0.0/8,::1"));
    add("tls-cert", QStringLiteral("PEM certificate (chain): serve HTTPS and WSS on the port (with --tls-key)."),
        QStringLiteral("file"), QStringLiteral("none (plain HTTP)"));
    add("tls-key", QStringLiteral("PEM private key of --tls-cert."), QStringLiteral("file"), QStringLiteral("none"));
    add("plain-http", QStringLiteral("With --tls-cert: also answer plain HTTP on the port, for listening only (pages, players, /ws/listen, /ws/events; no speaking, no changes)."),
        QStringLiteral("on|off"), QStringLiteral("on"));
    add("translate", QStringLiteral("Live interpretation: offer <stream>~<lang> and captions for these target languages (comma-separated, e.g. es)."),
        QStringLiteral("langs"), QStringLiteral("none"));
    add("translate-source", QStringLiteral("Live interpretation: the speakers' language."), QStringLiteral("lang"), d.translateSource);
    add("stt-model", QStringLiteral("Interpretation: pocketsphinx model directory."), QStringLiteral("dir"), d.sttModelDir);
    add("apertium-modes", QStringLiteral("Interpretation: Apertium modes directory."), QStringLiteral("dir"), d.apertiumModesDir);
    parser.addOption(QCommandLineOption(QStringLiteral("open-speakers"),
                                        QStringLiteral("Let anyone speak without a token (benchmarks, closed networks). [env ONAIR_OPEN_SPEAKERS=1]")));
    add("record", QStringLiteral("Recordings: record these streams whenever they are on air here (comma-separated)."),
        QStringLiteral("streams"), QStringLiteral("none"));
    parser.addOption(QCommandLineOption(QStringLiteral("record-all"),
                                        QStringLiteral("Recordings: record every stream on air here. [env ONAIR_RECORD_ALL=1]")));
    parser.addOption(QCommandLineOption(QStringLiteral("public-recordings"),
                                        QStringLiteral("Recordings: listing and playback without an admin token (deleting still needs one). [env ONAIR_PUBLIC_RECORDINGS=1]")));
    parser.addOption(QCommandLineOption(QStringLiteral("no-history"),
                                        QStringLiteral("Keep no topic history: events carry no offsets, resumes answer recovered:false. [env ONAIR_NO_HISTORY=1]")));
    parser.addOption(QCommandLineOption(QStringLiteral("require-listener-token"),
                                        QStringLiteral("Require a token to listen and to use the events channel. [env ONAIR_REQUIRE_LISTENER_TOKEN=1]")));
    for (const IntOption &o : kIntOptions)
        add(o.name, QString::fromLatin1(o.help), QStringLiteral("n"), defaultText(d.*(o.field)));
    for (const BytesOption &o : kBytesOptions)
        add(o.name, QString::fromLatin1(o.help), QStringLiteral("bytes"), defaultText(d.*(o.field)));
}

namespace {
// An option with a value, checked and applied by its own function (called when it is given):
// an error message, or empty.
struct TextOption
{
    const char *name;
    QString (*apply)(const QString &v, EngineConfig *config);
};

QString applyPort(const QString &v, EngineConfig *config)
{
    bool ok = false;
    const uint port = v.toUInt(&ok);
    if (!ok || port > 65535)
        return QStringLiteral("--port: '%1' is not a port number (0-65535)").arg(v);
    config->port = quint16(port);
    return {};
}

QString applyBind(const QString &v, EngineConfig *config)
{
    QHostAddress a;
    if (v == QLatin1String("localhost"))
        a = QHostAddress::LocalHost;
    else if (!a.setAddress(v))
        return QStringLiteral("--bind: '%1' is not an IP address").arg(v);
    config->bindAddress = a;
    return {};
}

QString applySecret(const QString &v, EngineConfig *config)
{
    if (v.size() < 16)
        return QStringLiteral("--secret: use at least 16 characters");
    config->secret = v.toUtf8();
    return {};
}

// An integer of at least `min` that fits the field.
template<typename T>
QString applyNumber(const QString &v, const char *name, T *field, qint64 min)
{
    bool ok = false;
    const qint64 n = v.toLongLong(&ok);
    if (!ok || n < min || n > std::numeric_limits<T>::max())
        return QStringLiteral("--%1: '%2' must be an integer >= %3").arg(QString::fromLatin1(name), v).arg(min);
    *field = T(n);
    return {};
}

QString applyDatabase(const QString &v, EngineConfig *config)
{
    const QUrl u(v);
    if (v != QLatin1String("sqlite") && (!u.isValid() || (u.scheme() != QLatin1String("postgresql") && u.scheme() != QLatin1String("postgres"))
                                        || u.host().isEmpty() || u.path().size() < 2))
        return QStringLiteral("--database: '%1' is not postgresql://user:password@host:port/dbname").arg(v);
    config->databaseUrl = v == QLatin1String("sqlite") ? QString() : v;
    return {};
}

QString applyRedis(const QString &v, EngineConfig *config)
{
    const QUrl u(v);
    bool dbOk = true;
    if (u.path().size() > 1)
        u.path().mid(1).toUInt(&dbOk);
    if (!u.isValid() || u.scheme() != QLatin1String("redis") || u.host().isEmpty() || !dbOk)
        return QStringLiteral("--redis: '%1' is not redis://host:port[/db]").arg(v);
    config->redisUrl = v;
    return {};
}

QString applyReplicaId(const QString &v, EngineConfig *config)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (!valid.match(v).hasMatch())
        return QStringLiteral("--replica-id: '%1' must be 1-64 letters, digits, '.', '_' or '-'").arg(v);
    config->replicaId = v;
    return {};
}

QString applyAllowedOrigins(const QString &v, EngineConfig *config)
{
    config->allowedOrigins.clear();
    for (const QString &part : v.split(u',', Qt::SkipEmptyParts)) {
        const QString o = part.trimmed();
        const QUrl u(o);
        if (o != QLatin1String("*") && (!u.isValid() || u.host().isEmpty() || !u.path().isEmpty()
                                        || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))))
            return QStringLiteral("--allowed-origins: '%1' is not an origin like https://example.org:8443").arg(o);
        config->allowedOrigins.append(o);
    }
    return {};
}

QString applyRateLimitExempt(const QString &v, EngineConfig *config)
{
    QString why;
    if (!parseSubnets(v, &config->rateLimitExempt, &why))
        return QStringLiteral("--rate-limit-exempt: ") + why;
    return {};
}

QString applyTranslate(const QString &v, EngineConfig *config)
{
    config->translateTargets.clear();
    for (const QString &part : v.split(u',', Qt::SkipEmptyParts)) {
        const QString lang = part.trimmed();
        if (!isValidLanguageCode(lang))
            return QStringLiteral("--translate: '%1' is not a language code like es").arg(lang.left(16));
        if (!config->translateTargets.contains(lang))
            config->translateTargets.append(lang);
    }
    if (config->translateTargets.size() > 8)
        return QStringLiteral("--translate: at most 8 languages");
    return {};
}

QString applyTranslateSource(const QString &v, EngineConfig *config)
{
    if (!isValidLanguageCode(v))
        return QStringLiteral("--translate-source: '%1' is not a language code like en").arg(v.left(16));
    config->translateSource = v;
    return {};
}

QString applyRecord(const QString &v, EngineConfig *config)
{
    config->recordStreams.clear();
    for (const QString &part : v.split(u',', Qt::SkipEmptyParts)) {
        const QString id = part.trimmed();
        if (const QString why = listenableStreamIdError(id); !why.isEmpty())
            return QStringLiteral("--record: '%1': %2").arg(id.left(70), why);
        if (!config->recordStreams.contains(id))
            config->recordStreams.append(id);
    }
    return {};
}

QString applyPlainHttp(const QString &v, EngineConfig *config)
{
    if (v != QLatin1String("on") && v != QLatin1String("off"))
        return QStringLiteral("--plain-http: 'on' or 'off'");
    config->plainHttp = v == QLatin1String("on");
    return {};
}

// In the order they are checked: the first error is the one reported.
const TextOption kLeadingOptions[] = {
    {"port", applyPort},
    {"bind", applyBind},
    {"data-dir", [](const QString &v, EngineConfig *c) { c->dataDir = v; return QString(); }},
};
const TextOption kTextOptions[] = {
    {"secret", applySecret},
    {"max-body-bytes", [](const QString &v, EngineConfig *c) { return applyNumber(v, "max-body-bytes", &c->maxBodyBytes, 64); }},
    {"max-topics", [](const QString &v, EngineConfig *c) { return applyNumber(v, "max-topics", &c->maxTopicsPerClient, 1); }},
    {"database", applyDatabase},
    {"redis", applyRedis},
    {"replica-id", applyReplicaId},
    {"allowed-origins", applyAllowedOrigins},
    {"rate-limit-exempt", applyRateLimitExempt},
    {"translate", applyTranslate},
    {"record", applyRecord},
    {"translate-source", applyTranslateSource},
    {"stt-model", [](const QString &v, EngineConfig *c) { c->sttModelDir = v; return QString(); }},
    {"apertium-modes", [](const QString &v, EngineConfig *c) { c->apertiumModesDir = v; return QString(); }},
};
const TextOption kLateOptions[] = {
    {"plain-http", applyPlainHttp},
};

template<size_t N>
QString applyTextOptions(const QCommandLineParser &parser, const TextOption (&options)[N], EngineConfig *config)
{
    for (const TextOption &o : options) {
        if (const QString v = valueOf(parser, o.name); !v.isEmpty()) {
            if (QString error = o.apply(v, config); !error.isEmpty())
                return error;
        }
    }
    return {};
}

template<typename Option>
QString applyNumberOptions(const QCommandLineParser &parser, const Option &options, EngineConfig *config)
{
    for (const auto &o : options) {
        if (const QString v = valueOf(parser, o.name); !v.isEmpty()) {
            if (QString error = applyNumber(v, o.name, &(config->*(o.field)), o.min); !error.isEmpty())
                return error;
        }
    }
    return {};
}

// Checks across options, after they are all read.
QString checkCombinations(const EngineConfig &config)
{
    if (config.translateTargets.contains(config.translateSource))
        return QStringLiteral("--translate: '%1' is the source language").arg(config.translateSource);
    if (!isValidMp3Bitrate(config.mp3Kbps))
        return QStringLiteral("--mp3-bitrate: %1 is not an MPEG-1 Layer III rate (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)")
            .arg(config.mp3Kbps);
    if (config.playerBurstMs > 5000)
        return QStringLiteral("--player-burst-ms: at most 5000 (players should start near live)");
    if (config.playerChunkMs > 1000)
        return QStringLiteral("--player-chunk-ms: at most 1000");
    if (config.bannerMinExpiryS > config.bannerMaxExpiryS)
        return QStringLiteral("--banner-min-expiry: %1 is above --banner-max-expiry (%2)")
            .arg(config.bannerMinExpiryS)
            .arg(config.bannerMaxExpiryS);
    return {};
}
} // namespace

QString applyEngineOptions(const QCommandLineParser &parser, EngineConfig *config)
{
    QString error = applyTextOptions(parser, kLeadingOptions, config);
    if (config->dataDir.isEmpty())
        config->dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (error.isEmpty())
        error = applyNumberOptions(parser, kIntOptions, config);
    if (error.isEmpty())
        error = applyNumberOptions(parser, kBytesOptions, config);
    if (error.isEmpty())
        error = applyTextOptions(parser, kTextOptions, config);
    if (error.isEmpty())
        error = checkCombinations(*config);
    if (error.isEmpty())
        error = applyTextOptions(parser, kLateOptions, config);
    if (!error.isEmpty())
        return error;
    config->tlsCertPath = valueOf(parser, "tls-cert");
    config->tlsKeyPath = valueOf(parser, "tls-key");
    if (config->tlsCertPath.isEmpty() != config->tlsKeyPath.isEmpty())
        return QStringLiteral("--tls-cert and --tls-key go together");
    config->watchDirs = parser.values(QStringLiteral("watch"));
    if (config->watchDirs.isEmpty() && qEnvironmentVariableIsSet("ONAIR_WATCH"))
        config->watchDirs = qEnvironmentVariable("ONAIR_WATCH").split(u':', Qt::SkipEmptyParts);
    auto flag = [&parser](const char *name) {
        return parser.isSet(QString::fromLatin1(name)) || qEnvironmentVariable(envName(name).toLatin1().constData()) == QLatin1String("1");
    };
    config->openSpeakers = flag("open-speakers");
    config->requireListenerToken = flag("require-listener-token");
    config->history = !flag("no-history");
    config->recordAll = flag("record-all");
    config->publicRecordings = flag("public-recordings");
    if (config->slowHardBytes < config->slowSoftBytes)
        return QStringLiteral("--slow-hard-bytes must not be below --slow-soft-bytes");
    return {};
}

} // namespace onair
