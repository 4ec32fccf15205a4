#include "interpretation/interpreter.h"

#include "audio/opuscodec.h"
#include "core/logging.h"
#include "fanout/hub.h"
#include "interpretation/interpretersession.h"
#include "protocol/streamid.h"

#include <QThread>

namespace onair {

// ---------------------------------------------------------------------------------------------
// Interpreters

Interpreters::Interpreters(InterpreterHost host, QObject *parent) : QObject(parent), m_host(std::move(host))
{
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &Interpreters::reconcile);
    m_timer.start();
}

Interpreters::~Interpreters() { stopAll(); }

StageFaults *Interpreters::faults(const QString &stage) { return sharedFaults(stage).get(); }

std::shared_ptr<StageFaults> Interpreters::sharedFaults(const QString &stage) const
{
    if (stage == QLatin1String("speech_to_text"))
        return m_sttFaults;
    if (stage == QLatin1String("translator"))
        return m_mtFaults;
    if (stage == QLatin1String("text_to_speech"))
        return m_ttsFaults;
    return nullptr;
}

QString Interpreters::validate(const QString &source, const QStringList &targets) const
{
    if (!isValidLanguageCode(source))
        return QStringLiteral("source language must be 2–3 lowercase letters, e.g. en");
    if (targets.size() > 8)
        return QStringLiteral("at most 8 target languages");
    for (const QString &t : targets) {
        if (!isValidLanguageCode(t))
            return QStringLiteral("target language '%1' must be 2–3 lowercase letters, e.g. es").arg(t.left(16));
        if (t == source)
            return QStringLiteral("target language '%1' is the source language").arg(t);
    }
    if (!targets.isEmpty() && m_host.backends.isEmpty())
        return QStringLiteral("this build has no interpretation stages (configure with ONAIR_INTERPRETATION=ON and its packages)");
    return {};
}

bool Interpreters::set(const QString &stream, const QString &source, const QStringList &targets, QString *error)
{
    if (const QString e = streamIdError(stream); !e.isEmpty()) {
        *error = e;
        return false;
    }
    if (const QString e = validate(source, targets); !e.isEmpty()) {
        *error = e;
        return false;
    }
    m_settings.insert(stream, {source, targets});
    reconcile();
    return true;
}

QPair<QString, QStringList> Interpreters::settingsOf(const QString &stream) const
{
    return m_settings.value(stream, {m_host.config.translateSource, m_host.config.translateTargets});
}

// The sessions there should be: streams whose speaker is on this replica, with valid targets.
QHash<QString, QPair<QString, QStringList>> Interpreters::desiredSessions() const
{
    QHash<QString, QPair<QString, QStringList>> desired;
    for (const StreamSnapshot &s : m_host.hub->snapshot()) {
        if (!s.speakerLive || s.id.contains(u'~') || !m_host.hub->hasLocalSpeaker(s.id))
            continue;
        const auto settings = settingsOf(s.id);
        if (!settings.second.isEmpty() && validate(settings.first, settings.second).isEmpty())
            desired.insert(s.id, settings);
    }
    return desired;
}

void Interpreters::reconcile()
{
    if (!m_host.hub || !m_host.running())
        return;
    const auto desired = desiredSessions();
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        const auto want = desired.constFind(it.key());
        if (!shouldStop(it.value(), want == desired.cend() ? nullptr : &*want)) {
            ++it;
            continue;
        }
        stopSession(it.value());
        qCInfo(lcWs).noquote() << "interpretation of" << it.key() << "stopped";
        it = m_sessions.erase(it);
    }
    for (auto it = desired.cbegin(); it != desired.cend(); ++it) {
        if (!m_sessions.contains(it.key()))
            startSession(it.key(), it.value());
    }
}

// Stop: speaker gone (after draining) or settings changed (at once).
bool Interpreters::shouldStop(Running &r, const QPair<QString, QStringList> *want)
{
    if (want)
        return want->first != r.source || want->second != r.targets || r.draining; // back: start afresh
    if (!r.draining) {
        r.draining = true;
        QMetaObject::invokeMethod(r.session, [s = r.session] { s->beginDrain(); });
    }
    bool done = false;
    QMetaObject::invokeMethod(r.session, [s = r.session] { return s->drained(); }, Qt::BlockingQueuedConnection, &done);
    return done;
}

void Interpreters::stopSession(Running &r)
{
    QStringList channels;
    QMetaObject::invokeMethod(r.session, [s = r.session, &channels] {
        channels = s->channelIds();
        s->shutdown();
    }, Qt::BlockingQueuedConnection);
    r.thread->quit();
    r.thread->wait();
    delete r.session;
    delete r.thread;
    for (const QString &ch : std::as_const(channels)) {
        m_host.stopChannel(ch);
        m_onAirChannels.removeAll(ch);
    }
}

// The translated channels go on air with the session: Opus at the configured bitrate.
void Interpreters::startChannels(const QString &stream, const QStringList &targets)
{
    OpusSettings os;
    os.bitrate = m_host.config.translatedBitrate;
    os.inbandFec = false;
    OpusFrameEncoder probe;
    QString error;
    probe.open(os, &error);
    QJsonObject format = probe.format();
    format.insert(QStringLiteral("translation_of"), stream);
    for (const QString &lang : targets) {
        const QString ch = translatedStreamId(stream, lang);
        QJsonObject f = format;
        f.insert(QStringLiteral("lang"), lang);
        if (m_host.startChannel(ch, f, &error))
            m_onAirChannels.append(ch);
        else
            qCWarning(lcWs).noquote() << "interpretation channel" << ch << "refused:" << error;
    }
}

