#pragma once

#include "audio/audioprocessor.h"
#include "interpretation/interpretation.h"
#include "fanout/fanoutworker.h"
#include "fanout/speakersession.h"
#include "config/config.h"
#include "fanout/hub.h"
#include "core/metrics.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QSemaphore>
#include <QUrl>

#include <memory>

class QHttpServer;
class QThread;

namespace onair {

class Acceptor;
class EngineContext;
class BannerService;
class RedisBus;
class FileWatcher;
class Interpreters;
class LanguageChannels;
class PlayerStreams;
class RecordingFiles;
class Recordings;
class StreamWatch;
class Store;
class Journal;

struct ProbeResult
{
    bool ok = false;
    double rttMs = 0;
    int workersAnswered = 0;
};

// The embeddable broadcast engine: one TCP port serving HTTP and WebSocket, a hub, and the
// fan-out workers. The headless server and the desktop app both drive it through this API.
// Lives on the thread that creates it; accepting and HTTP run there, handshakes and fan-out
// on the worker threads.
class Engine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Engine)
public:
    explicit Engine(EngineConfig config, QObject *parent = nullptr);
    ~Engine() override;

    // Set before start(): the processor of each stream's pipeline (default passthrough).
    void setProcessorFactory(ProcessorFactory factory);

    // Set before start(): the stages of live interpretation (server/stages). Without them
    // --translate and setInterpretation() report interpretation as unavailable.
    void setInterpretationBackends(InterpretationBackends backends);
    const InterpretationBackends &interpretationBackends() const { return m_backends; }

    bool start(QString *error = nullptr);
    // Closes every client with 1001 and stops the workers; emits stopped() when done.
    void shutdown();
    bool isRunning() const { return m_running; }

    quint16 port() const;
    QHostAddress address() const;
    // Listens on `address` instead, on the same port, at once: only the listening socket is
    // replaced, so every connection already accepted lives on. On failure it listens on the
    // old address again and says why in *error. Call on the engine's thread, with no other
    // thread reading address()/baseUrl() meanwhile (EngineHost::rebind blocks the window).
    bool rebind(const QHostAddress &address, QString *error = nullptr);
    QUrl baseUrl() const;
    bool secure() const { return !m_tlsFingerprint.isEmpty(); } // HTTPS + WSS (--tls-cert)
    QString tlsFingerprint() const { return m_tlsFingerprint; } // SHA-256 "AB:CD:…", empty without TLS
    const EngineConfig &config() const { return m_config; }
    Hub *hub() const { return m_hub.get(); }
    Metrics *metrics() const { return m_metrics.get(); }
    Store *store() const { return m_store.get(); }
    BannerService *banners() const { return m_banners; }
    Journal *journal() const { return m_journal.get(); } // null: --no-history
    qint64 uptimeMs() const { return m_uptime.elapsed(); }
    QDateTime startedAt() const { return m_startedAt; }
    int workerCount() const { return int(m_hub->workers().size()); } // fan-out shards
    PlayerStreams *players() const { return m_players.get(); }
    StreamWatch *watch() const { return m_watch.get(); } // who hears each stream; warnings
    Recordings *recordings() const { return m_recordings.get(); } // null before start()

    // In-process speaker (the desktop's microphone): no network hop. Thread-safe.
    bool startLocalSpeaker(const QString &stream, const QJsonObject &format, QString *error);
    void publishLocal(const QString &stream, const QByteArray &frame);
    // A latency mark for the next frame published on the local stream: its first sample was
    // captured at `captureMs` (ms since the epoch). Listeners receive {"type":"mark",…}.
    void markLocal(const QString &stream, qint64 id, qint64 captureMs);
    void stopLocalSpeaker(const QString &stream);
    // The desktop as a booth: its local speaker on a language channel hands over (the next
    // interpreter to connect takes the channel) or cancels that. False when it is not on air
    // there. Engine thread.
    bool handOverLocalSpeaker(const QString &stream, bool handOver);
    // In-process listeners (the desktop's monitor, the interpreter) read a stream's payloads
    // through a StreamFeed (fanout/streamfeed.h) on hub().

    // Live interpretation of one stream (speech → text → translation → speech): `targets`
    // empty turns it off. Applies now when the stream's speaker is on this replica, else when
    // one joins. Streams without a setting follow --translate / --translate-source.
    bool setInterpretation(const QString &stream, const QString &source, const QStringList &targets,
                           QString *error);
    QPair<QString, QStringList> interpretationOf(const QString &stream) const; // (source, targets)
    // {"available","stages","languages","sessions":[…]} — see docs/interpretation.md
    QJsonObject interpretationJson() const;
    QJsonArray interpretationChannels(const QString &stream) const; // [{"lang","stream_id","mode"}]
    // The machine interpreter's speech on a language channel ("main~es"): on air there while
    // no person speaks on it (server/channels).
    bool startInterpretationChannel(const QString &channel, const QJsonObject &format, QString *error);
    // Language channels (docs/interpretation.md "Human interpreters"). Thread-safe.
    // Every channel (declared, with a person on air, or served by the machine) of `stream`, or
    // of every stream when empty: [{"stream_id","floor","lang","source","fallback","declared",
    // "machine","speaker","listeners"}]; source: human, machine, original, silence or off.
    QJsonArray languageChannels(const QString &stream = {}) const;
    // Declares the channel with its fallback ("machine", "original", "silence"); blocks on the
    // store. forgetChannel undeclares it (a person on air stays on air).
    bool setChannelFallback(const QString &channel, const QString &fallback, QString *error);
    bool forgetChannel(const QString &channel, QString *error);
    LanguageChannels *channels() const { return m_channels; } // null before start()
    // Per-stage fault injection ("speech_to_text", "translator", "text_to_speech"); null for
    // an unknown stage. Applies to every session.
    StageFaults *stageFaults(const QString &stage);

    // Listeners of a stream across all workers; closes one connection (any kind) by id.
    QList<ListenerInfo> listenersOf(const QString &stream) const;
    bool kick(quint64 connectionId, const QString &reason, int code = 1008);

    // The cluster bus (null without --redis) and this replica's id in it.
    RedisBus *bus() const { return m_bus; }
    // Signs and verifies tokens (--secret, else secret.key in the data directory).
    const QByteArray &secret() const { return m_secret; }
    QString replicaId() const;
    // Why this replica is not fully healthy right now (empty = ok): Redis down, …
    QStringList degradedReasons() const;

    // A frame through the hub to the internal probe listener on every worker.
    ProbeResult probe(int timeoutMs = 1000);

    QJsonObject healthJson() const;
    QJsonObject connectionsJson() const;
    // The cluster's view: every replica's presence and per-stream totals, clearly scoped.
    QJsonObject clusterJson() const;
    QJsonObject fullHealthJson();
    QByteArray prometheusText() const;

