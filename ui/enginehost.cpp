#include "enginehost.h"

#include "banners/bannerservice.h"
#include "cluster/redisbus.h"
#include "banners/store.h"
#include "recording/recordings.h"
#include "protocol/streamid.h"

#ifdef ONAIR_HAS_INTERPRETATION
#include "interpretation/stages/stages.h"
#endif

namespace onair {

EngineHost::EngineHost(EngineConfig config, QObject *parent) : QObject(parent), m_config(std::move(config))
{
    qRegisterMetaType<onair::EngineSnapshot>();
    m_thread.setObjectName(QStringLiteral("onair-engine"));
    m_poll.setInterval(250); // 4 Hz: aggregated snapshots, never per network event
    connect(&m_poll, &QTimer::timeout, this, [this] { Q_EMIT snapshotReady(snapshot()); });
    m_workers.setMaxThreadCount(1); // the operator's requests in the order given
    m_workers.setExpiryTimeout(-1); // one thread, kept: the store opens a connection per thread
}

EngineHost::~EngineHost()
{
    m_poll.stop();
    m_workers.waitForDone();
    if (m_engine) {
        QMetaObject::invokeMethod(m_engine, [this] { delete m_engine; }, Qt::BlockingQueuedConnection);
        m_engine = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

void EngineHost::setInterpretationBackends(InterpretationBackends backends) { m_backends = std::move(backends); }

bool EngineHost::start(QString *error)
{
    m_thread.start();
    bool ok = false;
    // The engine is created on its thread so that it and its sockets live there.
    auto *holder = new QObject;
    holder->moveToThread(&m_thread);
    QMetaObject::invokeMethod(holder, [&] {
        m_engine = new Engine(m_config);
        InterpretationBackends backends;
        if (m_backends)
            backends = *m_backends;
#ifdef ONAIR_HAS_INTERPRETATION
        else
            backends = defaultInterpretationBackends(m_config);
#endif
        // What is installed, read once here: the panel asks often, the answer reads disks.
        m_interpretationBuilt = !backends.isEmpty();
        if (backends.sourceLanguages)
            m_sources = backends.sourceLanguages();
        for (const QString &source : std::as_const(m_sources))
            m_targets.insert(source, backends.targetLanguages ? backends.targetLanguages(source) : QStringList());
        m_engine->setInterpretationBackends(std::move(backends));
        connect(m_engine, &Engine::interpretationEvent, this, &EngineHost::interpretationEvent); // queued
        ok = m_engine->start(error);
        if (!ok) {
            delete m_engine;
            m_engine = nullptr;
        }
    }, Qt::BlockingQueuedConnection);
    holder->deleteLater();
    if (ok)
        m_poll.start();
    return ok;
}

QUrl EngineHost::baseUrl() const { return m_engine ? m_engine->baseUrl() : QUrl(); }

EngineSnapshot EngineHost::snapshot() const
{
    EngineSnapshot s;
    if (!m_engine)
        return s;
    // All of these are thread-safe reads (mutex or atomics).
    s.streams = m_engine->hub()->snapshot();
    if (m_engine->watch())
        s.watch = m_engine->watch()->status();
    s.uptimeMs = m_engine->uptimeMs();
    s.connections = m_engine->hub()->connections();
    s.framesOut = m_engine->metrics()->framesOut.load();
    s.fanoutP99Ms = m_engine->metrics()->fanoutQuantileMs(0.99);
    s.activeBanner = m_engine->banners()->active();
    s.acknowledged = m_engine->banners()->acknowledgedCount();
    if (s.activeBanner)
        s.bannerReceipts = m_engine->banners()->receipts(s.activeBanner->id).value_or(QJsonObject());
    s.scheduledBanners = m_engine->banners()->scheduled();
    // A real read through the store (this thread's own connection), at most every 2 s.
    if (!m_storeChecked.isValid() || m_storeChecked.elapsed() > 2000) {
        QString error;
        m_storeOk = m_engine->store()->schemaVersion(&error).has_value();
        m_storeChecked.start();
    }
    s.storeState = m_storeOk ? QStringLiteral("ok") : QStringLiteral("failing");
    if (const RedisBus *bus = m_engine->bus()) {
        if (bus->connected()) {
            s.clusterState = QStringLiteral("ok");
            s.clusterDetail = QString::number(bus->remoteReplicas().size() + 1);
        } else {
            s.clusterState = QStringLiteral("degraded");
            s.clusterDetail = bus->status().lastError;
        }
    }
    return s;
}

std::optional<Banner> EngineHost::sendBanner(const QString &text, const QString &type, QString *error)
{
    return sendBanner(text, type, 0, QDateTime(), error);
}

std::optional<Banner> EngineHost::sendBanner(const QString &text, const QString &type, int expiresInS,
                                             const QDateTime &startsAt, QString *error)
{
    QJsonObject body{{QStringLiteral("message"), text}, {QStringLiteral("type"), type}};
    if (expiresInS > 0)
        body.insert(QStringLiteral("expires_in"), expiresInS);
    if (startsAt.isValid())
        body.insert(QStringLiteral("starts_at"), startsAt.toUTC().toString(Qt::ISODateWithMs));
    std::optional<Banner> out;
    QMetaObject::invokeMethod(m_engine, [&] {
        BannerService::Input in;
        QString message;
        const QString code = m_engine->banners()->validate(body, &in, &message);
        if (!code.isEmpty()) {
            *error = message;
            return;
        }
        out = m_engine->banners()->create(in, QStringLiteral("operator"), error);
    }, Qt::BlockingQueuedConnection);
    return out;
}

bool EngineHost::repeatBanner(const QString &id)
{
    bool ok = false;
    QMetaObject::invokeMethod(m_engine, [&] {
        ok = m_engine->banners()->repeat(id, QStringLiteral("operator")) == BannerService::Outcome::Done;
    }, Qt::BlockingQueuedConnection);
    return ok;
}

bool EngineHost::cancelScheduledBanner(const QString &id, QString *error)
{
    BannerService::Outcome r = BannerService::Outcome::Failed;
    QMetaObject::invokeMethod(m_engine, [&] { r = m_engine->banners()->cancelScheduled(id, QStringLiteral("operator"), error); },
                              Qt::BlockingQueuedConnection);
    if (r == BannerService::Outcome::NotFound)
        *error = tr("it is no longer scheduled");
    return r == BannerService::Outcome::Done;
}

bool EngineHost::clearBanner(QString *error)
{
    bool ok = false;
    QMetaObject::invokeMethod(m_engine, [&] {
        bool cleared = false;
        ok = m_engine->banners()->clear(QStringLiteral("operator"), &cleared, error);
    }, Qt::BlockingQueuedConnection);
    return ok;
}

bool EngineHost::kick(quint64 connectionId, const QString &reason)
{
    bool ok = false;
    QMetaObject::invokeMethod(m_engine, [&] { ok = m_engine->kick(connectionId, reason); }, Qt::BlockingQueuedConnection);
    return ok;
}

bool EngineHost::rebind(const QHostAddress &address, QString *error)
{
    if (!m_engine) {
        *error = tr("the broadcast server is not running");
        return false;
    }
    bool ok = false;
    QHostAddress now;
    // Blocking: the window reads engine()->address() and must not while the socket changes.
    QMetaObject::invokeMethod(m_engine, [&] {
        ok = m_engine->rebind(address, error);
        now = m_engine->address();
    }, Qt::BlockingQueuedConnection);
    if (ok)
        Q_EMIT addressChanged(now);
    return ok;
}

bool EngineHost::reachableFromNetwork() const
{
    if (!m_engine)
        return false;
    const QHostAddress a = m_engine->address();
    return !a.isNull() && !a.isLoopback();
}

void EngineHost::requestListeners(const QString &stream, int limit)
{
    if (!m_engine || m_listenersPending)
        return;
    m_listenersPending = true;
    QMetaObject::invokeMethod(m_engine, [this, stream, limit] {
        QList<ListenerInfo> all = stream.isEmpty() ? QList<ListenerInfo>() : m_engine->listenersOf(stream);
        const int total = int(all.size());
        if (all.size() > limit)
            all.resize(limit);
        QMetaObject::invokeMethod(this, [this, stream, all, total] {
            m_listenersPending = false;
            Q_EMIT listenersReady(stream, all, total);
        });
    });
}

bool EngineHost::setInterpretation(const QString &stream, const QString &source, const QStringList &targets,
                                   QString *error)
{
    if (!m_engine) {
        *error = tr("the broadcast server is not running");
        return false;
    }
    bool ok = false;
    QMetaObject::invokeMethod(m_engine, [&] { ok = m_engine->setInterpretation(stream, source, targets, error); },
                              Qt::BlockingQueuedConnection);
    return ok;
}

QPair<QString, QStringList> EngineHost::interpretationOf(const QString &stream) const
{
    QPair<QString, QStringList> out;
    if (m_engine)
        QMetaObject::invokeMethod(m_engine, [&] { out = m_engine->interpretationOf(stream); }, Qt::BlockingQueuedConnection);
    return out;
}

bool EngineHost::requestInterpretation(const QString &stream, quint64 tag)
{
    if (!m_engine || m_interpretationPending)
        return false;
    m_interpretationPending = true;
    QMetaObject::invokeMethod(m_engine, [this, stream, tag] {
        const QJsonObject json = m_engine->interpretationJson();
        const QPair<QString, QStringList> setting = stream.isEmpty() ? QPair<QString, QStringList>() : m_engine->interpretationOf(stream);
        QMetaObject::invokeMethod(this, [this, json, stream, setting, tag] {
            m_interpretationPending = false;
            Q_EMIT interpretationReady(json, stream, setting.first, setting.second, tag);
        });
    });
    return true;
}

void EngineHost::requestRecording(const QString &stream, bool wanted)
{
    Recordings *r = recordings();
    if (!r) {
        Q_EMIT recordingSet(stream, wanted, false, QString(), tr("the broadcast server is not running"));
        return;
    }
    m_workers.start([this, r, stream, wanted] {
        QString id, error;
        const bool ok = r->setWanted(stream, wanted, &id, &error);
        QMetaObject::invokeMethod(this, [this, stream, wanted, ok, id, error] {
            Q_EMIT recordingSet(stream, wanted, ok, id, error);
        });
    });
}

bool EngineHost::requestLanguageChannels()
{
    if (!m_engine || m_channelsPending)
        return false;
    m_channelsPending = true;
    QMetaObject::invokeMethod(m_engine, [this] {
        const QJsonArray channels = m_engine->languageChannels();
        QMetaObject::invokeMethod(this, [this, channels] {
            m_channelsPending = false;
            Q_EMIT languageChannelsReady(channels);
        });
    });
    return true;
}

void EngineHost::requestChannelFallback(const QString &channel, const QString &fallback)
{
    if (!m_engine) {
        Q_EMIT channelChanged(channel, fallback, false, tr("the broadcast server is not running"));
        return;
    }
    // The same worker as recording: the store is written in the order the operator asked.
    m_workers.start([this, channel, fallback] {
        QString error;
        const bool ok = fallback.isEmpty() ? m_engine->forgetChannel(channel, &error)
                                           : m_engine->setChannelFallback(channel, fallback, &error);
        QMetaObject::invokeMethod(this, [this, channel, fallback, ok, error] { Q_EMIT channelChanged(channel, fallback, ok, error); });
    });
}

bool EngineHost::handOverLocalSpeaker(const QString &channel, bool handOver)
{
    if (!m_engine || !isLanguageChannel(channel))
        return false;
    bool ok = false;
    QMetaObject::invokeMethod(m_engine, [&] { ok = m_engine->handOverLocalSpeaker(channel, handOver); }, Qt::BlockingQueuedConnection);
    return ok;
}

} // namespace onair
