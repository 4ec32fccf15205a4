#include "engine/engine.h"

#include "http/recordingfiles.h"
#include "recording/recordings.h"
#include "recording/recordingstore.h"

#include "history/journal.h"

#include "interpretation/interpreter.h"
#include "channels/languagechannels.h"
#include "protocol/controlmessages.h"

#include "net/acceptor.h"
#include "auth/auth.h"
#include "banners/bannerservice.h"
#include "engine/enginecontext.h"
#include "engine/healthreport.h"
#include "monitor/streamwatch.h"
#include "http/controllers.h"
#include "http/restapi.h"
#include "http/webpages.h"
#include "store/sqlstore.h"
#include "net/tls.h"
#include "protocol/refusals.h"
#include "protocol/streamid.h"
#include "protocol/wsframe.h"
#include "core/clock.h"
#include "fanout/fanoutworker.h"
#include "events/filewatcher.h"
#include "core/logging.h"
#include "cluster/redisbus.h"
#include "protocol/wsroute.h"
#include "streaming/playerstreams.h"

#include <QDir>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QMap>
#include <QScopeGuard>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSysInfo>
#include <QThread>

#include <QTimer>

namespace onair {

Engine::Engine(EngineConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_metrics(std::make_unique<Metrics>())
    , m_hub(std::make_unique<Hub>(m_config, m_metrics.get()))
{
}

// What the interpreter needs of the engine (interpretation/interpreterhost.h).
static InterpreterHost interpreterHost(Engine *e)
{
    InterpreterHost host{e->hub(), e->config(), e->interpretationBackends(), [e] { return e->isRunning(); }, {}, {}, {}, {}};
    host.startChannel = [e](const QString &ch, const QJsonObject &f, QString *err) { return e->startInterpretationChannel(ch, f, err); };
    host.publish = [e](const QString &ch, const QByteArray &packet) { e->channels()->machinePacket(ch, packet); };
    host.stopChannel = [e](const QString &ch) { e->channels()->machineStopped(ch); };
    host.event = [e](const QJsonObject &event) { QMetaObject::invokeMethod(e, [e, event] { Q_EMIT e->interpretationEvent(event); }); };
    return host;
}

Engine::~Engine()
{
    if (m_acceptor)
        m_acceptor->setFileRoutes(nullptr); // m_recordingFiles goes before the acceptor (a child)
    if (m_interpreters)
        m_interpreters->stopAll();
    if (m_channels)
        m_channels->stop();
    stopThreads();
}

void Engine::setProcessorFactory(ProcessorFactory factory)
{
    Q_ASSERT(!m_running);
    m_processorFactory = std::move(factory);
}

bool Engine::start(QString *error)
{
    Q_ASSERT(!m_running);
    QString err;
    if (!openStore(&err)) {
        if (error)
            *error = err;
        return false;
    }
    if (m_config.openSpeakers)
        qCWarning(lcEngine).noquote() << "--open-speakers: ANYONE who can reach this server may speak on any stream";
    startChannels();
    const int n = startWorkers();
    if (!startServing(&err)) {
        if (error)
            *error = err;
        stopThreads();
        return false;
    }
    if (!m_config.redisUrl.isEmpty())
        startBus();
    m_channels->start();
    m_watch = std::make_unique<StreamWatch>(m_hub.get(), m_config);
    m_watch->start();
    if (!startRecordings(&err)) {
        if (error)
            *error = err;
        stopThreads();
        return false;
    }
    m_interpreters = new Interpreters(interpreterHost(this), this);
    m_uptime.start();
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_running = true;
    qCInfo(lcEngine).noquote() << "engine listening on" << baseUrl().toString() << "with" << n << "workers";
    return true;
}

void Engine::startChannels()
{
    // The language channels' arbiter: a person on a channel, else its fallback (machine or
    // original audio). The hub tells it (and the speakers that lose their slot) what happens.
    m_channels = new LanguageChannels(m_hub.get(), dynamic_cast<ChannelStore *>(m_store.get()), this);
    m_hub->setSpeakerEvents({[this](const QString &stream, quint64 connection) { onSpeakerYielded(stream, connection); },
                             [c = m_channels](const QString &stream) { c->speakerChanged(stream); }});
}

void Engine::onSpeakerYielded(const QString &stream, quint64 connection)
{
    // Any thread. The fallback's own reconcile follows the hub's "changed" event.
    if (m_channels->ownsConnection(connection))
        return;
    bool local = false;
    {
        QMutexLocker lock(&m_localMutex);
        local = m_localSpeakers.value(stream).id() == connection;
    }
    if (local) {
        QMetaObject::invokeMethod(this, [this, stream] {
            stopLocalSpeaker(stream);
            Q_EMIT localSpeakerRefused(stream, QStringLiteral("handed over: another interpreter speaks on %1 now").arg(stream));
        });
    } else if (FanoutWorker *w = m_hub->ingestWorker()) {
        QMetaObject::invokeMethod(w, [w, connection] { w->yieldSpeaker(connection); });
    }
}

bool Engine::openStore(QString *error)
{
    QString err;
    if (m_config.dataDir.isEmpty() || !QDir().mkpath(m_config.dataDir)) {
        *error = QStringLiteral("cannot create the data directory '%1'").arg(m_config.dataDir);
        return false;
    }
    const QByteArray secret = m_config.secret.isEmpty()
        ? loadOrCreateSecret(QDir(m_config.dataDir).filePath(QStringLiteral("secret.key")), &err)
        : m_config.secret;
    if (secret.isEmpty()) {
        *error = err;
        return false;
    }
    m_secret = secret;
    m_store = createStore(m_config.databaseUrl, m_config.dataDir);
    if (!m_store->open(&err)) {
        *error = QStringLiteral("cannot open the store %1: %2").arg(m_store->describe(), err);
        return false;
    }
    m_banners = new BannerService(m_store.get(), m_hub.get(), this);
    m_banners->setLimits({m_config.bannerMinExpiryS, m_config.bannerMaxExpiryS, m_config.bannerMaxScheduleS});
    m_banners->setReceiptListLimit(m_config.bannerReceiptList);
    if (!m_banners->load(&err)) {
        *error = QStringLiteral("cannot read banners: %1").arg(err);
        return false;
    }
    return openHistory(error);
}

bool Engine::openHistory(QString *error)
{
    auto *log = dynamic_cast<EventLog *>(m_store.get());
    if (!m_config.history || !log)
        return true;
    HistoryLimits limits;
    limits.maxAgeMs = qint64(m_config.historyMaxAgeS) * 1000;
    limits.maxEventsPerTopic = m_config.historyMaxEvents;
    limits.maxRecover = m_config.historyMaxRecover;
    m_journal = std::make_unique<Journal>(log, limits);
    m_journal->setClustered(!m_config.redisUrl.isEmpty());
    m_journal->setDeliver([hub = m_hub.get()](const QList<TopicEvent> &events) { hub->postTopicEvents(events); });
    m_journal->setForward([hub = m_hub.get()](const QList<TopicEvent> &events) { hub->forwardTopicEvents(events); });
    QString err;
    if (!m_journal->start(&err)) {
        *error = QStringLiteral("cannot open the topic history: %1").arg(err);
        m_journal.reset();
        return false;
    }
    m_hub->setJournal(m_journal.get());
    return true;
}

int Engine::startWorkers()
{
    int n = m_config.workers > 0 ? m_config.workers : QThread::idealThreadCount();
    n = qBound(1, n, kMaxWorkers - 1);
    // n fan-out shards for listeners, plus one ingest worker for speakers and legacy clients:
    // a speaker's frame must never wait behind a shard's fan-out loop.
    m_players = std::make_unique<PlayerStreams>(
        m_hub.get(), PlayerOptions{m_config.mp3Kbps, m_config.playerBurstMs, m_config.playerChunkMs, m_config.playerOpusBitrate});
    m_players->start();
    for (int i = 0; i <= n; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(i < n ? QStringLiteral("onair-fanout-%1").arg(i) : QStringLiteral("onair-ingest"));
        auto *worker = new FanoutWorker(i, {m_hub.get(), m_banners, m_players.get(), m_journal.get(), m_secret, m_processorFactory});
        worker->moveToThread(thread); // deleted by stopThreads() once no worker runs
        thread->start();
        worker->begin();
        m_threads.append(thread);
        m_workers.append(worker);
    }
    m_hub->setWorkers(m_workers.mid(0, n));
    m_hub->setIngestWorker(m_workers.last());
    for (FanoutWorker *w : m_hub->workers()) {
        // The probe listener is a worker's own: it gets what a WebSocket listener would be sent.
        w->startProbe([this](const QByteArray &frames) {
            for (const ServerFrame &f : splitServerFrames(frames)) {
                quint64 seq = 0; // the probe's payload: its sequence number
                if (f.payload.size() != sizeof seq)
                    continue;
                memcpy(&seq, f.payload.constData(), sizeof seq);
                QMutexLocker lock(&m_probeMutex);
                if (seq == m_probeSeq)
                    m_probeAnswers.release();
            }
        });
    }
    return n;
}

// HTTP routes, the file watcher, stream events, TLS and the listening socket.
bool Engine::startServing(QString *error)
{
    m_http = new QHttpServer(this);
    setupRoutes();
    if (!m_config.watchDirs.isEmpty()) {
        m_fileWatcher = new FileWatcher(m_hub.get(), this);
        for (const QString &dir : m_config.watchDirs) {
            if (!m_fileWatcher->addRoot(dir, error))
                return false;
        }
    }
    auto *streamEvents = new QTimer(this);
    connect(streamEvents, &QTimer::timeout, this, [this] { m_hub->flushStreamEvents(); });
    streamEvents->start(250);
    std::optional<QSslConfiguration> tls;
    if (!m_config.tlsCertPath.isEmpty()) {
        tls = loadTlsConfiguration(m_config.tlsCertPath, m_config.tlsKeyPath, error);
        if (!tls)
            return false;
        m_tlsFingerprint = certificateFingerprint(tls->localCertificate());
        qCInfo(lcEngine).noquote() << "TLS on: certificate" << tls->localCertificate().subjectDisplayName()
                                   << "SHA-256" << m_tlsFingerprint;
    }
    m_acceptor = new Acceptor(m_hub.get(), m_secret, tls, this);
    m_acceptor->setFileRoutes(m_recordingFiles.get());
    if (!m_acceptor->listen(m_config.bindAddress, m_config.port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(m_config.bindAddress.toString())
                     .arg(m_config.port)
                     .arg(m_acceptor->errorString());
        return false;
    }
    m_http->bind(m_acceptor);
    return true;
}

void Engine::startBus()
{
    m_replicaId = m_config.replicaId;
    if (m_replicaId.isEmpty()) {
        QString host = QSysInfo::machineHostName().left(40);
        host.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("-"));
        m_replicaId = QStringLiteral("%1-%2-%3")
                          .arg(host.isEmpty() ? QStringLiteral("onair") : host)
                          .arg(port())
                          .arg(QRandomGenerator::global()->generate() & 0xffff, 4, 16, QLatin1Char('0'));
    }
    RedisBus::Options o;
    o.url = m_config.redisUrl;
    o.replicaId = m_replicaId;
    o.presenceIntervalMs = m_config.presenceIntervalMs;
    o.leaseMs = m_config.speakerLeaseMs;
    o.retryMaxMs = m_config.redisRetryMaxMs;
    o.maxPending = m_config.redisMaxPending;
    m_bus = new RedisBus(o, m_hub.get());
    m_busThread = new QThread;
    m_busThread->setObjectName(QStringLiteral("onair-redis"));
    m_bus->moveToThread(m_busThread);
    m_busThread->start();
    m_hub->setCluster(m_bus);
    m_banners->setBus(m_bus, o.replicaId);
    connect(m_bus, &RedisBus::bannerEvent, m_banners, &BannerService::applyRemote);
    connect(m_bus, &RedisBus::connectedChanged, m_banners, [this](bool up) {
        if (up)
            m_banners->resync(); // SQL is the truth; Redis only carried messages
    });
    // What the other replicas published while Redis was away never reached this replica's
    // clients: read it from the database (the truth) once Redis is back.
    m_busDownSinceMs = QDateTime::currentMSecsSinceEpoch();
    connect(m_bus, &RedisBus::connectedChanged, this, [this, startedMs = m_busDownSinceMs](bool up) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (!up) {
            if (m_busDownSinceMs == 0)
                m_busDownSinceMs = now;
            return;
        }
        const bool atStart = m_busDownSinceMs == startedMs && now - startedMs < 3000;
        if (m_journal && m_busDownSinceMs > 0 && !atStart) {
            m_journal->catchUp(m_busDownSinceMs);
            // …and the others read what this replica stored while it was cut off (Redis may
            // have stayed up for them).
            m_bus->publishControl({{QStringLiteral("action"), QStringLiteral("catch_up")},
                                   {QStringLiteral("since"), m_busDownSinceMs}});
        }
        m_busDownSinceMs = 0;
    });
    connect(m_bus, &RedisBus::catchUpRequested, this, [this](qint64 sinceMs) {
        if (m_journal)
            m_journal->catchUp(sinceMs);
    });
    connect(m_bus, &RedisBus::kickRequested, this, [this](quint64 id, const QString &reason) {
        if (kick(id, reason.isEmpty() ? QStringLiteral("removed by the operator") : reason.left(120)))
            qCInfo(lcEngine).noquote() << "kicked connection" << id << "at another replica's request";
    });
    connect(m_bus, &RedisBus::leaseLost, this, &Engine::onLeaseLost);
    connect(m_bus, &RedisBus::remoteSpeakersChanged, m_channels, &LanguageChannels::remoteSpeakersChanged);
    connect(m_bus, &RedisBus::remoteCountsChanged, this, [this](const QStringList &streams) {
        m_hub->markCountsDirty(streams);
    });
    qCInfo(lcEngine).noquote() << "cluster: replica" << m_replicaId << "joining through" << RedisBus::redactedUrl(m_config.redisUrl);
    m_bus->start();
}

QString Engine::replicaId() const { return m_replicaId; }

QStringList Engine::degradedReasons() const
{
    QStringList out;
    if (m_bus && !m_bus->connected()) {
        const RedisBus::Status st = m_bus->status();
        out.append(QStringLiteral("redis: %1 (serving this replica's clients only; reconnecting)").arg(st.lastError));
    }
    if (m_interpreters)
        out += m_interpreters->degradedReasons();
    if (m_recordings)
        out += m_recordings->degradedReasons();
    return out;
}

quint16 Engine::port() const { return m_acceptor ? m_acceptor->serverPort() : 0; }
QHostAddress Engine::address() const { return m_acceptor ? m_acceptor->serverAddress() : QHostAddress(); }

bool Engine::rebind(const QHostAddress &address, QString *error)
{
    if (!m_running || m_stopping) {
        if (error)
            *error = QStringLiteral("the server is not running");
        return false;
    }
    const QHostAddress old = this->address();
    const quint16 samePort = port(); // the real one, also when started on port 0
    if (address == old)
        return true;
    // QTcpServer::close() closes only the listening socket: accepted connections are not its
    // pending ones (QHttpServer takes those at once) and stay open, on this thread and on the
    // workers. QHttpServer stays bound to the same QTcpServer object.
    m_acceptor->close();
    if (m_acceptor->listen(address, samePort)) {
        qCInfo(lcEngine).noquote() << QStringLiteral("listening on %1 port %2 now (was %3)")
                                          .arg(address.toString()).arg(samePort).arg(old.toString());
        return true;
    }
    const QString why = QStringLiteral("cannot listen on %1:%2: %3")
                            .arg(address.toString()).arg(samePort).arg(m_acceptor->errorString());
    if (!m_acceptor->listen(old, samePort)) {
        // Nobody can connect now; say it loudly (accepted connections still live on).
        qCCritical(lcEngine).noquote() << why << "and not on" << old.toString() << "either:" << m_acceptor->errorString();
        if (error)
            *error = QStringLiteral("%1; listening on %2 again failed too: %3")
                         .arg(why, old.toString(), m_acceptor->errorString());
        return false;
    }
    qCWarning(lcEngine).noquote() << why << "- still listening on" << old.toString();
    if (error)
        *error = why;
    return false;
}

QUrl Engine::baseUrl() const
{
    QUrl u;
    u.setScheme(secure() ? QStringLiteral("https") : QStringLiteral("http"));
    QHostAddress a = address();
    if (a == QHostAddress::Any || a == QHostAddress::AnyIPv4 || a == QHostAddress::AnyIPv6)
        a = QHostAddress::LocalHost;
    u.setHost(a.toString());
    u.setPort(port());
    return u;
}

void Engine::shutdown()
{
    if (!m_running || m_stopping)
        return;
    m_stopping = true;
    qCInfo(lcEngine).noquote() << "shutting down: closing clients with 1001";
    if (m_interpreters)
        m_interpreters->stopAll();
    if (m_channels)
        m_channels->stop();
    m_acceptor->close();
    auto remaining = std::make_shared<int>(int(m_workers.size()));
    auto finished = std::make_shared<bool>(false);
    auto finish = [this, finished] {
        if (*finished)
            return;
        *finished = true;
        stopThreads();
        m_running = false;
        Q_EMIT stopped();
    };
    for (FanoutWorker *w : std::as_const(m_workers)) {
        w->shutdown([this, remaining, finish] {
            QMetaObject::invokeMethod(this, [remaining, finish] {
                if (--*remaining == 0)
                    finish();
            });
        });
    }
    QTimer::singleShot(m_config.shutdownGraceMs, this, finish);
}

bool Engine::startRecordings(QString *error)
{
    auto *store = dynamic_cast<RecordingStore *>(m_store.get());
    if (!store) {
        *error = QStringLiteral("the store keeps no recordings");
        return false;
    }
    RecordingOptions o;
    o.directory = QDir(m_config.dataDir).absoluteFilePath(QStringLiteral("recordings"));
    o.replica = m_replicaId.isEmpty() ? QSysInfo::machineHostName() : m_replicaId;
    o.record = m_config.recordStreams;
    o.recordAll = m_config.recordAll;
    o.maxBytes = m_config.recordingMaxBytes;
    o.keepDays = m_config.recordingsKeepDays;
    o.maxTotalBytes = m_config.recordingsMaxTotalBytes;
    o.idleStopS = m_config.recordingIdleStopS;
    o.opusBitrate = m_config.playerOpusBitrate;
    o.banners = m_banners;
    m_recordings = std::make_unique<Recordings>(m_hub.get(), store, o);
    if (!m_recordings->start(error)) {
        m_recordings.reset();
        return false;
    }
    Recordings *r = m_recordings.get();
    m_hub->setTopicObserver([r](const TopicEvent &event) { r->observeTopic(event); });
    return true;
}

void Engine::stopThreads()
{
    // Recordings end first (state finished), while everything they read still runs.
    if (m_recordings) {
        m_hub->setTopicObserver(nullptr);
        m_recordings->stop();
    }
    // The watch asks the workers what their listeners hear: it goes first.
    if (m_watch)
        m_watch->stop();
    // What was published is stored and sent on before the bus goes.
    if (m_journal)
        m_journal->stop();
    // The bus says goodbye first (presence, leases released) and stops its thread; it is
    // deleted only after the workers, which may still call into it until they stop.
    if (m_bus) {
        m_bus->stop();
        m_busThread->quit();
        m_busThread->wait();
    }
    // Stop every worker before deleting any: a running worker may still post to the others
    // (a speaker leaving announces it to every shard). Each drops its sockets on its own thread.
    for (int i = 0; i < m_workers.size(); ++i) {
        if (m_threads.at(i)->isRunning())
            QMetaObject::invokeMethod(m_workers.at(i), &FanoutWorker::releaseAll, Qt::BlockingQueuedConnection);
    }
    // The players' media thread posts to the workers: it stops while they still exist.
    if (m_players)
        m_players->stop();
    for (QThread *t : std::as_const(m_threads))
        t->quit();
    for (QThread *t : std::as_const(m_threads))
        t->wait();
    m_hub->setWorkers({});
    m_hub->setIngestWorker(nullptr);
    qDeleteAll(m_workers);
    qDeleteAll(m_threads);
    m_threads.clear();
    m_workers.clear();
    if (m_bus) {
        m_hub->setCluster(nullptr);
        m_banners->setBus(nullptr);
        delete m_bus;
        delete m_busThread;
        m_bus = nullptr;
        m_busThread = nullptr;
    }
}

bool Engine::startLocalSpeaker(const QString &stream, const QJsonObject &format, QString *error)
{
    // A language channel too: the control room as an interpreter's booth ("main~nl").
    if (const QString e = listenableStreamIdError(stream); !e.isEmpty()) {
        *error = e;
        return false;
    }
    return startSpeakerOn(stream, format, error);
}

bool Engine::startInterpretationChannel(const QString &channel, const QJsonObject &format, QString *error)
{
    if (!parseTranslatedStreamId(channel)) {
        *error = QStringLiteral("not a translated channel id: %1").arg(channel.left(80));
        return false;
    }
    m_channels->machineStarted(channel, format); // on air while no person speaks on it
    return true;
}

QJsonArray Engine::languageChannels(const QString &stream) const
{
    return m_channels ? m_channels->json(stream) : QJsonArray();
}

bool Engine::setChannelFallback(const QString &channel, const QString &fallback, QString *error)
{
    if (!m_channels) {
        *error = QStringLiteral("the engine is not running");
        return false;
    }
    return m_channels->setFallback(channel, fallback, error);
}

bool Engine::forgetChannel(const QString &channel, QString *error)
{
    if (!m_channels) {
        *error = QStringLiteral("the engine is not running");
        return false;
    }
    return m_channels->forget(channel, error);
}

bool Engine::startSpeakerOn(const QString &stream, const QJsonObject &format, QString *error)
{
    // (A language channel's fallback on another replica yields to this person.)
    const auto remote = m_bus ? m_bus->remoteSpeaker(stream) : std::nullopt;
    if (remote && (!isLanguageChannel(stream) || m_bus->remoteSource(stream) == QLatin1String("human"))) {
        *error = QStringLiteral("stream '%1' already has a speaker on replica %2").arg(stream, remote->first);
        return false;
    }
    QMutexLocker lock(&m_localMutex);
    if (m_localSpeakers.contains(stream))
        return true;
    const quint64 id = m_hub->nextConnectionId();
    Refusal why{};
    auto s = m_hub->joinSpeaker(stream, id, QStringLiteral("local microphone"), &why);
    if (!s) {
        *error = why == Refusal::StreamTaken ? QStringLiteral("stream '%1' already has a speaker").arg(stream)
                                             : QStringLiteral("too many streams");
        return false;
    }
    m_localSpeakers.insert(stream, {std::make_shared<SpeakerSession>(m_hub.get(), s, id), format});
    lock.unlock();
    m_hub->setFormat(s, format);
    if (m_bus) {
        // On air once the cluster lease is ours (or Redis is unreachable: local listeners only).
        m_bus->acquireLease(stream, id, [this, stream, id](ClusterLink::Lease r, const QString &holder) {
            QMetaObject::invokeMethod(this, [this, stream, id, r, holder] {
                {
                    QMutexLocker l(&m_localMutex);
                    if (m_localSpeakers.value(stream).id() != id)
                        return;
                }
                if (r == ClusterLink::Lease::Taken)
                    onLeaseLost(stream, id, holder);
                else
                    announceLocalSpeaker(stream);
            });
        });
        return true;
    }
    announceLocalSpeaker(stream);
    return true;
}

void Engine::announceLocalSpeaker(const QString &stream)
{
    LocalSpeaker sp;
    {
        QMutexLocker lock(&m_localMutex);
        sp = m_localSpeakers.value(stream);
    }
    if (!sp.session || sp.session->onAir())
        return;
    sp.session->goOnAir(sp.format);
    qCInfo(lcWs).noquote() << "local speaker on air on" << stream;
}

std::shared_ptr<SpeakerSession> Engine::localOnAir(const QString &stream) const
{
    QMutexLocker lock(&m_localMutex);
    const auto it = m_localSpeakers.constFind(stream);
    return it != m_localSpeakers.cend() && it->session->onAir() ? it->session : nullptr;
}

void Engine::onLeaseLost(const QString &stream, quint64 connection, const QString &holder)
{
    bool local = false;
    {
        QMutexLocker lock(&m_localMutex);
        local = m_localSpeakers.value(stream).id() == connection;
    }
    const RefusalAnswer answer = refusalAnswer(Channel::Socket, {Denial::TakenOnReplica, stream, holder.left(64)});
    if (local) {
        stopLocalSpeaker(stream);
        Q_EMIT localSpeakerRefused(stream, answer.message);
    } else {
        kick(connection, answer.message, answer.closeCode);
    }
}

void Engine::publishLocal(const QString &stream, const QByteArray &frame)
{
    if (const auto session = localOnAir(stream)) {
        session->countIn(frame.size());
        session->publishAudio(frame);
    }
}

void Engine::markLocal(const QString &stream, qint64 id, qint64 captureMs)
{
    if (const auto session = localOnAir(stream))
        m_hub->publishJson(session->stream(), markMessage(stream, {{QStringLiteral("id"), id}, {QStringLiteral("t"), captureMs}}));
}

bool Engine::handOverLocalSpeaker(const QString &stream, bool handOver)
{
    const auto session = localOnAir(stream);
    if (!session || !isLanguageChannel(stream) || !session->holdsSlot())
        return false;
    if (!m_hub->setSpeakerYields(m_hub->find(stream), session->connection(), handOver))
        return false;
    qCInfo(lcEngine).noquote() << "local speaker" << (handOver ? "hands over" : "keeps") << stream;
    if (!handOver && m_hub->cluster()) // the lease back, as FanoutWorker::handleHandOver does
        m_hub->cluster()->acquireLease(stream, session->connection(), [](ClusterLink::Lease, const QString &) {});
    return true;
}

void Engine::stopLocalSpeaker(const QString &stream)
{
    LocalSpeaker entry;
    {
        QMutexLocker lock(&m_localMutex);
        entry = m_localSpeakers.take(stream);
    }
    if (!entry.session)
        return;
    const bool wasOnAir = entry.session->onAir();
    entry.session->end();
    if (wasOnAir)
        qCInfo(lcWs).noquote() << "local speaker off air on" << stream;
}

QList<ListenerInfo> Engine::listenersOf(const QString &stream) const
{
    QList<ListenerInfo> out;
    for (FanoutWorker *w : m_hub->workers())
        out += w->listeners(stream);
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
    return out;
}

bool Engine::kick(quint64 connectionId, const QString &reason, int code)
{
    for (FanoutWorker *w : std::as_const(m_workers)) {
        if (w->kick(connectionId, reason, code))
            return true;
    }
    return false;
}

ProbeResult Engine::probe(int timeoutMs)
{
    ProbeResult r;
    auto s = m_hub->find(Hub::kProbeStream);
    if (!s || m_workers.isEmpty())
        return r;
    quint64 seq;
    {
        QMutexLocker lock(&m_probeMutex);
        seq = ++m_probeSeq;
        m_probeAnswers.acquire(m_probeAnswers.available());
    }
    QByteArray payload(sizeof seq, Qt::Uninitialized);
    memcpy(payload.data(), &seq, sizeof seq);
    const qint64 t0 = monotonicNs();
    m_hub->publishProbe(s, payload);
    const int n = int(m_hub->workers().size());
    r.ok = m_probeAnswers.tryAcquire(n, timeoutMs);
    r.rttMs = double(monotonicNs() - t0) / 1e6;
    r.workersAnswered = r.ok ? n : m_probeAnswers.available();
    return r;
}

QJsonObject Engine::healthJson() const
{
    return healthReport(*this);
}

void Engine::setInterpretationBackends(InterpretationBackends backends)
{
    Q_ASSERT(!m_running);
    m_backends = std::move(backends);
}

bool Engine::setInterpretation(const QString &stream, const QString &source, const QStringList &targets, QString *error)
{
    if (!m_interpreters) {
        *error = QStringLiteral("the engine is not running");
        return false;
    }
    return m_interpreters->set(stream, source, targets, error);
}

QPair<QString, QStringList> Engine::interpretationOf(const QString &stream) const
{
    if (!m_interpreters)
        return {m_config.translateSource, m_config.translateTargets};
    return m_interpreters->settingsOf(stream);
}

QJsonObject Engine::interpretationJson() const
{
    if (!m_interpreters)
        return {{QStringLiteral("available"), !m_backends.isEmpty()}, {QStringLiteral("sessions"), QJsonArray()}};
    return m_interpreters->json();
}

QJsonArray Engine::interpretationChannels(const QString &stream) const
{
    return m_interpreters ? m_interpreters->channelsOf(stream) : QJsonArray();
}

StageFaults *Engine::stageFaults(const QString &stage)
{
    return m_interpreters ? m_interpreters->faults(stage) : nullptr;
}

QJsonObject Engine::clusterJson() const
{
    return clusterReport(*this);
}

QJsonObject Engine::connectionsJson() const
{
    return connectionsReport(*this);
}

QJsonObject Engine::fullHealthJson()
{
    return fullHealthReport(*this);
}

QByteArray Engine::prometheusText() const
{
    return prometheusReport(*this);
}

void Engine::setupRoutes()
{
    m_context = std::make_unique<EngineContext>(this);
    installHealthRoutes(m_http, m_context.get());
    installEndpointRefusals(m_http, m_context.get());
    installRestApi(m_http, m_context.get());
    installWebPages(m_http);
    m_recordingFiles = std::make_unique<RecordingFiles>(m_context.get());
}

} // namespace onair
