#include "fanout/hub.h"

#include "core/clock.h"
#include "fanout/fanoutworker.h"
#include "core/logging.h"
#include "history/journal.h"
#include "protocol/streamid.h"

#include <QDateTime>
#include <QJsonDocument>

namespace onair {

Hub::Hub(const EngineConfig &config, Metrics *metrics) : m_config(config), m_metrics(metrics) {}

void Hub::setWorkers(QList<FanoutWorker *> workers)
{
    Q_ASSERT(workers.size() <= kMaxWorkers);
    m_workers = std::move(workers);
}

std::shared_ptr<StreamState> Hub::findOrCreateLocked(const QString &id, Refusal *why)
{
    auto it = m_streams.constFind(id);
    if (it != m_streams.constEnd())
        return *it;
    const bool internal = id.startsWith(u'~');
    if (!internal && streamCountLocked() >= m_config.maxStreams) {
        *why = Refusal::MaxStreams;
        return nullptr;
    }
    auto s = std::make_shared<StreamState>(id);
    s->createdMs = QDateTime::currentMSecsSinceEpoch();
    for (const auto &tap : m_watchers.value(id))
        addTap(s, tap);
    m_streams.insert(id, s);
    qCDebug(lcHub).noquote() << "stream created" << id;
    return s;
}

void Hub::forgetIfIdleLocked(const std::shared_ptr<StreamState> &s)
{
    if (s->speakerConnection != 0 || s->listeners.load() != 0)
        return;
    auto it = m_streams.find(s->id);
    if (it != m_streams.end() && it->get() == s.get()) {
        m_streams.erase(it);
        qCDebug(lcHub).noquote() << "stream removed" << s->id;
    }
}

std::shared_ptr<StreamState> Hub::find(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    return m_streams.value(id);
}

std::shared_ptr<StreamState> Hub::joinListener(const QString &id, int worker, Refusal *why)
{
    QMutexLocker lock(&m_mutex);
    auto s = findOrCreateLocked(id, why);
    if (!s)
        return nullptr;
    if (!id.startsWith(u'~') && s->listeners.load() >= m_config.maxListenersPerStream) {
        *why = Refusal::MaxListeners;
        forgetIfIdleLocked(s);
        return nullptr;
    }
    const bool first = s->listeners.fetch_add(1) == 0;
    s->perWorker[size_t(worker)].fetch_add(1);
    if (!id.startsWith(u'~')) {
        m_dirtyStreams.insert(id);
        if (first && m_cluster)
            m_cluster->refreshInterest(id);
    }
    return s;
}

void Hub::leaveListener(const std::shared_ptr<StreamState> &s, int worker)
{
    QMutexLocker lock(&m_mutex);
    s->perWorker[size_t(worker)].fetch_sub(1);
    const bool last = s->listeners.fetch_sub(1) == 1;
    if (!s->id.startsWith(u'~')) {
        m_dirtyStreams.insert(s->id);
        if (last && m_cluster)
            m_cluster->refreshInterest(s->id);
    }
    forgetIfIdleLocked(s);
}

std::shared_ptr<StreamState> Hub::joinSpeaker(const QString &id, quint64 connection,
                                              const QString &address, Refusal *why, bool yields)
{
    quint64 displaced = 0;
    std::shared_ptr<StreamState> s;
    {
        QMutexLocker lock(&m_mutex);
        s = findOrCreateLocked(id, why);
        if (!s)
            return nullptr;
        if (s->speakerConnection != 0) {
            if (yields || !s->speakerYields) {
                *why = Refusal::StreamTaken;
                return nullptr;
            }
            displaced = s->speakerConnection;
            if (m_cluster)
                m_cluster->releaseLease(id, displaced);
        }
        setSlotLocked(*s, connection, address, yields);
    }
    speakerChanged(id, displaced);
    return s;
}

void Hub::setSlotLocked(StreamState &s, quint64 connection, const QString &address, bool yields)
{
    s.speakerConnection = connection;
    s.liveSpeaker.store(connection, std::memory_order_release);
    s.speakerYields = yields;
    s.speakerAddress = address;
    s.format = {};
    s.source.clear();
    if (m_cluster) {
        m_cluster->refreshInterest(s.id);
        m_cluster->presenceChanged();
    }
}

void Hub::speakerChanged(const QString &id, quint64 yieldedConnection)
{
    if (id.startsWith(u'~'))
        return; // internal (the health probe)
    if (yieldedConnection != 0 && m_speakerEvents.yielded)
        m_speakerEvents.yielded(id, yieldedConnection);
    if (m_speakerEvents.changed)
        m_speakerEvents.changed(id);
}

bool Hub::leaveSpeaker(const std::shared_ptr<StreamState> &s, quint64 connection, const std::function<void()> &lastWords)
{
    {
        QMutexLocker lock(&m_mutex);
        if (s->speakerConnection != connection)
            return false;
        if (m_cluster)
            m_cluster->releaseLease(s->id, connection);
        setSlotLocked(*s, 0);
        forgetIfIdleLocked(s);
    }
    if (lastWords)
        lastWords();
    speakerChanged(s->id);
    return true;
}

bool Hub::setSpeakerYields(const std::shared_ptr<StreamState> &s, quint64 connection, bool yields)
{
    QMutexLocker lock(&m_mutex);
    if (s->speakerConnection != connection)
        return false;
    s->speakerYields = yields;
    if (yields && m_cluster)
        m_cluster->releaseLease(s->id, connection); // a person on another replica may take it now
    return true;
}

bool Hub::speakerYields(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    const auto s = m_streams.value(id);
    return s && s->speakerConnection != 0 && s->speakerYields;
}

QString Hub::speakerAddress(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    const auto s = m_streams.value(id);
    return s && s->speakerConnection != 0 ? s->speakerAddress : QString();
}

bool Hub::yieldToRemote(const QString &id)
{
    quint64 old = 0;
    {
        QMutexLocker lock(&m_mutex);
        const auto s = m_streams.value(id);
        if (!s || s->speakerConnection == 0 || !s->speakerYields || !m_cluster)
            return false;
        const auto remote = m_cluster->remoteSpeaker(id);
        if (!remote || m_cluster->remoteSource(id) != QLatin1String("human"))
            return false;
        old = s->speakerConnection;
        setSlotLocked(*s, 0);
        forgetIfIdleLocked(s);
    }
    speakerChanged(id, old);
    return true;
}

void Hub::setSource(const std::shared_ptr<StreamState> &s, quint64 connection, const QString &source)
{
    {
        QMutexLocker lock(&m_mutex);
        if (s->speakerConnection != connection)
            return;
        s->source = source;
    }
    if (m_cluster)
        m_cluster->presenceChanged();
}

QString Hub::source(const std::shared_ptr<StreamState> &s) const
{
    {
        QMutexLocker lock(&m_mutex);
        if (s->speakerConnection != 0)
            return s->source;
    }
    return m_cluster && m_cluster->remoteSpeaker(s->id) ? m_cluster->remoteSource(s->id) : QString();
}

bool Hub::hasLocalSpeaker(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    const auto s = m_streams.value(id);
    return s && s->speakerConnection != 0;
}

bool Hub::hasSpeaker(const QString &id) const
{
    return hasLocalSpeaker(id) || (m_cluster && m_cluster->remoteSpeaker(id));
}

void Hub::setFormat(const std::shared_ptr<StreamState> &s, const QJsonObject &format)
{
    {
        QMutexLocker lock(&m_mutex);
        s->format = format;
    }
    if (m_cluster)
        m_cluster->presenceChanged();
}

QJsonObject Hub::format(const std::shared_ptr<StreamState> &s) const
{
    {
        QMutexLocker lock(&m_mutex);
        if (s->speakerConnection != 0)
            return s->format;
    }
    if (m_cluster) {
        if (const auto remote = m_cluster->remoteSpeaker(s->id))
            return remote->second;
    }
    return {};
}

bool Hub::speakerLive(const std::shared_ptr<StreamState> &s) const
{
    {
        QMutexLocker lock(&m_mutex);
        if (s->speakerConnection != 0)
            return true;
    }
    return m_cluster && m_cluster->remoteSpeaker(s->id);
}

void Hub::deliverRemote(const QString &stream, bool audio, const QByteArray &payload)
{
    const auto s = find(stream);
    if (!s || s->listeners.load(std::memory_order_relaxed) == 0)
        return;
    if (audio) {
        s->framesIn.fetch_add(1, std::memory_order_relaxed);
        s->bytesIn.fetch_add(payload.size(), std::memory_order_relaxed);
    }
    fanout(s, audio, payload, audio);
    tap(*s, audio, payload);
}

bool Hub::wantsRemote(const QString &stream) const
{
    QMutexLocker lock(&m_mutex);
    const auto s = m_streams.value(stream);
    return s && s->listeners.load() > 0 && s->speakerConnection == 0;
}

QStringList Hub::streamsWithLocalListeners() const
{
    QMutexLocker lock(&m_mutex);
    QStringList out;
    for (const auto &s : m_streams) {
        if (!s->id.startsWith(u'~') && s->listeners.load() > 0)
            out.append(s->id);
    }
    return out;
}

void Hub::markCountsDirty(const QStringList &streams)
{
    QMutexLocker lock(&m_mutex);
    for (const QString &id : streams)
        m_dirtyStreams.insert(id);
}

void Hub::publishAudio(const std::shared_ptr<StreamState> &s, const QByteArray &payload)
{
    fanout(s, true, payload, true);
    tap(*s, true, payload);
    if (m_cluster)
        m_cluster->publishStream(s->id, true, payload);
}

void Hub::publishProbe(const std::shared_ptr<StreamState> &s, const QByteArray &payload)
{
    fanout(s, true, payload, false);
}

void Hub::publishToAllClients(const QJsonObject &message)
{
    const QByteArray json = QJsonDocument(message).toJson(QJsonDocument::Compact);
    for (FanoutWorker *w : std::as_const(m_workers))
        w->postAll(json);
}

void Hub::publishTopic(const QString &topic, const QJsonValue &data, bool forward)
{
    if (forward && m_journal && isKeptEvent(topic, data)) {
        m_journal->append(topic, data); // forwarded and delivered once stored, with its offset
        return;
    }
    const QList<TopicEvent> events{{topic, 0, QString(), 0, data}};
    if (forward)
        forwardTopicEvents(events);
    postTopicEvents(events);
}

std::optional<TopicEvent> Hub::publishTopicStored(const QString &topic, const QJsonValue &data, int timeoutMs)
{
    if (m_journal && isKeptEvent(topic, data))
        return m_journal->appendAndWait(topic, data, timeoutMs);
    publishTopic(topic, data);
    return TopicEvent{topic, 0, QString(), 0, data};
}

void Hub::deliverTopic(const TopicEvent &event)
{
    if (event.offset > 0 && m_journal) {
        if (event.epoch == m_journal->epoch()) {
            m_journal->offerRemote(event); // put in order with the others of its topic
            return;
        }
        // Another database's offsets (replicas without a shared database) mean nothing to
        // this replica's history: delivered live, not resumable here.
        postTopicEvents({{event.topic, 0, QString(), event.timeMs, event.data}});
        return;
    }
    postTopicEvents({event});
}

void Hub::setTopicObserver(TopicObserver observer)
{
    QMutexLocker lock(&m_observerMutex);
    m_topicObserver = std::move(observer);
}

void Hub::postTopicEvents(const QList<TopicEvent> &events)
{
    {
        QMutexLocker lock(&m_observerMutex);
        if (m_topicObserver) {
            for (const TopicEvent &e : events)
                m_topicObserver(e);
        }
    }
    for (const TopicEvent &e : events) {
        const QByteArray json = eventMessage(e);
        for (FanoutWorker *w : std::as_const(m_workers))
            w->postTopic(e.topic, e.offset, json);
    }
}

void Hub::forwardTopicEvents(const QList<TopicEvent> &events)
{
    if (!m_cluster)
        return;
    for (const TopicEvent &e : events)
        m_cluster->publishTopic(e);
}

void Hub::flushStreamEvents()
{
    QList<QPair<QString, int>> changed;
    {
        QMutexLocker lock(&m_mutex);
        for (const QString &id : std::as_const(m_dirtyStreams)) {
            const auto s = m_streams.value(id);
            changed.append({id, s ? s->audience() : 0});
        }
        m_dirtyStreams.clear();
    }
    // Every replica publishes the counts to its own clients (never forwarded): the cluster's
    // total from presence plus this replica's live count, and this replica's own.
    for (const auto &[id, n] : std::as_const(changed)) {
        QJsonObject data{{QStringLiteral("event"), QStringLiteral("listeners")},
                         {QStringLiteral("stream_id"), id},
                         {QStringLiteral("listeners"), n + (m_cluster ? m_cluster->remoteListeners(id) : 0)}};
        if (m_cluster)
            data.insert(QStringLiteral("replica_listeners"), n);
        publishTopic(QStringLiteral("stream:") + id, data, false);
    }
}

void Hub::publishJsonLocal(const std::shared_ptr<StreamState> &s, const QJsonObject &message)
{
    const QByteArray json = QJsonDocument(message).toJson(QJsonDocument::Compact);
    fanout(s, false, json, false);
    tap(*s, false, json);
}

void Hub::publishJson(const std::shared_ptr<StreamState> &s, const QJsonObject &message)
{
    const QByteArray json = QJsonDocument(message).toJson(QJsonDocument::Compact);
    fanout(s, false, json, false);
    tap(*s, false, json);
    if (m_cluster && !s->id.startsWith(u'~'))
        m_cluster->publishStream(s->id, false, json);
}

void Hub::tap(StreamState &s, bool audio, const QByteArray &payload)
{
    if (s.tapCount.load(std::memory_order_acquire) == 0)
        return;
    QList<std::shared_ptr<StreamTap>> taps;
    {
        QMutexLocker lock(&s.tapMutex);
        taps = s.taps;
    }
    for (const auto &t : std::as_const(taps))
        t->onStreamPayload(audio, payload);
}

void Hub::addTap(const std::shared_ptr<StreamState> &s, std::shared_ptr<StreamTap> tap)
{
    QMutexLocker lock(&s->tapMutex);
    s->taps.append(std::move(tap));
    s->tapCount.store(int(s->taps.size()), std::memory_order_release);
}

void Hub::removeTap(const std::shared_ptr<StreamState> &s, const StreamTap *tap)
{
    QMutexLocker lock(&s->tapMutex);
    s->taps.removeIf([tap](const std::shared_ptr<StreamTap> &t) { return t.get() == tap; });
    s->tapCount.store(int(s->taps.size()), std::memory_order_release);
}

std::shared_ptr<StreamState> Hub::watch(const QString &id, std::shared_ptr<StreamTap> tap)
{
    QMutexLocker lock(&m_mutex);
    m_watchers[id].append(tap);
    std::shared_ptr<StreamState> s = m_streams.value(id);
    if (s)
        addTap(s, std::move(tap));
    return s;
}

void Hub::unwatch(const QString &id, const StreamTap *tap)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_watchers.find(id);
    if (it != m_watchers.end()) {
        it->removeIf([tap](const std::shared_ptr<StreamTap> &t) { return t.get() == tap; });
        if (it->isEmpty())
            m_watchers.erase(it);
    }
    if (const std::shared_ptr<StreamState> s = m_streams.value(id))
        removeTap(s, tap);
}