void Interpreters::startSession(const QString &stream, const QPair<QString, QStringList> &settings)
{
    startChannels(stream, settings.second);
    Running r;
    r.source = settings.first;
    r.targets = settings.second;
    r.thread = new QThread;
    r.thread->setObjectName(QStringLiteral("interp-") + stream);
    r.session = new InterpreterSession(this, m_host, stream, r.source, r.targets);
    r.session->moveToThread(r.thread);
    r.thread->start();
    QMetaObject::invokeMethod(r.session, [s = r.session] { s->start(); });
    qCInfo(lcWs).noquote() << "interpretation of" << stream << "from" << r.source << "into" << r.targets.join(u',');
    m_sessions.insert(stream, r);
}

void Interpreters::stopAll()
{
    m_timer.stop();
    for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it)
        stopSession(it.value());
    m_sessions.clear();
    m_onAirChannels.clear();
}

void Interpreters::publishEvent(const QString &stream, const QJsonObject &event)
{
    m_host.hub->publishTopic(QStringLiteral("stream:") + stream, event);
    if (m_host.event)
        m_host.event(event);
}

void Interpreters::setSessionJson(const QString &stream, const QJsonObject &session)
{
    QMutexLocker lock(&m_jsonMutex);
    m_sessionJson.insert(stream, session);
}

void Interpreters::forgetSession(const QString &stream)
{
    QMutexLocker lock(&m_jsonMutex);
    m_sessionJson.remove(stream);
}

void Interpreters::abandon(StageThread *left, const QString &what)
{
    ++m_abandonedStages;
    // Its thread quits after the call returns; this (the engine's) thread reclaims it then (or
    // never, if the engine has gone first).
    auto once = std::make_shared<std::atomic<bool>>(false);
    auto reclaim = [left, once, what] {
        if (once->exchange(true))
            return;
        left->thread.wait(); // finished is emitted just before the thread ends
        delete left;
        qCInfo(lcWs).noquote() << "interpretation of" << what << "ended, after its session";
    };
    QObject::connect(&left->thread, &QThread::finished, this, reclaim, Qt::QueuedConnection);
    if (left->thread.isFinished()) // it ended just now, before the connection
        reclaim();
}

QJsonArray Interpreters::channelsOf(const QString &stream) const
{
    QMutexLocker lock(&m_jsonMutex);
    QJsonArray out;
    for (const QJsonValue &v : m_sessionJson.value(stream).value(QLatin1String("channels")).toArray()) {
        const QJsonObject c = v.toObject();
        out.append(QJsonObject{{QStringLiteral("lang"), c.value(QLatin1String("lang"))},
                               {QStringLiteral("stream_id"), c.value(QLatin1String("stream_id"))},
                               {QStringLiteral("mode"), c.value(QLatin1String("mode"))}});
    }
    return out;
}

QJsonObject Interpreters::json() const
{
    const InterpretationBackends &b = m_host.backends;
    QJsonObject languages;
    if (b.sourceLanguages)
        for (const QString &s : b.sourceLanguages())
            languages.insert(s, QJsonArray::fromStringList(b.targetLanguages ? b.targetLanguages(s) : QStringList{}));
    QJsonArray sessions;
    {
        QMutexLocker lock(&m_jsonMutex);
        QStringList keys = m_sessionJson.keys();
        keys.sort();
        for (const QString &k : keys)
            sessions.append(m_sessionJson.value(k));
    }
    const EngineConfig &cfg = m_host.config;
    return {{QStringLiteral("available"), !b.isEmpty()},
            {QStringLiteral("stages"),
             QJsonObject{{QStringLiteral("speech_to_text"), b.speechToText ? QStringLiteral("pocketsphinx") : QString()},
                         {QStringLiteral("translator"), b.translator ? QStringLiteral("apertium") : QString()},
                         {QStringLiteral("text_to_speech"), b.textToSpeech ? QStringLiteral("espeak-ng") : QString()}}},
            {QStringLiteral("languages"), languages},
            {QStringLiteral("default_targets"), QJsonArray::fromStringList(cfg.translateTargets)},
            {QStringLiteral("sessions"), sessions},
            {QStringLiteral("abandoned_stage_calls"), m_abandonedStages.load()}};
}

QStringList Interpreters::degradedReasons() const
{
    QStringList out;
    QMutexLocker lock(&m_jsonMutex);
    for (const QJsonObject &s : m_sessionJson) {
        for (const QJsonValue &v : s.value(QLatin1String("channels")).toArray()) {
            const QJsonObject c = v.toObject();
            if (c.value(QLatin1String("mode")).toString() != QLatin1String("speech"))
                out.append(QStringLiteral("interpretation %1: %2 (%3)")
                               .arg(c.value(QLatin1String("stream_id")).toString(), c.value(QLatin1String("mode")).toString(),
                                    c.value(QLatin1String("reason")).toString()));
        }
    }
    return out;
}

} // namespace onair
