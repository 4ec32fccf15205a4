#include "interpretation/interpretersession.h"

#include "core/logging.h"
#include "fanout/hub.h"
#include "interpretation/interpreter.h"
#include "fanout/streamfeed.h"
#include "protocol/streamid.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>

#include <algorithm>

namespace onair {

namespace {

qint64 wallMs() { return QDateTime::currentMSecsSinceEpoch(); }

constexpr int kOutRate = 48000;
constexpr int kFrameSamples = 960; // 20 ms at 48 kHz
constexpr int kSttRate = 16000;
constexpr int kFeedCheckMs = 250;  // how often the feed looks for a stream made anew
constexpr size_t kMaxPendingCalls = 4;

} // namespace

// Shared with the stage threads and the feed's receiver, which may outlive the session (a
// stage call that does not return is left to finish on its own).
struct InterpreterSession::Inbox
{
    QMutex mutex;
    InterpreterSession *session = nullptr; // null once shut down
    std::atomic<bool> stopping{false};
    std::atomic<qint64> sttQueued{0}; // 16 kHz samples posted to the recogniser, not yet fed
};

struct InterpreterSession::Channel
{
    Channel(QString l, QString i, const EngineConfig &cfg)
        : lang(std::move(l)), id(std::move(i)),
          mt(QStringLiteral("translator"), lang, {cfg.translateTimeoutMs, cfg.stageRetries, cfg.stageBreakerThreshold, cfg.stageBreakerCooldownMs}),
          tts(QStringLiteral("text_to_speech"), lang, {cfg.ttsTimeoutMs, cfg.stageRetries, cfg.stageBreakerThreshold, cfg.stageBreakerCooldownMs})
    {
    }
    QString lang, id;
    StageGuard mt, tts;
    std::unique_ptr<StageThread> mtThread, ttsThread;
    std::shared_ptr<StageHolder<Translator>> mtImpl = std::make_shared<StageHolder<Translator>>();
    std::shared_ptr<StageHolder<TextToSpeech>> ttsImpl = std::make_shared<StageHolder<TextToSpeech>>();
    OpusFrameEncoder encoder;
    QString mode, reason;
    std::deque<Speech> queue;
    QByteArray original; // original audio to relay (mode original_audio)
    PendingCalls mtPending, ttsPending;
    std::map<quint64, qint64> endWall; // utterance → wall ms of its end of speech
    qint64 framesSent = 0;
    std::deque<double> endToAudio;
    qint64 droppedUtterances = 0, utterancesSpoken = 0;
};

InterpreterSession::InterpreterSession(Interpreters *manager, const InterpreterHost &host, QString stream, QString source,
                                       QStringList targets)
    : m_manager(manager), m_host(host), m_config(m_host.config), m_backends(m_host.backends),
      m_stream(std::move(stream)), m_source(std::move(source)), m_inbox(std::make_shared<Inbox>()),
      m_stt(QStringLiteral("speech_to_text"), m_source,
            {m_config.sttMaxBacklogMs, 0, m_config.stageBreakerThreshold, m_config.stageBreakerCooldownMs})
{
    m_tick.setParent(this); // moves to the session's thread with it
    for (const QString &lang : targets)
        m_channels.push_back(std::make_unique<Channel>(lang, translatedStreamId(m_stream, lang), m_config));
}

InterpreterSession::~InterpreterSession() = default;

// Runs f on the session's thread, from any thread, unless the session has shut down by then:
// an answer that arrives later (its stage was slow, or was left running) is dropped, and so is
// one queued just before shutdown() but run after it, when the stage threads are gone. f must
// not touch the session before it runs.
template <typename F> void InterpreterSession::toSession(const std::shared_ptr<Inbox> &inbox, F &&f)
{
    QMutexLocker lock(&inbox->mutex);
    if (InterpreterSession *s = inbox->session)
        QMetaObject::invokeMethod(s, [s, f = std::forward<F>(f)]() mutable {
            if (!s->m_inbox->stopping.load())
                f();
        }, Qt::QueuedConnection);
}

// Makes a stage on its thread (loading a model may take a while); the guard learns the
// outcome through the inbox.
template <typename T, typename Make>
void InterpreterSession::createStage(StageThread &thread, std::shared_ptr<StageHolder<T>> holder, StageGuard &guard, Make make)
{
    guard.setAvailable(QStringLiteral("…"));
    StageGuard *g = &guard;
    thread.post([holder, make, inbox = m_inbox, g, this] {
        QString error;
        holder->impl = make(&error);
        const QString name = holder->impl ? holder->impl->name() : QString();
        toSession(inbox, [this, g, name, error] {
            if (name.isEmpty())
                g->setUnavailable(error);
            else
                g->setAvailable(name);
            updateModes();
        });
    });
}

// A call to a stage on its thread, retried under its guard's options; done(ok, out, error,
// retries) on the session's thread.
template <typename T, typename Out, typename Call, typename Done>
void InterpreterSession::callStage(StageThread &thread, std::shared_ptr<StageHolder<T>> holder, const StageGuard &guard,
                                   const QString &missing, Call call, Done done)
{
    const int retries = guard.options().retries;
    auto faults = m_manager->sharedFaults(guard.stage());
    thread.post([=, inbox = m_inbox, this] {
        Out out{};
        QString error;
        bool ok = false;
        const int attempts = callWithRetries(retries, faults, inbox->stopping, &error, &ok, [&](QString *e) {
            if (!holder->impl) {
                *e = missing;
                return false;
            }
            return call(*holder->impl, &out, e);
        });
        toSession(inbox, [=] { done(ok, out, error, attempts - 1); });
    });
}

void InterpreterSession::start()
{
    {
        // First: the stages' answers (their creation may fail at once) reach the session
        // through the inbox.
        QMutexLocker lock(&m_inbox->mutex);
        m_inbox->session = this;
    }
    m_clock.start();
    m_sttThread = std::make_unique<StageThread>(QStringLiteral("stt-") + m_stream);
    if (m_backends.speechToText) {
        const auto factory = m_backends.speechToText;
        const QString lang = m_source;
        createStage(*m_sttThread, m_sttImpl, m_stt, [factory, lang](QString *error) { return factory(lang, error); });
    } else {
        m_stt.setUnavailable(QStringLiteral("not built"));
    }
    for (auto &c : m_channels)
        startChannel(*c);
    updateModes();

    // The original stream's payloads, through a tap (the receiver runs on the publishing
    // thread: hand them over through the inbox, which outlives this session).
    m_feed = std::make_unique<StreamFeed>(m_host.hub, m_stream, [inbox = m_inbox, this](bool audio, const QByteArray &payload) {
        toSession(inbox, [this, audio, payload] { onPayload(audio, payload); });
    });
    readFormat();
    m_tick.setTimerType(Qt::PreciseTimer);
    m_tick.setInterval(10);
    connect(&m_tick, &QTimer::timeout, this, [this] { tick(); });
    m_tick.start();
    publishState(true);
}

void InterpreterSession::startChannel(Channel &c)
{
    QString error;
    OpusSettings os;
    os.bitrate = m_config.translatedBitrate;
    os.inbandFec = false;
    c.encoder.open(os, &error);
    c.mtThread = std::make_unique<StageThread>(QStringLiteral("mt-") + c.id);
    c.ttsThread = std::make_unique<StageThread>(QStringLiteral("tts-") + c.id);
    if (const auto factory = m_backends.translator) {
        const QString from = m_source, to = c.lang;
        createStage(*c.mtThread, c.mtImpl, c.mt, [factory, from, to](QString *e) { return factory(from, to, e); });
    } else {
        c.mt.setUnavailable(QStringLiteral("not built"));
    }
    if (const auto factory = m_backends.textToSpeech) {
        const QString lang = c.lang;
        createStage(*c.ttsThread, c.ttsImpl, c.tts, [factory, lang](QString *e) { return factory(lang, e); });
    } else {
        c.tts.setUnavailable(QStringLiteral("not built"));
    }
}

void InterpreterSession::beginDrain()
{
    if (m_draining)
        return;
    m_draining = true;
    m_drainStart = m_clock.elapsed();
    flushStt(true);
}

bool InterpreterSession::drained() const
{
    if (!m_draining)
        return false;
    if (m_clock.elapsed() - m_drainStart > 20000)
        return true;
    if (m_sttPending > 0 || m_inbox->sttQueued.load() > 0)
        return false;
    for (const auto &c : m_channels)
        if (!c->mtPending.empty() || !c->ttsPending.empty() || !c->queue.empty())
            return false;
    return m_clock.elapsed() - m_drainStart > 200;
}

// On the session thread, before the thread is stopped. Each stage finishes the call in
// progress and drops what is queued; a call still running after the longer stage timeout + 1 s
// (a stage that hangs) is left to finish on its own thread, which ends by itself when it does:
// stopping (and the engine's thread that asked for it) never hangs on a stage.
void InterpreterSession::shutdown()
{
    {
        Inbox &inbox = *m_inbox;
        QMutexLocker lock(&inbox.mutex);
        inbox.session = nullptr;
        inbox.stopping.store(true);
    }
    m_feed.reset();
    m_tick.stop();
    stopStages();
    m_manager->forgetSession(m_stream);
}

void InterpreterSession::stopStages()
{
    struct Stopping
    {
        std::unique_ptr<StageThread> *thread;
        QString what;
    };
    QList<Stopping> stages;
    auto stopStage = [&stages](std::unique_ptr<StageThread> &t, const QString &what, std::function<void()> cleanup) {
        if (!t)
            return;
        // Cleanup on the stage's thread (a stage is created and destroyed there), then quit.
        t->post([cleanup] {
            cleanup();
            QThread::currentThread()->quit();
        });
        stages.append({&t, what});
    };
    stopStage(m_sttThread, QStringLiteral("speech to text"), [stt = m_sttImpl] { stt->impl.reset(); });
    for (auto &c : m_channels) {
        stopStage(c->mtThread, QStringLiteral("translator ") + c->lang, [mt = c->mtImpl] { mt->impl.reset(); });
        stopStage(c->ttsThread, QStringLiteral("text to speech ") + c->lang, [tts = c->ttsImpl] { tts->impl.reset(); });
    }
    const QDeadlineTimer deadline(qMax(m_config.translateTimeoutMs, m_config.ttsTimeoutMs) + 1000);
    for (const Stopping &st : std::as_const(stages)) {
        std::unique_ptr<StageThread> &t = *st.thread;
        if (t->thread.wait(deadline)) {
            t.reset();
            continue;
        }
        qCWarning(lcWs).noquote() << "interpretation of" << m_stream + u':' << st.what
                                  << "did not stop in time; its call is left to finish on its own";
        m_manager->abandon(t.release(), m_stream + u": " + st.what);
    }
}

QStringList InterpreterSession::channelIds() const
{
    QStringList out;
    for (const auto &c : m_channels)
        out.append(c->id);
    return out;
}

// ---- input ----

void InterpreterSession::onPayload(bool audio, const QByteArray &payload)
{
    if (audio) {
        onAudio(payload);
        return;
    }
    const QJsonObject m = QJsonDocument::fromJson(payload).object();
    if (m.value(QLatin1String("type")).toString() == QLatin1String("format"))
        setFormat(m.value(QLatin1String("format")).toObject());
}

// The stream's format as declared so far (later changes arrive as format messages), when the
// feed has (re)attached.
void InterpreterSession::readFormat()
{
    if (!m_feed->refresh())
        return;
    const QJsonObject format = m_host.hub->format(m_feed->state());
    if (!format.isEmpty())
        setFormat(format);
}

void InterpreterSession::setFormat(const QJsonObject &format)
{
    m_decoder.setFormat(format);
    m_toStt.open(kOutRate, kSttRate);
}

void InterpreterSession::onAudio(const QByteArray &payload)
{
    if (!m_decoder.hasFormat())
        setFormat({}); // a speaker that never declared: 48 kHz mono s16le
    const QByteArray pcm48 = m_decoder.decode(payload);
    if (pcm48.isEmpty())
        return;
    // Original audio for channels that relay it (bounded: 200 ms).
    for (auto &c : m_channels) {
        if (c->mode != QLatin1String("original_audio"))
            continue;
        c->original += pcm48;
        const qsizetype cap = kOutRate / 5 * 2;
        if (c->original.size() > cap)
            c->original.remove(0, c->original.size() - cap);
    }
    const QByteArray s16 = m_toStt.process(pcm48);
    m_pending16 += s16;
    if (static const QByteArray dump = qgetenv("ONAIR_DEBUG_STT_DUMP"); !dump.isEmpty()) {
        QFile f(QString::fromLocal8Bit(dump));
        if (f.open(QIODevice::Append))
            f.write(s16);
    }
    if (m_pending16.size() >= kSttRate / 10 * 2) // 100 ms chunks
        flushStt(false);
}

namespace {

struct SttJob
{
    std::shared_ptr<StageHolder<SpeechToText>> holder;
    std::function<std::unique_ptr<SpeechToText>(const QString &lang, QString *error)> factory;
    QString lang;
    std::shared_ptr<StageFaults> faults;
    QByteArray chunk; // s16 16 kHz
    bool reset = false, finish = false;
};

// On the recogniser's thread: (re)creates the recogniser when it failed or must start clean,
// then feeds it the chunk. `retries`: recreations.
bool recognize(const SttJob &job, const std::atomic<bool> &stopping, QList<RecognizedUtterance> *done, QString *error,
               int *retries)
{
    auto &impl = job.holder->impl;
    if (job.reset && impl) {
        impl->finish(done, error); // the utterance in progress is lost
        done->clear();
    }
    if (!impl || job.reset) {
        impl = job.factory(job.lang, error);
        ++*retries;
    }
    if (!impl || injectedFault(job.faults, stopping, error))
        return false;
    bool ok = impl->feed(reinterpret_cast<const qint16 *>(job.chunk.constData()), int(job.chunk.size() / 2), done, error);
    if (ok && job.finish)
        ok = impl->finish(done, error);
    if (!ok)
        impl.reset(); // recreated (a retry) with the next chunk
    return ok;
}

} // namespace

void InterpreterSession::flushStt(bool finish)
{
    const qint64 now = m_clock.elapsed();
    SttJob job{m_sttImpl, m_backends.speechToText, m_source, m_manager->sharedFaults(m_stt.stage()), m_pending16, false, finish};
    m_pending16.clear();
    if (m_stt.state() == StageGuard::State::Unavailable || !m_sttThread)
        return;
    const qint64 samples = job.chunk.size() / 2;
    const qint64 backlog = qint64(m_config.sttMaxBacklogMs) * kSttRate / 1000;
    if (samples > 0 && m_inbox->sttQueued.load() + samples > backlog) {
        // The recogniser has fallen behind: drop audio rather than delay captions forever.
        m_stt.countDropped();
        if (!m_sttBehind) {
            m_sttBehind = true;
            m_stt.failed(now, QStringLiteral("falling behind: more than %1 ms of audio waiting").arg(m_config.sttMaxBacklogMs), true);
            updateModes();
        }
        return;
    }
    if (m_sttBehind && m_inbox->sttQueued.load() < backlog / 2)
        m_sttBehind = false;
    if (!m_stt.allow(now)) {
        m_sttResetNeeded = true; // the utterance in progress is lost: start clean
        return;
    }
    // Map recogniser time to wall time for end-of-utterance latency.
    m_sttTimeline.push_back({m_sttFedSamples + samples, wallMs()});
    while (m_sttTimeline.size() > 2000)
        m_sttTimeline.pop_front();
    m_sttFedSamples += samples;
    m_inbox->sttQueued += samples;
    ++m_sttPending;
    job.reset = std::exchange(m_sttResetNeeded, false);
    m_sttThread->post([job = std::move(job), inbox = m_inbox, this] {
        if (inbox->stopping.load())
            return;
        QList<RecognizedUtterance> done;
        QString error;
        int retries = 0;
        const bool ok = recognize(job, inbox->stopping, &done, &error, &retries);
        inbox->sttQueued.fetch_sub(job.chunk.size() / 2);
        toSession(inbox, [=, this] { onSttResult(ok, done, error, retries); });
    });
}

void InterpreterSession::onSttResult(bool ok, const QList<RecognizedUtterance> &done, const QString &error, int retries)
{
    --m_sttPending;
    const qint64 now = m_clock.elapsed();
    if (retries > 0 && m_sttStarted)
        m_stt.countRetries(retries);
    m_sttStarted = true;
    if (!ok) {
        m_stt.failed(now, error);
    } else if (done.isEmpty()) {
        if (m_stt.state() == StageGuard::State::HalfOpen)
            m_stt.succeeded(now);
    } else {
        for (const RecognizedUtterance &u : done) {
            const qint64 endWall = wallAt(u.endMs);
            m_stt.succeeded(now, double(wallMs() - endWall));
            onUtterance(u, endWall);
        }
    }
    updateModes();
}

qint64 InterpreterSession::wallAt(qint64 audioMs) const
{
    const qint64 sample = audioMs * kSttRate / 1000;
    for (const auto &[pos, wall] : m_sttTimeline)
        if (pos >= sample)
            return wall - (pos - sample) * 1000 / kSttRate;
    return wallMs();
}

void InterpreterSession::onUtterance(const RecognizedUtterance &u, qint64 endWall)
{
    const quint64 id = ++m_utterances;
    m_manager->publishEvent(m_stream, {{QStringLiteral("event"), QStringLiteral("caption")},
                                       {QStringLiteral("stream_id"), m_stream},
                                       {QStringLiteral("utterance"), qint64(id)},
                                       {QStringLiteral("lang"), m_source},
                                       {QStringLiteral("text"), u.text},
                                       {QStringLiteral("final"), true},
                                       {QStringLiteral("start_ms"), u.startMs},
                                       {QStringLiteral("end_ms"), u.endMs},
                                       {QStringLiteral("t"), wallMs()}});
    for (auto &c : m_channels)
        translate(*c, id, u.text, endWall);
}

// ---- translation and synthesis ----

// A call to a channel's stage may go: not while it has kMaxPendingCalls waiting (the call is
// dropped) or its circuit is open. Registers the call's deadline.
bool InterpreterSession::admit(StageGuard &guard, PendingCalls &pending, quint64 id)
{
    const qint64 now = m_clock.elapsed();
    if (pending.size() >= kMaxPendingCalls) {
        guard.countDropped();
        return false;
    }
    if (!guard.allow(now))
        return false;
    const int timeout = guard.options().timeoutMs * (guard.options().retries + 1) + 500;
    pending[id] = {now + timeout, now};
    return true;
}

// The answer to an admitted call: when it was posted, or -1 when it timed out already.
qint64 InterpreterSession::settle(StageGuard &guard, PendingCalls &pending, quint64 id, int retries)
{
    const auto it = pending.find(id);
    if (it == pending.end())
        return -1;
    const qint64 posted = it->second.postedMs;
    pending.erase(it);
    guard.countRetries(std::max(0, retries));
    return posted;
}

// Deadlines: a stage that does not answer in time has failed (its late answer is ignored); the
// channel falls back while its circuit is open.
void InterpreterSession::expire(Channel &c, StageGuard &guard, PendingCalls &pending, qint64 now)
{
    for (auto it = pending.begin(); it != pending.end();) {
        if (it->second.deadlineMs > now) {
            ++it;
            continue;
        }
        guard.failed(now, QStringLiteral("no answer in %1 ms").arg(it->second.deadlineMs - it->second.postedMs), true);
        c.endWall.erase(it->first);
        it = pending.erase(it);
        updateModes();
    }
}

void InterpreterSession::translate(Channel &c, quint64 id, const QString &text, qint64 endWall)
{
    if (!admit(c.mt, c.mtPending, id))
        return;
    c.endWall[id] = endWall;
    Channel *cp = &c;
    callStage<Translator, QString>(
        *c.mtThread, c.mtImpl, c.mt, QStringLiteral("no translator"),
        [text](Translator &t, QString *out, QString *error) { return t.translate(text, out, error); },
        [cp, id, this](bool ok, const QString &out, const QString &error, int retries) { onTranslated(*cp, id, ok, out, error, retries); });
}

void InterpreterSession::onTranslated(Channel &c, quint64 id, bool ok, const QString &text, const QString &error, int retries)
{
    const qint64 posted = settle(c.mt, c.mtPending, id, retries);
    if (posted < 0)
        return; // timed out already
    const qint64 now = m_clock.elapsed();
    if (!ok) {
        c.mt.failed(now, error);
        c.endWall.erase(id);
        updateModes();
        return;
    }
    c.mt.succeeded(now, double(now - posted));
    m_manager->publishEvent(m_stream, {{QStringLiteral("event"), QStringLiteral("caption")},
                                       {QStringLiteral("stream_id"), m_stream},
                                       {QStringLiteral("utterance"), qint64(id)},
                                       {QStringLiteral("lang"), c.lang},
                                       {QStringLiteral("source_lang"), m_source},
                                       {QStringLiteral("text"), text},
                                       {QStringLiteral("final"), true},
                                       {QStringLiteral("channel"), c.id},
                                       {QStringLiteral("t"), wallMs()}});
    updateModes();
    synthesize(c, id, text);
}

void InterpreterSession::synthesize(Channel &c, quint64 id, const QString &text)
{
    if (text.trimmed().isEmpty() || !admit(c.tts, c.ttsPending, id)) {
        c.endWall.erase(id);
        return;
    }
    Channel *cp = &c;
    callStage<TextToSpeech, QByteArray>(
        *c.ttsThread, c.ttsImpl, c.tts, QStringLiteral("no synthesiser"),
        [text](TextToSpeech &t, QByteArray *pcm, QString *error) { return t.synthesize(text, pcm, error); },
        [cp, id, this](bool ok, const QByteArray &pcm, const QString &error, int retries) { onSynthesized(*cp, id, ok, pcm, error, retries); });
}

void InterpreterSession::onSynthesized(Channel &c, quint64 id, bool ok, const QByteArray &pcm, const QString &error, int retries)
{
    const qint64 posted = settle(c.tts, c.ttsPending, id, retries);
    if (posted < 0)
        return;
    const qint64 now = m_clock.elapsed();
    const qint64 endWall = c.endWall.count(id) ? c.endWall[id] : wallMs();
    c.endWall.erase(id);
    if (!ok) {
        c.tts.failed(now, error);
        updateModes();
        return;
    }
    c.tts.succeeded(now, double(now - posted));
    updateModes();
    if (c.mode != QLatin1String("speech") || pcm.isEmpty())
        return;
    queueSpeech(c, {id, pcm, 0, endWall});
}

void InterpreterSession::queueSpeech(Channel &c, Speech speech)
{
    c.queue.push_back(std::move(speech));
    // Falling behind (translated speech longer than the original): drop the oldest utterances
    // not yet started rather than drift further from live.
    const qsizetype limit = qsizetype(m_config.maxSpeechBacklogMs) * kOutRate / 1000 * 2;
    qsizetype total = 0;
    for (const Speech &s : c.queue)
        total += s.pcm.size() - s.offset;
    while (total > limit && c.queue.size() > 1) {
        auto victim = std::find_if(c.queue.begin(), c.queue.end(), [](const Speech &s) { return s.offset == 0; });
        if (victim == c.queue.end() || victim == std::prev(c.queue.end()))
            break;
        total -= victim->pcm.size();
        c.queue.erase(victim);
        ++c.droppedUtterances;
    }
}

// ---- output ----

void InterpreterSession::tick()
{
    const qint64 now = m_clock.elapsed();
    for (auto &c : m_channels) {
        expire(*c, c->mt, c->mtPending, now);
        expire(*c, c->tts, c->ttsPending, now);
    }
    // A breaker whose cooldown has passed re-closes through a trial: let one through.
    if (m_stt.state() == StageGuard::State::Open && now - m_lastModeCheck > 500) {
        m_lastModeCheck = now;
        updateModes();
    }
    // The stream made anew (its speaker left with no one listening, and came back).
    if (now - m_lastFeedCheck >= kFeedCheckMs) {
        m_lastFeedCheck = now;
        readFormat();
    }

    // The translated channels: one 20 ms frame per 20 ms of wall time.
    qint64 due = now / 20 - m_framesSent;
    if (due > 10) { // a stall: skip ahead instead of bursting
        m_framesSent += due - 1;
        due = 1;
    }
    for (; due > 0; --due, ++m_framesSent) {
        for (auto &c : m_channels)
            emitFrame(*c);
    }
    if (now - m_lastStateMs >= 500)
        publishState(false);
}

void InterpreterSession::emitFrame(Channel &c)
{
    QByteArray frame(kFrameSamples * 2, '\0');
    qsizetype filled = 0;
    if (c.mode == QLatin1String("original_audio")) {
        const qsizetype n = std::min(c.original.size(), frame.size());
        memcpy(frame.data(), c.original.constData(), size_t(n));
        c.original.remove(0, n);
    } else {
        takeSpeech(c, &frame, &filled);
    }
    if (!c.encoder.isOpen())
        return;
    for (const QByteArray &packet : c.encoder.encode(frame))
        m_host.publish(c.id, packet);
    ++c.framesSent;
}

void InterpreterSession::takeSpeech(Channel &c, QByteArray *frame, qsizetype *filled)
{
    while (*filled < frame->size() && !c.queue.empty()) {
        Speech &s = c.queue.front();
        if (s.offset == 0) {
            // Translated speech of this utterance starts now.
            c.endToAudio.push_back(double(wallMs() - s.endWallMs));
            if (c.endToAudio.size() > 512)
                c.endToAudio.pop_front();
            ++c.utterancesSpoken;
        }
        const qsizetype n = std::min(frame->size() - *filled, s.pcm.size() - s.offset);
        memcpy(frame->data() + *filled, s.pcm.constData() + s.offset, size_t(n));
        s.offset += n;
        *filled += n;
        if (s.offset >= s.pcm.size())
            c.queue.pop_front();
    }
}

// ---- modes and state ----

void InterpreterSession::updateModes()
{
    // An open speech-to-text circuit gets its trial with the next audio chunk.
    bool changed = false;
    for (auto &c : m_channels) {
        QString mode = QStringLiteral("speech"), reason;
        if (!m_stt.usable()) {
            mode = QStringLiteral("original_audio");
            reason = QStringLiteral("speech recognition %1: %2").arg(m_stt.failureWord(), m_stt.lastError());
        } else if (!c->mt.usable()) {
            mode = QStringLiteral("original_audio");
            reason = QStringLiteral("translation %1: %2").arg(c->mt.failureWord(), c->mt.lastError());
        } else if (!c->tts.usable()) {
            mode = QStringLiteral("captions_only");
            reason = QStringLiteral("speech synthesis %1: %2").arg(c->tts.failureWord(), c->tts.lastError());
        }
        if (mode == c->mode && reason == c->reason)
            continue;
        if (mode != c->mode) {
            qCInfo(lcWs).noquote() << "interpretation" << c->id << "mode" << mode << (reason.isEmpty() ? QString() : QStringLiteral("(%1)").arg(reason));
            c->original.clear();
            if (mode != QLatin1String("speech")) {
                c->droppedUtterances += qint64(c->queue.size());
                c->queue.clear();
            }
            changed = true;
        }
        c->mode = mode;
        c->reason = reason;
    }
    if (changed)
        publishState(true);
}

QJsonArray InterpreterSession::channelsJson() const
{
    QJsonArray out;
    for (const auto &c : m_channels) {
        out.append(QJsonObject{{QStringLiteral("lang"), c->lang},
                               {QStringLiteral("stream_id"), c->id},
                               {QStringLiteral("mode"), c->mode},
                               {QStringLiteral("reason"), c->reason},
                               {QStringLiteral("end_to_audio_ms"), percentilesJson(c->endToAudio)},
                               {QStringLiteral("utterances_spoken"), c->utterancesSpoken},
                               {QStringLiteral("dropped_utterances"), c->droppedUtterances},
                               {QStringLiteral("frames"), c->framesSent}});
    }
    return out;
}

void InterpreterSession::publishState(bool announce)
{
    m_lastStateMs = m_clock.elapsed();
    QJsonArray stages{m_stt.json()};
    for (const auto &c : m_channels) {
        stages.append(c->mt.json());
        stages.append(c->tts.json());
    }
    m_manager->setSessionJson(m_stream, {{QStringLiteral("stream_id"), m_stream},
                                         {QStringLiteral("source"), m_source},
                                         {QStringLiteral("utterances"), qint64(m_utterances)},
                                         {QStringLiteral("draining"), m_draining},
                                         {QStringLiteral("channels"), channelsJson()},
                                         {QStringLiteral("stages"), stages}});
    if (!announce)
        return;
    QJsonArray brief;
    for (const auto &c : m_channels)
        brief.append(QJsonObject{{QStringLiteral("lang"), c->lang},
                                 {QStringLiteral("stream_id"), c->id},
                                 {QStringLiteral("mode"), c->mode},
                                 {QStringLiteral("reason"), c->reason}});
    m_manager->publishEvent(m_stream, {{QStringLiteral("event"), QStringLiteral("interpretation")},
                                       {QStringLiteral("stream_id"), m_stream},
                                       {QStringLiteral("source"), m_source},
                                       {QStringLiteral("channels"), brief}});
}

} // namespace onair