void Hub::publishPlayerChunk(const std::shared_ptr<StreamState> &s, PlayerFormat format, quint64 seq,
                             const QByteArray &chunk)
{
    const qint64 t0 = monotonicNs();
    for (int i = 0; i < m_workers.size(); ++i) {
        if (s->playersPerWorker[size_t(i)].load(std::memory_order_relaxed) > 0)
            m_workers.at(i)->postPlayerChunk(s, format, seq, chunk, t0);
    }
}

void Hub::fanout(const std::shared_ptr<StreamState> &s, bool audio, const QByteArray &payload, bool droppable)
{
    const qint64 t0 = monotonicNs();
    for (int i = 0; i < m_workers.size(); ++i) {
        if (s->perWorker[size_t(i)].load(std::memory_order_relaxed) > 0)
            m_workers.at(i)->post(s, audio, payload, droppable, t0); // at(): a non-const [] would detach the shared list
    }
}

bool Hub::reserveConnection()
{
    int cur = m_connections.load();
    do {
        if (cur >= m_config.maxConnections)
            return false;
    } while (!m_connections.compare_exchange_weak(cur, cur + 1));
    return true;
}

void Hub::releaseConnection() { m_connections.fetch_sub(1); }

int Hub::streamCount() const
{
    QMutexLocker lock(&m_mutex);
    return streamCountLocked();
}