Q_SIGNALS:
    void stopped();
    // The local speaker could not go (or stay) on air: another replica has the stream.
    void localSpeakerRefused(const QString &stream, const QString &reason);
    // A caption or interpretation event (the data of the stream:<id> topic event), on the
    // engine's thread.
    void interpretationEvent(const QJsonObject &event);

private:
    bool openStore(QString *error);     // the secret, the store, the banners, the history
    void startChannels();
    void onSpeakerYielded(const QString &stream, quint64 connection);
    bool openHistory(QString *error);
    int startWorkers();                 // the fan-out shards and the ingest worker; returns the shards
    bool startServing(QString *error);  // routes, file watcher, TLS, the listening socket
    void setupRoutes();
    void stopThreads();

    EngineConfig m_config;
    std::unique_ptr<Metrics> m_metrics;
    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Journal> m_journal; // topic history; outlives the workers
    qint64 m_busDownSinceMs = 0;        // wall clock; 0: Redis up
    BannerService *m_banners = nullptr;
    FileWatcher *m_fileWatcher = nullptr;
    QHttpServer *m_http = nullptr;
    std::unique_ptr<EngineContext> m_context; // what the HTTP controllers see of the engine
    Acceptor *m_acceptor = nullptr;
    QString m_tlsFingerprint;
    QList<QThread *> m_threads;
    QList<FanoutWorker *> m_workers;
    QElapsedTimer m_uptime;
    QDateTime m_startedAt;
    bool m_running = false;
    bool m_stopping = false;

    mutable QMutex m_localMutex;
    // The desktop's speakers, by stream: on air once announced (after the cluster lease, when
    // there is a cluster).
    struct LocalSpeaker
    {
        std::shared_ptr<SpeakerSession> session;
        QJsonObject format;
        quint64 id() const { return session ? session->connection() : 0; }
    };
    QHash<QString, LocalSpeaker> m_localSpeakers;
    // The stream's local speaker when it is on air (else null).
    std::shared_ptr<SpeakerSession> localOnAir(const QString &stream) const;
    void announceLocalSpeaker(const QString &stream);
    bool startSpeakerOn(const QString &stream, const QJsonObject &format, QString *error);
    void onLeaseLost(const QString &stream, quint64 connection, const QString &holder);
    void startBus();
    RedisBus *m_bus = nullptr;
    QByteArray m_secret;
    ProcessorFactory m_processorFactory;
    QThread *m_busThread = nullptr;
    QString m_replicaId;
    quint64 m_nextLocalWorker = 0;

    InterpretationBackends m_backends;
    Interpreters *m_interpreters = nullptr;
    LanguageChannels *m_channels = nullptr;
    std::unique_ptr<StreamWatch> m_watch;
    std::unique_ptr<Recordings> m_recordings;
    std::unique_ptr<RecordingFiles> m_recordingFiles; // the acceptor serves recordings' audio through it
    bool startRecordings(QString *error);
    std::unique_ptr<PlayerStreams> m_players; // /stream/{id}.ogg|.mp3 renditions

    QMutex m_probeMutex;
    quint64 m_probeSeq = 0;
    QSemaphore m_probeAnswers;
};

} // namespace onair
