#include "engine/engine.h"

#include "interpretation/interpreter.h"
#include "protocol/controlmessages.h"

#include "net/acceptor.h"
#include "auth/auth.h"
#include "banners/bannerservice.h"
#include "http/restapi.h"
#include "http/webpages.h"
#include "store/sqlstore.h"
#include "net/tls.h"
#include "protocol/streamid.h"
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

namespace {
using Status = QHttpServerResponder::StatusCode;

QJsonObject errorBody(const QString &error, const QString &message)
{
    return {{QStringLiteral("error"), error}, {QStringLiteral("message"), message}};
}

void writeJson(QHttpServerResponder &responder, const QJsonObject &body, Status status)
{
    responder.write(QJsonDocument(body), status);
}
} // namespace

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
    host.publish = [e](const QString &ch, const QByteArray &packet) { e->publishLocal(ch, packet); };
    host.stopChannel = [e](const QString &ch) { e->stopLocalSpeaker(ch); };
    host.event = [e](const QJsonObject &event) { QMetaObject::invokeMethod(e, [e, event] { Q_EMIT e->interpretationEvent(event); }); };
    return host;
}

Engine::~Engine()
{
    if (m_interpreters)
        m_interpreters->stopAll();
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
    if (m_config.dataDir.isEmpty() || !QDir().mkpath(m_config.dataDir)) {
        if (error)
            *error = QStringLiteral("cannot create the data directory '%1'").arg(m_config.dataDir);
        return false;
    }
    const QByteArray secret = m_config.secret.isEmpty()
        ? loadOrCreateSecret(QDir(m_config.dataDir).filePath(QStringLiteral("secret.key")), &err)
        : m_config.secret;
    if (secret.isEmpty()) {
        if (error)
            *error = err;
        return false;
    }
    m_secret = secret;
    m_store = createStore(m_config.databaseUrl, m_config.dataDir);
    if (!m_store->open(&err)) {
        if (error)
            *error = QStringLiteral("cannot open the store %1: %2").arg(m_store->describe(), err);
        return false;
    }
    m_banners = new BannerService(m_store.get(), m_hub.get(), this);
    if (!m_banners->load(&err)) {
        if (error)
            *error = QStringLiteral("cannot read banners: %1").arg(err);
        return false;
    }
    if (m_config.openSpeakers)
        qCWarning(lcEngine).noquote() << "--open-speakers: ANYONE who can reach this server may speak on any stream";
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
        auto *worker = new FanoutWorker(i, {m_hub.get(), m_banners, m_players.get(), m_secret, m_processorFactory});
        worker->moveToThread(thread); // deleted by stopThreads() once no worker runs
        thread->start();
        worker->begin();
        m_threads.append(thread);
        m_workers.append(worker);
    }
    m_hub->setWorkers(m_workers.mid(0, n));
    m_hub->setIngestWorker(m_workers.last());
    for (FanoutWorker *w : m_hub->workers()) {
        w->startProbe([this](const QByteArray &frame) {
            // Probe payload: 8-byte sequence number after a 2-byte frame header.
            if (frame.size() < 10)
                return;
            quint64 seq = 0;
            memcpy(&seq, frame.constData() + 2, sizeof seq);
            QMutexLocker lock(&m_probeMutex);
            if (seq == m_probeSeq)
                m_probeAnswers.release();
        });
    }

    m_http = new QHttpServer(this);
    setupRoutes();
    installRestApi(m_http, this, m_banners);
    installWebPages(m_http);
    if (!m_config.watchDirs.isEmpty()) {
        m_fileWatcher = new FileWatcher(m_hub.get(), this);
        for (const QString &dir : m_config.watchDirs) {
            if (!m_fileWatcher->addRoot(dir, &err)) {
                if (error)
                    *error = err;
                stopThreads();
                return false;
            }
        }
    }
    auto *streamEvents = new QTimer(this);
    connect(streamEvents, &QTimer::timeout, this, [this] { m_hub->flushStreamEvents(); });
    streamEvents->start(250);
    std::optional<QSslConfiguration> tls;
    if (!m_config.tlsCertPath.isEmpty()) {
        tls = loadTlsConfiguration(m_config.tlsCertPath, m_config.tlsKeyPath, &err);
        if (!tls) {
            if (error)
                *error = err;
            stopThreads();
            return false;
        }
        m_tlsFingerprint = certificateFingerprint(tls->localCertificate());
        qCInfo(lcEngine).noquote() << "TLS on: certificate" << tls->localCertificate().subjectDisplayName()
                                   << "SHA-256" << m_tlsFingerprint;
    }
    m_acceptor = new Acceptor(m_hub.get(), m_secret, tls, this);
    if (!m_acceptor->listen(m_config.bindAddress, m_config.port)) {
        if (error)
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(m_config.bindAddress.toString())
                         .arg(m_config.port)
                         .arg(m_acceptor->errorString());
        stopThreads();
        return false;
    }
    m_http->bind(m_acceptor);
    if (!m_config.redisUrl.isEmpty())
        startBus();
    m_interpreters = new Interpreters(interpreterHost(this), this);
    m_uptime.start();
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_running = true;
    qCInfo(lcEngine).noquote() << "engine listening on" << baseUrl().toString() << "with" << n << "workers";
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
    m_banners->setBus(m_bus);
    connect(m_bus, &RedisBus::bannerEvent, m_banners, &BannerService::applyRemote);
    connect(m_bus, &RedisBus::connectedChanged, m_banners, [this](bool up) {
        if (up)
            m_banners->resync(); // SQL is the truth; Redis only carried messages
    });
    connect(m_bus, &RedisBus::kickRequested, this, [this](quint64 id, const QString &reason) {
        if (kick(id, reason.isEmpty() ? QStringLiteral("removed by the operator") : reason.left(120)))
            qCInfo(lcEngine).noquote() << "kicked connection" << id << "at another replica's request";
    });
    connect(m_bus, &RedisBus::leaseLost, this, &Engine::onLeaseLost);
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

