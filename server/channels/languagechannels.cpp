#include "channels/languagechannels.h"

#include "core/logging.h"
#include "fanout/cluster.h"
#include "fanout/hub.h"
#include "fanout/speakersession.h"
#include "protocol/streamid.h"

#include <QJsonDocument>

namespace onair {

namespace {
const QString kHuman = QStringLiteral("human");
const QString kMachine = QStringLiteral("machine");
const QString kOriginal = QStringLiteral("original");
const QString kSilence = QStringLiteral("silence");

QString fallbackAddress(const QString &source)
{
    if (source == kMachine)
        return QStringLiteral("machine interpreter");
    if (source == kOriginal)
        return QStringLiteral("original audio");
    return QStringLiteral("silence");
}
} // namespace

// A tap on a floor stream: its audio is what an "original" fallback relays; its speaker
// coming and going and its format are what the floor's channels follow. The link outlives the
// desk's stop(): the hub may be calling a tap while the desk goes.
struct TapLink
{
    QMutex mutex;
    LanguageChannels *desk = nullptr;
};

class LanguageChannels::FloorTap final : public StreamTap
{
public:
    FloorTap(std::shared_ptr<TapLink> link, QString floor) : m_link(std::move(link)), m_floor(std::move(floor)) {}
    void onStreamPayload(bool audio, const QByteArray &payload) override
    {
        QMutexLocker lock(&m_link->mutex);
        if (m_link->desk)
            m_link->desk->relay(m_floor, audio, payload);
    }
    std::shared_ptr<TapLink> m_link;
    const QString m_floor;
};

LanguageChannels::LanguageChannels(Hub *hub, ChannelStore *store, QObject *parent)
    : QObject(parent), m_hub(hub), m_store(store), m_link(std::make_shared<TapLink>())
{
    m_link->desk = this;
    connect(&m_reload, &QTimer::timeout, this, &LanguageChannels::reload);
}

LanguageChannels::~LanguageChannels()
{
    stop();
}

bool LanguageChannels::isFallbackName(const QString &fallback)
{
    return fallback == kMachine || fallback == kOriginal || fallback == kSilence;
}

void LanguageChannels::start(int reloadMs)
{
    reload();
    m_reload.start(reloadMs);
}

void LanguageChannels::stop()
{
    {
        QMutexLocker lock(&m_link->mutex);
        m_link->desk = nullptr;
    }
    m_reload.stop();
    QList<std::shared_ptr<SpeakerSession>> sessions;
    {
        QMutexLocker lock(&m_mutex);
        m_stopped = true;
        for (Channel &c : m_channels)
            if (c.session)
                sessions.append(std::exchange(c.session, nullptr));
    }
    for (const auto &s : std::as_const(sessions))
        s->end();
    for (auto it = m_taps.cbegin(); it != m_taps.cend(); ++it)
        if (const auto st = m_tapped.value(it.key()))
            m_hub->removeTap(st, it->get());
    m_taps.clear();
    m_tapped.clear();
}

LanguageChannels::Channel &LanguageChannels::channelLocked(const QString &id)
{
    auto it = m_channels.find(id);
    if (it != m_channels.end())
        return *it;
    Channel c;
    c.id = id;
    parseTranslatedStreamId(id, &c.floor, &c.lang);
    m_byFloor[c.floor].append(id);
    return *m_channels.insert(id, c);
}

void LanguageChannels::post(const QString &channel)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_stopped || m_posted.contains(channel))
            return;
        m_posted.insert(channel);
    }
    QMetaObject::invokeMethod(this, [this, channel] { reconcile(channel); }, Qt::QueuedConnection);
}

void LanguageChannels::speakerChanged(const QString &stream)
{
    if (parseTranslatedStreamId(stream)) {
        post(stream);
        return;
    }
    QStringList channels;
    {
        QMutexLocker lock(&m_mutex);
        channels = m_byFloor.value(stream);
    }
    for (const QString &c : std::as_const(channels))
        post(c);
}