int Hub::streamCountLocked() const
{
    int n = 0;
    for (auto it = m_streams.cbegin(); it != m_streams.cend(); ++it)
        n += it.key().startsWith(u'~') ? 0 : 1;
    return n;
}

bool Hub::atStreamLimitFor(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    return !m_streams.contains(id) && streamCountLocked() >= m_config.maxStreams;
}

int Hub::listenersOf(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    const auto s = m_streams.value(id);
    return s ? s->listeners.load() : 0;
}

QList<StreamSnapshot> Hub::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    QList<StreamSnapshot> out;
    out.reserve(m_streams.size());
    for (const auto &s : m_streams) {
        if (s->id.startsWith(u'~'))
            continue;
        StreamSnapshot snap;
        snap.id = s->id;
        snap.speakerLive = s->speakerConnection != 0;
        snap.speakerAddress = s->speakerAddress;
        snap.format = s->format;
        snap.source = s->source;
        snap.listeners = s->audience();
        snap.players = s->players.load();
        snap.framesIn = s->framesIn.load();
        snap.bytesIn = s->bytesIn.load();
        snap.framesOut = s->framesOut.load();
        snap.bytesOut = s->bytesOut.load();
        snap.drops = s->drops.load();
        snap.pipelineState = BreakerState(s->pipeline->state.load());
        snap.passthrough = s->pipeline->passthrough.load();
        snap.fanoutP99Ms = s->fanout.quantileMs(0.99);
        snap.hearing = m_hearing.value(s->id);
        out.append(snap);
    }
    std::sort(out.begin(), out.end(),
              [](const StreamSnapshot &a, const StreamSnapshot &b) { return a.id < b.id; });
    return out;
}

QHash<QString, HearingCounts> Hub::hearing()
{
    QList<HearingPart> parts;
    for (FanoutWorker *w : std::as_const(m_workers))
        parts.append(w->hearing());
    QHash<QString, HearingCounts> merged = mergeHearing(parts);
    QMutexLocker lock(&m_mutex);
    m_hearing = merged;
    return merged;
}

} // namespace onair