void Engine::stopThreads()
{
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
    if (const QString e = streamIdError(stream); !e.isEmpty()) {
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
    return startSpeakerOn(channel, format, error);
}

bool Engine::startSpeakerOn(const QString &stream, const QJsonObject &format, QString *error)
{
    if (const auto remote = m_bus ? m_bus->remoteSpeaker(stream) : std::nullopt) {
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
    m_localSpeakers.insert(stream, {s, id, false, format});
    lock.unlock();
    m_hub->setFormat(s, format);
    if (m_bus) {
        // On air once the cluster lease is ours (or Redis is unreachable: local listeners only).
        m_bus->acquireLease(stream, id, [this, stream, id](ClusterLink::Lease r, const QString &holder) {
            QMetaObject::invokeMethod(this, [this, stream, id, r, holder] {
                {
                    QMutexLocker l(&m_localMutex);
                    if (m_localSpeakers.value(stream).id != id)
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
        auto it = m_localSpeakers.find(stream);
        if (it == m_localSpeakers.end() || it->onAir)
            return;
        it->onAir = true;
        sp = *it;
    }
    m_hub->publishJson(sp.state, {{QStringLiteral("type"), QStringLiteral("speaker_joined")}, {QStringLiteral("stream_id"), stream}});
    if (!sp.format.isEmpty())
        m_hub->publishJson(sp.state, {{QStringLiteral("type"), QStringLiteral("format")},
                                      {QStringLiteral("stream_id"), stream},
                                      {QStringLiteral("format"), sp.format}});
    m_hub->publishTopic(QStringLiteral("stream:") + stream,
                        QJsonObject{{QStringLiteral("event"), QStringLiteral("speaker_joined")},
                                    {QStringLiteral("stream_id"), stream}});
    qCInfo(lcWs).noquote() << "local speaker on air on" << stream;
}

void Engine::onLeaseLost(const QString &stream, quint64 connection, const QString &holder)
{
    bool local = false;
    {
        QMutexLocker lock(&m_localMutex);
        local = m_localSpeakers.value(stream).id == connection;
    }
    const QString reason = QStringLiteral("stream taken: '%1' has a speaker on replica %2").arg(stream, holder.left(64));
    if (local) {
        stopLocalSpeaker(stream);
        Q_EMIT localSpeakerRefused(stream, reason);
    } else {
        kick(connection, reason, 4409);
    }
}

void Engine::publishLocal(const QString &stream, const QByteArray &frame)
{
    std::shared_ptr<StreamState> s;
    {
        QMutexLocker lock(&m_localMutex);
        const auto it = m_localSpeakers.constFind(stream);
        if (it != m_localSpeakers.cend() && it->onAir)
            s = it->state;
    }
    if (!s)
        return;
    s->framesIn.fetch_add(1, std::memory_order_relaxed);
    s->bytesIn.fetch_add(frame.size(), std::memory_order_relaxed);
    m_metrics->framesIn.fetch_add(1, std::memory_order_relaxed);
    m_metrics->bytesIn.fetch_add(frame.size(), std::memory_order_relaxed);
    m_hub->publishAudio(s, frame);
}

void Engine::markLocal(const QString &stream, qint64 id, qint64 captureMs)
{
    std::shared_ptr<StreamState> s;
    {
        QMutexLocker lock(&m_localMutex);
        const auto it = m_localSpeakers.constFind(stream);
        if (it != m_localSpeakers.cend() && it->onAir)
            s = it->state;
    }
    if (s)
        m_hub->publishJson(s, markMessage(stream, {{QStringLiteral("id"), id}, {QStringLiteral("t"), captureMs}}));
}

void Engine::stopLocalSpeaker(const QString &stream)
{
    LocalSpeaker entry;
    {
        QMutexLocker lock(&m_localMutex);
        entry = m_localSpeakers.take(stream);
    }
    if (!entry.state)
        return;
    m_hub->leaveSpeaker(entry.state, entry.id);
    if (!entry.onAir)
        return;
    m_hub->publishJson(entry.state, {{QStringLiteral("type"), QStringLiteral("speaker_left")}, {QStringLiteral("stream_id"), stream}});
    m_hub->publishTopic(QStringLiteral("stream:") + stream,
                        QJsonObject{{QStringLiteral("event"), QStringLiteral("speaker_left")},
                                    {QStringLiteral("stream_id"), stream}});
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
    const QStringList reasons = degradedReasons();
    QJsonObject out{{QStringLiteral("status"), reasons.isEmpty() ? QStringLiteral("ok") : QStringLiteral("degraded")},
                    {QStringLiteral("service"), QStringLiteral("onair")},
                    {QStringLiteral("version"), QStringLiteral(ONAIR_VERSION)},
                    {QStringLiteral("uptime_seconds"), double(uptimeMs()) / 1000.0},
                    {QStringLiteral("started_at"), m_startedAt.toString(Qt::ISODateWithMs)}};
    if (!reasons.isEmpty())
        out.insert(QStringLiteral("reasons"), QJsonArray::fromStringList(reasons));
    out.insert(QStringLiteral("tls"), secure());
    if (m_bus) {
        out.insert(QStringLiteral("replica"), m_replicaId);
        out.insert(QStringLiteral("cluster"), m_bus->connected() ? QStringLiteral("connected") : QStringLiteral("disconnected"));
    }
    out.insert(QStringLiteral("interpretation"), interpretationJson());
    return out;
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
    if (!m_bus)
        return {{QStringLiteral("enabled"), false},
                {QStringLiteral("scope"), QStringLiteral("single replica (no --redis)")}};
    const QList<RedisBus::Replica> others = m_bus->remoteReplicas();
    const QList<StreamSnapshot> local = m_hub->snapshot();
    struct Row
    {
        int listeners = 0;
        QJsonObject byReplica;
        QString speakerReplica;
    };
    QMap<QString, Row> rows;
    QJsonArray replicas;
    int totalListeners = 0, totalConnections = m_hub->connections(), speakers = 0;
    int selfListeners = 0;
    for (const StreamSnapshot &s : local) {
        Row &r = rows[s.id];
        r.listeners += s.listeners;
        r.byReplica.insert(m_replicaId, s.listeners);
        if (s.speakerLive)
            r.speakerReplica = m_replicaId;
        selfListeners += s.listeners;
    }
    replicas.append(QJsonObject{{QStringLiteral("replica"), m_replicaId},
                                {QStringLiteral("self"), true},
                                {QStringLiteral("connections"), m_hub->connections()},
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
    const RedisBus::Status st = m_bus->status();
    return {{QStringLiteral("enabled"), true},
            {QStringLiteral("scope"), QStringLiteral("all replicas")},
            {QStringLiteral("note"), QStringLiteral("other replicas' numbers are their last presence (every %1 ms, "
                                                    "forgotten after %2 ms); this replica's are live")
                                         .arg(m_config.presenceIntervalMs).arg(3 * m_config.presenceIntervalMs)},
            {QStringLiteral("replica"), m_replicaId},
            {QStringLiteral("redis"), st.connected ? QStringLiteral("connected") : QStringLiteral("disconnected")},
            {QStringLiteral("replicas"), replicas},
            {QStringLiteral("streams"), streams},
            {QStringLiteral("totals"), QJsonObject{{QStringLiteral("replicas"), replicas.size()},
                                                   {QStringLiteral("streams"), streams.size()},
                                                   {QStringLiteral("speakers"), speakers},
                                                   {QStringLiteral("listeners"), totalListeners},
                                                   {QStringLiteral("connections"), totalConnections}}}};
}

QJsonObject Engine::connectionsJson() const
{
    QJsonArray streams;
    qint64 listeners = 0, players = 0, speakers = 0, framesIn = 0, framesOut = 0, bytesIn = 0, bytesOut = 0, drops = 0;
    for (const StreamSnapshot &s : m_hub->snapshot()) {
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
            {QStringLiteral("replica"), m_bus ? QJsonValue(m_replicaId) : QJsonValue()},
            {QStringLiteral("cluster"), clusterJson()},
            {QStringLiteral("streams"), streams},
            {QStringLiteral("totals"),
             QJsonObject{{QStringLiteral("streams"), streams.size()},
                         {QStringLiteral("speakers"), speakers},
                         {QStringLiteral("listeners"), listeners},
                         {QStringLiteral("players"), players},
                         {QStringLiteral("connections"), m_hub->connections()},
                         {QStringLiteral("frames_in"), framesIn},
                         {QStringLiteral("frames_out"), framesOut},
                         {QStringLiteral("bytes_in"), bytesIn},
                         {QStringLiteral("bytes_out"), bytesOut},
                         {QStringLiteral("drops"), drops}}},
            {QStringLiteral("player_outputs"), m_players ? m_players->outputsJson() : QJsonArray()},
            {QStringLiteral("limits"),
             QJsonObject{{QStringLiteral("max_connections"), m_config.maxConnections},
                         {QStringLiteral("max_listeners_per_stream"), m_config.maxListenersPerStream},
                         {QStringLiteral("max_streams"), m_config.maxStreams}}}};
}

QJsonObject Engine::fullHealthJson()
{
    const ProbeResult p = probe();
    int open = 0;
    for (const StreamSnapshot &s : m_hub->snapshot())
        open += s.pipelineState != BreakerState::Closed ? 1 : 0;
    const bool nearLimit = m_hub->connections() >= m_config.maxConnections * 9 / 10;
    const bool redisDown = m_bus && !m_bus->connected();
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
                     {QStringLiteral("workers"), workerCount()},
                     {QStringLiteral("workers_answered"), p.workersAnswered}}},
        {QStringLiteral("pipeline"),
         QJsonObject{{QStringLiteral("status"), open ? QStringLiteral("degraded") : QStringLiteral("ok")},
                     {QStringLiteral("circuits_open"), open}}},
        {QStringLiteral("connections"),
         QJsonObject{{QStringLiteral("status"), nearLimit ? QStringLiteral("degraded") : QStringLiteral("ok")},
                     {QStringLiteral("current"), m_hub->connections()},
                     {QStringLiteral("max"), m_config.maxConnections}}},
    };
    if (m_bus) {
        const RedisBus::Status st = m_bus->status();
        QJsonObject redis{{QStringLiteral("status"), st.connected ? QStringLiteral("ok") : QStringLiteral("down")},
                          {QStringLiteral("url"), st.url},
                          {QStringLiteral("replica"), m_replicaId},
                          {QStringLiteral("since"), QDateTime::fromMSecsSinceEpoch(st.sinceMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                          {QStringLiteral("reconnect_attempts"), st.reconnects},
                          {QStringLiteral("published"), m_bus->published.load()},
                          {QStringLiteral("publish_failures"), m_bus->publishFailures.load()},
                          {QStringLiteral("received"), m_bus->received.load()},
                          {QStringLiteral("replicas_seen"), int(m_bus->remoteReplicas().size())}};
        if (!st.connected)
            redis.insert(QStringLiteral("error"), st.lastError);
        components.insert(QStringLiteral("redis"), redis);
    }
    QJsonObject out = healthJson();
    out.insert(QStringLiteral("status"), status);
    out.insert(QStringLiteral("components"), components);
    out.insert(QStringLiteral("fanout_latency_ms"),
               QJsonObject{{QStringLiteral("p50"), m_metrics->fanoutQuantileMs(0.5)},
                           {QStringLiteral("p99"), m_metrics->fanoutQuantileMs(0.99)}});
    return out;
}

QByteArray Engine::prometheusText() const
{
    QByteArray out;
    auto metric = [&out](const char *name, const char *type, const char *help, qint64 value) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' + name
            + ' ' + QByteArray::number(value) + '\n';
    };
    const QList<StreamSnapshot> streams = m_hub->snapshot();
    qint64 listeners = 0, speakers = 0, players = 0;
    for (const StreamSnapshot &s : streams) {
        listeners += s.listeners;
        players += s.players;
        speakers += s.speakerLive ? 1 : 0;
    }
    const Metrics &m = *m_metrics;
    metric("onair_connections", "gauge", "Open WebSocket connections (including handshakes).", m_hub->connections());
    metric("onair_listeners", "gauge", "Connected listeners.", listeners);
    metric("onair_players", "gauge", "Listeners on the players' HTTP streams (/stream/…), counted in onair_listeners too.", players);
    metric("onair_player_outputs", "gauge", "Streams rendered for players (one per stream and format).",
           m_players ? m_players->outputCount() : 0);
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
    if (m_bus) {
        metric("onair_redis_connected", "gauge", "1 while this replica is connected to Redis.", m_bus->connected() ? 1 : 0);
        metric("onair_redis_published_total", "counter", "Messages published to Redis.", m_bus->published.load());
        metric("onair_redis_publish_failures_total", "counter", "Messages that could not be published (Redis down or failing).",
               m_bus->publishFailures.load());
        metric("onair_redis_received_total", "counter", "Messages received from other replicas.", m_bus->received.load());
        metric("onair_redis_reconnect_attempts_total", "counter", "Reconnect attempts to Redis.", m_bus->status().reconnects);
        metric("onair_cluster_replicas", "gauge", "Replicas seen through presence, this one included.",
               qint64(m_bus->remoteReplicas().size()) + 1);
    }
    out += prometheusHistogram(m);
    return out;
}

void Engine::setupRoutes()
{
    using Method = QHttpServerRequest::Method;
    m_http->route(QStringLiteral("/health"), Method::Get, [this] { return QHttpServerResponse(healthJson()); });
    m_http->route(QStringLiteral("/health/connections"), Method::Get,
                  [this] { return QHttpServerResponse(connectionsJson()); });
    m_http->route(QStringLiteral("/health/full"), Method::Get, [this] {
        const QJsonObject body = fullHealthJson();
        const bool down = body.value(QLatin1String("status")).toString() == QLatin1String("down");
        return QHttpServerResponse(body, down ? Status::ServiceUnavailable : Status::Ok);
    });
    m_http->route(QStringLiteral("/metrics"), Method::Get, [this] {
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"), prometheusText());
    });
    // Players are answered by the acceptor on a connection's first request; a player that
    // reuses a keep-alive connection is sent to the same URL, and the connection closes
    // (see Acceptor::guard), so it comes back on a fresh one.
    m_http->route(QStringLiteral("/stream/<arg>"), Method::Get | Method::Head,
                  [](const QString &, const QHttpServerRequest &req, QHttpServerResponder &&responder) {
        QByteArray location = req.url().path(QUrl::FullyEncoded).toUtf8();
        if (req.url().hasQuery())
            location += '?' + req.url().query(QUrl::FullyEncoded).toUtf8();
        responder.write({{"Location", location}, {"Cache-Control", "no-store"}, {"Connection", "close"}},
                        QHttpServerResponder::StatusCode::TemporaryRedirect);
    });

    // WebSocket endpoints reach this router only when the upgrade is refused (the Acceptor
    // hands accepted upgrades straight to a worker) or when a plain request hits them.
    auto wsRefusal = [this](const QHttpServerRequest &req, QHttpServerResponder &responder) {
        // QHttpServer 6.4 also runs the missing handler for an upgrade request whose route
        // answered (it still looks for a WebSocket consumer); remember that this one is done
        // until the event loop turns, so it gets exactly one response.
        m_upgradeAnswered = true;
        QTimer::singleShot(0, this, [this] { m_upgradeAnswered = false; });
        const bool upgrade = req.value("upgrade").toLower().contains("websocket");
        const WsRoute route = parseWsRoute(req.url().path(QUrl::FullyDecoded));
        const auto log = qScopeGuard([&] {
            qCInfo(lcHttp).noquote() << "refused" << (upgrade ? "upgrade" : "request") << "to"
                                     << req.url().path().left(120) << "from" << req.remoteAddress().toString();
        });
        if (route.kind == WsRoute::Unknown) {
            m_metrics->refuse(Refusal::UnknownPath);
            writeJson(responder, errorBody(QStringLiteral("not_found"), QStringLiteral("no such endpoint")),
                      Status::NotFound);
            return;
        }
        if (route.kind == WsRoute::Invalid) {
            m_metrics->refuse(Refusal::InvalidStreamId);
            writeJson(responder, errorBody(QStringLiteral("invalid_stream_id"), route.error), Status::BadRequest);
            return;
        }
        if (!upgrade) {
            writeJson(responder,
                      errorBody(QStringLiteral("upgrade_required"),
                                QStringLiteral("this endpoint speaks WebSocket only")),
                      Status::UpgradeRequired);
            return;
        }
        if (route.kind == WsRoute::Speak && m_hub->hasSpeaker(route.streamId)) {
            m_metrics->refuse(Refusal::StreamTaken);
            QJsonObject body = errorBody(QStringLiteral("stream_taken"),
                                         QStringLiteral("stream '%1' already has a speaker").arg(route.streamId));
            writeJson(responder, body, Status::Conflict);
            return;
        }
        if (route.kind == WsRoute::Listen && m_hub->listenersOf(route.streamId) >= m_config.maxListenersPerStream) {
            m_metrics->refuse(Refusal::MaxListeners);
            writeJson(responder,
                      errorBody(QStringLiteral("stream_full"),
                                QStringLiteral("stream has the maximum of %1 listeners").arg(m_config.maxListenersPerStream)),
                      Status::ServiceUnavailable);
            return;
        }
        if (route.kind != WsRoute::Legacy && m_hub->atStreamLimitFor(route.streamId)) {
            m_metrics->refuse(Refusal::MaxStreams);
            writeJson(responder,
                      errorBody(QStringLiteral("too_many_streams"),
                                QStringLiteral("the server has the maximum of %1 streams").arg(m_config.maxStreams)),
                      Status::ServiceUnavailable);
            return;
        }
        m_metrics->refuse(Refusal::MaxConnections);
        writeJson(responder,
                  errorBody(QStringLiteral("server_full"),
                            QStringLiteral("the server has the maximum of %1 connections; retry later")
                                .arg(m_config.maxConnections)),
                  Status::ServiceUnavailable);
    };
    m_http->route(QStringLiteral("/ws"), [wsRefusal](const QHttpServerRequest &req, QHttpServerResponder &&r) {
        wsRefusal(req, r);
    });
    m_http->route(QStringLiteral("/ws/<arg>"), [wsRefusal](const QString &, const QHttpServerRequest &req,
                                                            QHttpServerResponder &&r) { wsRefusal(req, r); });
    m_http->route(QStringLiteral("/ws/speak/<arg>"), [wsRefusal](const QString &, const QHttpServerRequest &req,
                                                                  QHttpServerResponder &&r) { wsRefusal(req, r); });
    m_http->route(QStringLiteral("/ws/listen/<arg>"), [wsRefusal](const QString &, const QHttpServerRequest &req,
                                                                   QHttpServerResponder &&r) { wsRefusal(req, r); });
    m_http->setMissingHandler([this, wsRefusal](const QHttpServerRequest &req, QHttpServerResponder &&responder) {
        if (m_upgradeAnswered) {
            m_upgradeAnswered = false;
            return;
        }
        if (req.url().path().startsWith(QLatin1String("/ws/"))) {
            wsRefusal(req, responder); // e.g. an id with an encoded '/' that no route matched
            m_upgradeAnswered = false;
            return;
        }
        const QString path = req.url().path();
        if (path.startsWith(QLatin1String("/listen/")) || path.startsWith(QLatin1String("/speak/"))) {
            // e.g. /listen/..%2F..%2Fetc: decoded, the id holds a '/', so no page route matched
            writeJson(responder,
                      errorBody(QStringLiteral("invalid_stream_id"),
                                streamIdError(path.mid(path.indexOf(u'/', 1) + 1).left(200))),
                      Status::BadRequest);
            return;
        }
        writeJson(responder,
                  errorBody(QStringLiteral("not_found"),
                            QStringLiteral("no such endpoint: %1").arg(req.url().path().left(200))),
                  Status::NotFound);
    });
    m_http->afterRequest([](QHttpServerResponse &&resp) {
        resp.setHeader("Cache-Control", "no-store");
        return std::move(resp);
    });
}

} // namespace onair