void LanguageChannels::remoteSpeakersChanged(const QStringList &streams)
{
    for (const QString &s : streams)
        speakerChanged(s);
}

bool LanguageChannels::ownsConnection(quint64 connection) const
{
    QMutexLocker lock(&m_mutex);
    for (const Channel &c : m_channels)
        if (c.session && c.session->connection() == connection)
            return true;
    return false;
}

void LanguageChannels::machineStarted(const QString &channel, const QJsonObject &format)
{
    {
        QMutexLocker lock(&m_mutex);
        Channel &c = channelLocked(channel);
        c.machineUp = true;
        c.machineFormat = format;
    }
    post(channel);
}

void LanguageChannels::machineStopped(const QString &channel)
{
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_channels.find(channel);
        if (it == m_channels.end())
            return;
        it->machineUp = false;
    }
    post(channel);
}

void LanguageChannels::machinePacket(const QString &channel, const QByteArray &packet)
{
    std::shared_ptr<SpeakerSession> session;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_channels.constFind(channel);
        if (it == m_channels.cend() || !it->session)
            return;
        session = it->session;
    }
    if (session->onAir() && session->source() == kMachine) {
        session->countIn(packet.size());
        session->publishAudio(packet);
    }
}

void LanguageChannels::relay(const QString &floor, bool audio, const QByteArray &payload)
{
    QList<std::shared_ptr<SpeakerSession>> sessions;
    QStringList channels;
    {
        QMutexLocker lock(&m_mutex);
        channels = m_byFloor.value(floor);
        for (const QString &id : std::as_const(channels)) {
            const Channel &c = m_channels[id];
            if (c.session && c.session->onAir() && c.session->source() == kOriginal)
                sessions.append(c.session);
        }
    }
    if (audio) {
        for (const auto &s : std::as_const(sessions)) {
            s->countIn(payload.size());
            s->publishAudio(payload);
        }
        return;
    }
    if (!payload.contains("\"format\"") && !payload.contains("\"speaker_"))
        return;
    const QJsonObject o = QJsonDocument::fromJson(payload).object();
    const QString type = o.value(QLatin1String("type")).toString();
    if (type == QLatin1String("format")) {
        const QJsonObject format = o.value(QLatin1String("format")).toObject();
        for (const auto &s : std::as_const(sessions))
            if (s->holdsSlot())
                s->setFormat(format);
    } else if (type == QLatin1String("speaker_joined") || type == QLatin1String("speaker_left")) {
        for (const QString &c : std::as_const(channels))
            post(c);
    }
}

bool LanguageChannels::personOn(const QString &channel, quint64 fallbackId) const
{
    const auto st = m_hub->find(channel);
    const quint64 holder = st ? st->liveSpeaker.load(std::memory_order_acquire) : 0;
    if (holder != 0 && holder != fallbackId)
        return true;
    const ClusterLink *cluster = m_hub->cluster();
    return cluster && cluster->remoteSpeaker(channel) && cluster->remoteSource(channel) == kHuman;
}

QString LanguageChannels::wantedSource(const Channel &c, bool floorLocal) const
{
    if (c.fallback == kMachine && c.machineUp)
        return kMachine; // also while it drains after the floor left
    if (!floorLocal || (!c.declared && !c.machineUp))
        return {};
    return c.fallback == kSilence ? kSilence : kOriginal;
}

