#pragma once

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace onair {

// Every tunable of the engine. Each field has a command-line flag and an ONAIR_* environment
// variable (see serveroptions.cpp); the defaults here are the documented ones.
struct EngineConfig
{
    QHostAddress bindAddress = QHostAddress::LocalHost;
    quint16 port = 8765;            // 0 picks a free port
    int workers = 0;                // 0 = one per core
    QString dataDir;                // empty = platform default

    // Limits
    int maxListenersPerStream = 10000;
    int maxConnections = 18000;     // all WebSocket connections together
    int maxStreams = 256;
    qint64 maxFrameBytes = 64 * 1024;   // one binary audio frame from a speaker
    qint64 maxJsonBytes = 16 * 1024;    // one text/JSON control message

    // Heartbeats
    int pingIntervalMs = 15000;
    int pingTimeoutMs = 10000;
    int handshakeTimeoutMs = 10000;

    // Slow listeners: while the unsent backlog is past the soft bound, audio frames are skipped
    // (skip to live, counted as drops); a listener that stays past it for slowGraceMs, or
    // passes the hard bound at all, is closed with 1008 "slow consumer".
    qint64 slowSoftBytes = 32 * 1024;
    qint64 slowHardBytes = 1024 * 1024;
    int slowGraceMs = 5000;

    // Resilience around a non-passthrough pipeline.
    int pipelineTimeoutMs = 200;
    int pipelineRetries = 2;
    int breakerThreshold = 5;       // consecutive failures before the circuit opens
    int breakerCooldownMs = 5000;   // open time before a half-open trial

    int shutdownGraceMs = 1500;     // SIGTERM: time given to close frames to flush

    // Authentication: speaking and admin calls need a token unless openSpeakers (for
    // benchmarks and closed networks); listening and events are open unless
    // requireListenerToken. The secret comes from here, else <dataDir>/secret.key.
    bool openSpeakers = false;
    bool requireListenerToken = false;
    QByteArray secret;

    qint64 maxBodyBytes = 16 * 1024; // REST request bodies
    int maxTopicsPerClient = 64;
    // Topic history (durable events, resume with `since`).
    bool history = true;
    int historyMaxAgeS = 24 * 3600;  // events older than this are pruned
    int historyMaxEvents = 10000;    // per topic
    int historyMaxRecover = 1000;    // missed events of one topic a resume may replay
    QStringList watchDirs;           // --watch: file changes become file_events
    // Banners (issue 19): bounds of a create request's expires_in and starts_at, and the
    // longest not-dismissed list of the receipts.
    int bannerMinExpiryS = 10;
    int bannerMaxExpiryS = 86400;
    int bannerMaxScheduleS = 7 * 86400;
    int bannerReceiptList = 200;

    // Replicas. databaseUrl: empty = SQLite in dataDir, or postgresql://user:pass@host:port/db.
    // redisUrl: empty = single replica, or redis://host:port[/db] joins the cluster bus.
    QString databaseUrl;
    QString redisUrl;
    QString replicaId;               // empty = generated at start (host-port-random)
    int presenceIntervalMs = 1000;   // how often a replica publishes its counts (TTL = 3x)
    int speakerLeaseMs = 10000;      // cluster-wide speaker lease; renewed every third of it
    int redisRetryMaxMs = 5000;      // reconnect backoff cap (starts at 100 ms, doubles)
    int redisMaxPending = 10000;     // Redis commands in flight before publishes are dropped

    // HTTP hygiene: every request's head and body are bounded in size and time (the acceptor
    // answers 400/408/411/413/431 itself, before QHttpServer buffers anything).
    qint64 maxHeaderBytes = 16 * 1024;
    int requestTimeoutMs = 10000;    // a request's body must arrive within this of its first byte
    int httpIdleTimeoutMs = 30000;   // a keep-alive connection without traffic is closed

    // Browser security: WebSocket upgrades carrying an Origin must match the request's own
    // Host (the server's own pages) or one of these ("*" allows any).
    QStringList allowedOrigins;

    // Rate limits per client address (token buckets; 0 = off), answered with 429 + Retry-After.
    int connectRate = 20;            // new TCP connections per second
    int connectBurst = 100;
    int adminRate = 10;              // admin REST calls per second
    int adminBurst = 30;
    QList<QPair<QHostAddress, int>> rateLimitExempt{{QHostAddress(QStringLiteral("127.0.0.0")), 8},
                                                    {QHostAddress(QStringLiteral("::1")), 128}};

    // TLS: both set = HTTPS and WSS on the one port (PEM files). plainHttp: the same port also
    // answers plain HTTP and WS for listening only (pages, /ws/listen, /ws/events, /stream/…,
    // GET requests), so a phone can join without a certificate warning; speaking and every
    // call that changes something need TLS.
    QString tlsCertPath;
    QString tlsKeyPath;
    bool plainHttp = true;

    // Standard players (/stream/{id}.ogg and .mp3, docs/protocol.md "Players").
    int mp3Kbps = 64;                // MP3 bit rate (mono, 48 kHz), encoded once per stream
    int playerBurstMs = 500;         // audio a player gets at once when it joins (near live)
    int playerChunkMs = 100;         // audio per Ogg page group / MP3 chunk sent to players
    int playerOpusBitrate = 32000;   // the Ogg stream of a PCM speaker (encoded once per stream)

    // "Are they hearing me?" (docs/protocol.md): listener pages report what they play.
    int listenerReportMinIntervalMs = 1000; // faster reports are ignored (said once)
    int listenerReportStaleMs = 15000;      // a report older than this says nothing (state unknown)
    // A stream whose speaker is on air raises a warning when nobody has been hearing it, or its
    // input has been silent (RMS below silenceThresholdDbfs), for this long (0 = off).
    int warnUnheardS = 10;
    int warnSilenceS = 10;
    int silenceThresholdDbfs = -55;

    // Recording and the archive (docs/recording.md).
    QStringList recordStreams;       // --record: recorded whenever on air on this replica
    bool recordAll = false;          // --record-all
    qint64 recordingMaxBytes = 512LL << 20;  // one file; then the next one (rotation)
    int recordingsKeepDays = 0;      // 0 = keep
    qint64 recordingsMaxTotalBytes = 0;      // 0 = no cap; oldest deleted first
    int recordingIdleStopS = 300;    // a --record/--record-all recording ends after this long without a speaker
    bool publicRecordings = false;   // listing and playback without an admin token

    // Human interpreters (docs/interpretation.md): a hand-over no booth partner took within
    // this long is withdrawn (hand_over_cancelled, reason "timeout"); 0 = it waits for ever.
    int handOverTimeoutS = 120;

    // Live interpretation (docs/interpretation.md): targets for every stream whose speaker is
    // on this replica (empty = off unless set per stream).
    QStringList translateTargets;
    QString translateSource = QStringLiteral("en");
    QString sttModelDir = QStringLiteral("/usr/share/pocketsphinx/model/en-us");
    QString apertiumModesDir = QStringLiteral("/usr/share/apertium/modes");
    int sttSilenceMs = 500;          // an utterance ends after this much non-speech
    int maxUtteranceMs = 12000;      // … or at this length
    int sttSecondPass = 1;           // pocketsphinx's second pass: better captions, ~250 ms later
    int sttMaxBacklogMs = 3000;      // audio waiting for the recogniser beyond this is dropped
    int translateTimeoutMs = 2000;   // per utterance
    int ttsTimeoutMs = 4000;         // per utterance
    int ttsWordsPerMinute = 170;
    int stageRetries = 1;            // immediate retries of a failed translation / synthesis
    int stageBreakerThreshold = 3;   // consecutive failures before a stage's circuit opens
    int stageBreakerCooldownMs = 10000;
    int maxSpeechBacklogMs = 8000;   // translated speech waiting to be played beyond this: dropped
    int translatedBitrate = 24000;   // Opus bitrate of the translated channels
};

} // namespace onair