void LanguageChannels::reconcile(const QString &id)
{
    std::shared_ptr<SpeakerSession> session;
    Channel copy;
    {
        QMutexLocker lock(&m_mutex);
        m_posted.remove(id);
        if (m_stopped)
            return;
        Channel &c = channelLocked(id);
        session = c.session;
        copy = c;
    }
    if (session && !session->holdsSlot()) {
        session->end(); // it yielded to a person: no "speaker_left", the slot is theirs
        session.reset();
        QMutexLocker lock(&m_mutex);
        m_channels[id].session.reset();
    }
    const bool floorLocal = m_hub->hasLocalSpeaker(copy.floor);
    if (floorLocal)
        ensureTap(copy.floor);
    if (personOn(id, session ? session->connection() : 0)) {
        {
            QMutexLocker lock(&m_mutex);
            m_channels[id].declared = true; // a person has spoken here: offered from now on
        }
        if (session && m_hub->yieldToRemote(id))
            announceRemote(id);
        return;
    }
    const QString want = wantedSource(copy, floorLocal);
    if (want.isEmpty())
        takeOffAir(id);
    else if (!session)
        putOnAir(id, want);
    else if (session->source() != want)
        session->changeSource(want, formatFor(copy, want));
    forgetIfUnused(id);
}

QJsonObject LanguageChannels::formatFor(const Channel &c, const QString &source) const
{
    if (source == kMachine)
        return c.machineFormat;
    if (source == kOriginal) {
        if (const auto floor = m_hub->find(c.floor))
            return m_hub->format(floor);
    }
    return {};
}

void LanguageChannels::putOnAir(const QString &id, const QString &source)
{
    const quint64 connection = m_hub->nextConnectionId();
    Refusal why{};
    const auto s = m_hub->joinSpeaker(id, connection, fallbackAddress(source), &why, true);
    if (!s)
        return; // a person holds it (or --max-streams): nothing to fall back for
    auto session = std::make_shared<SpeakerSession>(m_hub, s, connection, source);
    Channel copy;
    {
        QMutexLocker lock(&m_mutex);
        Channel &c = m_channels[id];
        c.session = session;
        copy = c;
    }
    session->goOnAir(formatFor(copy, source));
    qCInfo(lcEngine).noquote() << "channel" << id << "falls back to" << source;
}

void LanguageChannels::takeOffAir(const QString &id)
{
    std::shared_ptr<SpeakerSession> session;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_channels.find(id);
        if (it == m_channels.end() || !it->session)
            return;
        session = std::exchange(it->session, nullptr);
    }
    session->end();
}

void LanguageChannels::forgetIfUnused(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_channels.constFind(id);
    if (it == m_channels.cend() || it->declared || it->machineUp || it->session)
        return;
    const QString floor = it->floor;
    m_channels.erase(it);
    QStringList &list = m_byFloor[floor];
    list.removeAll(id);
    if (list.isEmpty())
        m_byFloor.remove(floor);
}

void LanguageChannels::announceRemote(const QString &id)
{
    // This replica's listeners were served by the fallback here and hear the person through
    // Redis from now on: what that person's replica said when they joined went to the replicas
    // subscribed then, not to this one.
    const auto st = m_hub->find(id);
    const ClusterLink *cluster = m_hub->cluster();
    if (!st || !cluster)
        return;
    const auto remote = cluster->remoteSpeaker(id);
    m_hub->publishJsonLocal(st, {{QStringLiteral("type"), QStringLiteral("speaker_joined")}, {QStringLiteral("stream_id"), id}});
    m_hub->publishJsonLocal(st, SpeakerSession::channelSourceMessage(id, kHuman));
    if (remote && !remote->second.isEmpty())
        m_hub->publishJsonLocal(st, {{QStringLiteral("type"), QStringLiteral("format")},
                                     {QStringLiteral("stream_id"), id},
                                     {QStringLiteral("format"), remote->second}});
}

void LanguageChannels::ensureTap(const QString &floor)
{
    const auto st = m_hub->find(floor);
    if (!st || m_tapped.value(floor) == st)
        return;
    if (const auto old = m_tapped.value(floor))
        m_hub->removeTap(old, m_taps.value(floor).get());
    auto tap = std::make_shared<FloorTap>(m_link, floor);
    m_hub->addTap(st, tap);
    m_tapped.insert(floor, st);
    m_taps.insert(floor, std::move(tap));
}

void LanguageChannels::reload()
{
    if (!m_store)
        return;
    QString error;
    const auto stored = m_store->channelFallbacks(&error);
    if (!stored) {
        qCWarning(lcEngine).noquote() << "language channels: the store did not answer:" << error;
        return;
    }
    QStringList changed;
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = stored->cbegin(); it != stored->cend(); ++it) {
            if (!parseTranslatedStreamId(it.key()))
                continue;
            Channel &c = channelLocked(it.key());
            if (!c.stored || c.fallback != it.value())
                changed.append(it.key());
            c.stored = c.declared = true;
            c.fallback = isFallbackName(it.value()) ? it.value() : kMachine;
        }
        for (Channel &c : m_channels) {
            if (c.stored && !stored->contains(c.id)) {
                c.stored = false;
                c.fallback = kMachine;
                changed.append(c.id);
            }
        }
    }
    for (const QString &c : std::as_const(changed))
        post(c);
}

bool LanguageChannels::setFallback(const QString &channel, const QString &fallback, QString *error)
{
    if (const QString e = translatedStreamIdError(channel); !e.isEmpty()) {
        *error = e;
        return false;
    }
    if (!isFallbackName(fallback)) {
        *error = QStringLiteral("fallback must be machine, original or silence");
        return false;
    }
    if (m_store && !m_store->setChannelFallback(channel, fallback, error))
        return false;
    {
        QMutexLocker lock(&m_mutex);
        Channel &c = channelLocked(channel);
        c.stored = c.declared = true;
        c.fallback = fallback;
    }
    post(channel);
    return true;
}

bool LanguageChannels::forget(const QString &channel, QString *error)
{
    if (const QString e = translatedStreamIdError(channel); !e.isEmpty()) {
        *error = e;
        return false;
    }
    if (m_store && !m_store->forgetChannel(channel, error))
        return false;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_channels.find(channel);
        if (it != m_channels.end()) {
            it->stored = it->declared = false;
            it->fallback = kMachine;
        }
    }
    post(channel);
    return true;
}

QString LanguageChannels::sourceLocked(const Channel &c, QString *speaker) const
{
    const auto st = m_hub->find(c.id);
    const quint64 holder = st ? st->liveSpeaker.load(std::memory_order_acquire) : 0;
    const quint64 mine = c.session ? c.session->connection() : 0;
    if (holder != 0 && holder == mine)
        return c.session->source();
    if (holder != 0) {
        if (speaker)
            *speaker = m_hub->speakerAddress(c.id);
        return kHuman;
    }
    if (const ClusterLink *cluster = m_hub->cluster()) {
        if (const auto remote = cluster->remoteSpeaker(c.id)) {
            if (speaker)
                *speaker = QStringLiteral("replica ") + remote->first;
            return cluster->remoteSource(c.id);
        }
    }
    return QStringLiteral("off");
}

QString LanguageChannels::sourceOf(const QString &channel) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_channels.constFind(channel);
    return it == m_channels.cend() ? QString() : sourceLocked(*it, nullptr);
}

QJsonArray LanguageChannels::json(const QString &floor) const
{
    QMutexLocker lock(&m_mutex);
    QStringList ids = floor.isEmpty() ? m_channels.keys() : m_byFloor.value(floor);
    std::sort(ids.begin(), ids.end());
    const ClusterLink *cluster = m_hub->cluster();
    QJsonArray out;
    for (const QString &id : std::as_const(ids)) {
        const Channel &c = m_channels[id];
        QString speaker;
        const QString source = sourceLocked(c, &speaker);
        out.append(QJsonObject{{QStringLiteral("stream_id"), id},
                               {QStringLiteral("floor"), c.floor},
                               {QStringLiteral("lang"), c.lang},
                               {QStringLiteral("source"), source},
                               {QStringLiteral("fallback"), c.fallback},
                               {QStringLiteral("declared"), c.stored},
                               {QStringLiteral("machine"), c.machineUp},
                               {QStringLiteral("speaker"), speaker},
                               {QStringLiteral("listeners"), m_hub->listenersOf(id) + (cluster ? cluster->remoteListeners(id) : 0)}});
    }
    return out;
}

} // namespace onair
