#include "interpretation/interpreter.h"

#include "engine/engine.h"
#include "fanout/hub.h"
#include "core/logging.h"
#include "audio/opuscodec.h"
#include "audio/resample.h"
#include "audio/streamdecoder.h"
#include "protocol/wsframe.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

#include <algorithm>
#include <cmath>

namespace onair {

// ---------------------------------------------------------------------------------------------
// StageGuard

double percentile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t i = std::min(values.size() - 1, size_t(std::ceil(q * double(values.size()))) - (q > 0 ? 1 : 0));
    return values[i];
}

bool StageGuard::allow(qint64 nowMs)
{
    switch (m_state) {
    case State::Closed:
        return true;
    case State::Unavailable:
        return false;
    case State::Open:
        if (nowMs - m_openedAt < m_options.cooldownMs)
            return false;
        m_state = State::HalfOpen;
        m_trial = true;
        return true;
    case State::HalfOpen:
        if (m_trial)
            return false; // one trial at a time
        m_trial = true;
        return true;
    }
    return false;
}

void StageGuard::succeeded(qint64, double latencyMs)
{
    ++m_calls;
    m_consecutive = 0;
    if (m_state == State::HalfOpen || m_state == State::Open)
        m_state = State::Closed;
    m_trial = false;
    if (latencyMs >= 0) {
        m_latencies.push_back(latencyMs);
        if (m_latencies.size() > 512)
            m_latencies.pop_front();
    }
}

void StageGuard::failed(qint64 nowMs, const QString &error, bool timeout)
{
    if (m_state == State::Unavailable)
        return;
    ++m_calls;
    ++m_failures;
    if (timeout)
        ++m_timeouts;
    m_lastError = error.left(300);
    m_trial = false;
    if (m_state == State::HalfOpen || ++m_consecutive >= m_options.threshold)
        open(nowMs);
}

void StageGuard::open(qint64 nowMs)
{
    m_state = State::Open;
    m_openedAt = nowMs;
    m_consecutive = 0;
}

void StageGuard::setUnavailable(const QString &why)
{
    m_state = State::Unavailable;
    m_lastError = why.left(300);
}

void StageGuard::setAvailable(const QString &name)
{
    m_name = name;
    if (m_state == State::Unavailable)
        m_state = State::Closed;
}

QJsonObject StageGuard::json() const
{
    static const char *names[] = {"closed", "open", "half_open", "unavailable"};
    const std::vector<double> lat(m_latencies.begin(), m_latencies.end());
    return {{QStringLiteral("stage"), m_stage},
            {QStringLiteral("lang"), m_lang},
            {QStringLiteral("name"), m_name},
            {QStringLiteral("state"), QLatin1String(names[int(m_state)])},
            {QStringLiteral("calls"), m_calls},
            {QStringLiteral("failures"), m_failures},
            {QStringLiteral("timeouts"), m_timeouts},
            {QStringLiteral("retries"), m_retries},
            {QStringLiteral("dropped"), m_dropped},
            {QStringLiteral("latency_ms"),
             QJsonObject{{QStringLiteral("p50"), std::round(percentile(lat, 0.5))},
                         {QStringLiteral("p99"), std::round(percentile(lat, 0.99))}}},
            {QStringLiteral("last_error"), m_lastError}};
}

// ---------------------------------------------------------------------------------------------
// Helpers

namespace {

qint64 wallMs() { return QDateTime::currentMSecsSinceEpoch(); }

// Fault injection: the configured delay (interruptible) and the next `failures` calls fail.
bool injectedFault(const std::shared_ptr<StageFaults> &f, const std::atomic<bool> &stopping, QString *error)
{
    for (int left = f->delayMs.load(); left > 0 && !stopping.load(); left -= 10)
        QThread::msleep(quint64(std::min(left, 10)));
    int n = f->failures.load();
    while (n > 0 && !f->failures.compare_exchange_weak(n, n - 1)) {
    }
    if (n > 0) {
        *error = QStringLiteral("injected fault");
        return true;
    }
    return false;
}

// A thread with an event loop and a context object to run a stage's calls on, in order.
struct StageThread
{
    QThread thread;
    QObject *ctx = new QObject;
    explicit StageThread(const QString &name)
    {
        thread.setObjectName(name);
        ctx->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, ctx, &QObject::deleteLater);
        thread.start();
    }
    template <typename F> void post(F &&f) { QMetaObject::invokeMethod(ctx, std::forward<F>(f), Qt::QueuedConnection); }
};

constexpr int kOutRate = 48000;
constexpr int kFrameSamples = 960; // 20 ms at 48 kHz
constexpr int kSttRate = 16000;

} // namespace

// ---------------------------------------------------------------------------------------------
// InterpreterSession: one stream's interpretation, on its own thread.

class InterpreterSession final : public QObject
{
public:
    InterpreterSession(Interpreters *manager, Engine *engine, QString stream, QString source, QStringList targets)
        : m_manager(manager), m_engine(engine), m_config(engine->config()), m_backends(engine->interpretationBackends()),
          m_stream(std::move(stream)), m_source(std::move(source)),
          m_stt(QStringLiteral("speech_to_text"), m_source,
                {m_config.sttMaxBacklogMs, 0, m_config.stageBreakerThreshold, m_config.stageBreakerCooldownMs})
    {
        m_tick.setParent(this); // moves to the session's thread with it
        for (const QString &lang : targets) {
            auto c = std::make_unique<Channel>(lang, translatedStreamId(m_stream, lang), m_config);
            m_channels.push_back(std::move(c));
        }
    }

    ~InterpreterSession() override = default;

    // On the session thread.
    void start()
    {
        {
            // First: the stages' answers (their creation may fail at once) reach the session
            // through the inbox.
            QMutexLocker lock(&m_inbox->mutex);
            m_inbox->session = this;
        }
        m_clock.start();
        m_startWall = wallMs();
        const auto noStage = QStringLiteral("not built");
        // Speech to text: created on its thread (loading the model takes ~0.5 s).
        m_sttThread = std::make_unique<StageThread>(QStringLiteral("stt-") + m_stream);
        if (m_backends.speechToText) {
            m_stt.setAvailable(QStringLiteral("…"));
            auto factory = m_backends.speechToText;
            auto stt = m_sttImpl;
            const QString lang = m_source;
            auto inbox = m_inbox;
            m_sttThread->post([factory, stt, lang, inbox, this] {
                QString error;
                stt->impl = factory(lang, &error);
                const QString name = stt->impl ? stt->impl->name() : QString();
                toSession(inbox, [this, name, error] {
                    if (name.isEmpty())
                        m_stt.setUnavailable(error);
                    else
                        m_stt.setAvailable(name);
                    updateModes();
                });
            });
        } else {
            m_stt.setUnavailable(noStage);
        }
        for (auto &c : m_channels)
            startChannel(*c);
        updateModes();

        // The stream's format as declared so far (later changes arrive as format messages).
        if (const auto state = m_engine->hub()->find(m_stream)) {
            const QJsonObject format = m_engine->hub()->format(state);
            if (!format.isEmpty())
                setFormat(format);
        }
        // The original stream, as an in-process listener (its callback runs on a fan-out
        // worker: hand the frames over through the inbox, which outlives this session).
        auto inbox = m_inbox;
        m_listener = m_engine->addLocalListener(m_stream, [inbox, this](const QByteArray &frames) {
            toSession(inbox, [this, frames] { onFrames(frames); });
        });
        m_tick.setTimerType(Qt::PreciseTimer);
        m_tick.setInterval(10);
        connect(&m_tick, &QTimer::timeout, this, [this] { tick(); });
        m_tick.start();
        publishState(true);
    }

    // The speaker left: finish the utterance in progress, play what is translated, then stop.
    void beginDrain()
    {
        if (m_draining)
            return;
        m_draining = true;
        m_drainStart = m_clock.elapsed();
        flushStt(true);
    }
    bool drained() const
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
    // progress and drops what is queued; a call still running after the longer stage timeout
    // + 1 s (a stage that hangs) is left to finish on its own thread, which ends by itself
    // when it does: stopping (and the engine's thread that asked for it) never hangs on a stage.
    void shutdown()
    {
        Inbox &inbox = *m_inbox;
        {
            QMutexLocker lock(&inbox.mutex);
            inbox.session = nullptr;
            inbox.stopping.store(true);
        }
        if (m_listener)
            m_engine->removeLocalListener(m_listener);
        m_listener = 0;
        m_tick.stop();
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
        auto stt = m_sttImpl;
        stopStage(m_sttThread, QStringLiteral("speech to text"), [stt] { stt->impl.reset(); });
        for (auto &c : m_channels) {
            auto mt = c->mtImpl;
            auto tts = c->ttsImpl;
            stopStage(c->mtThread, QStringLiteral("translator ") + c->lang, [mt] { mt->impl.reset(); });
            stopStage(c->ttsThread, QStringLiteral("text to speech ") + c->lang, [tts] { tts->impl.reset(); });
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
            ++m_manager->m_abandonedStages;
            // Its thread quits after the call returns; the engine's thread reclaims it then
            // (or never, if the engine has gone first).
            StageThread *left = t.release();
            auto once = std::make_shared<std::atomic<bool>>(false);
            auto reclaim = [left, once, what = QString(m_stream + u": " + st.what)] {
                if (once->exchange(true))
                    return;
                left->thread.wait(); // finished is emitted just before the thread ends
                delete left;
                qCInfo(lcWs).noquote() << "interpretation of" << what << "ended, after its session";
            };
            QObject::connect(&left->thread, &QThread::finished, m_manager, reclaim, Qt::QueuedConnection);
            if (left->thread.isFinished()) // it ended just now, before the connection
                reclaim();
        }
        {
            QMutexLocker lock(&m_manager->m_jsonMutex);
            m_manager->m_sessionJson.remove(m_stream);
        }
    }

    QStringList channelIds() const
    {
        QStringList out;
        for (const auto &c : m_channels)
            out.append(c->id);
        return out;
    }

private:
    struct Inbox;
    // Runs f on the session's thread, from any thread, unless the session has shut down by
    // then: an answer that arrives later (its stage was slow, or was left running) is dropped,
    // and so is one queued just before shutdown() but run after it, when the stage threads are
    // gone. f must not touch the session before it runs.
    template <typename F> static void toSession(const std::shared_ptr<Inbox> &inbox, F &&f)
    {
        QMutexLocker lock(&inbox->mutex);
        if (InterpreterSession *s = inbox->session)
            QMetaObject::invokeMethod(s, [s, f = std::forward<F>(f)]() mutable {
                if (!s->m_inbox->stopping.load())
                    f();
            }, Qt::QueuedConnection);
    }

    template <typename T> struct Holder
    {
        std::unique_ptr<T> impl;
    };
    // Shared with the stage threads and the original stream's listener callback, which may
    // outlive the session (a stage call that does not return is left to finish on its own).
    struct Inbox
    {
        QMutex mutex;
        InterpreterSession *session = nullptr; // null once shut down
        std::atomic<bool> stopping{false};
        std::atomic<qint64> sttQueued{0}; // 16 kHz samples posted to the recogniser, not yet fed
    };
    struct Speech
    {
        quint64 utterance = 0;
        QByteArray pcm; // s16le 48 kHz
        qsizetype offset = 0;
        qint64 endWallMs = 0;
    };
    struct Pending
    {
        qint64 deadlineMs; // session clock
        qint64 postedMs;
    };
    struct Channel
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
        std::shared_ptr<Holder<Translator>> mtImpl = std::make_shared<Holder<Translator>>();
        std::shared_ptr<Holder<TextToSpeech>> ttsImpl = std::make_shared<Holder<TextToSpeech>>();
        OpusFrameEncoder encoder;
        QString mode, reason;
        std::deque<Speech> queue;
        QByteArray original; // original audio to relay (mode original_audio)
        std::map<quint64, Pending> mtPending, ttsPending;
        std::map<quint64, qint64> endWall; // utterance → wall ms of its end of speech
        qint64 framesSent = 0;
        std::deque<double> endToAudio;
        qint64 droppedUtterances = 0, utterancesSpoken = 0;
    };

    void startChannel(Channel &c)
    {
        QString error;
        OpusSettings os;
        os.bitrate = m_config.translatedBitrate;
        os.inbandFec = false;
        c.encoder.open(os, &error);
        c.mtThread = std::make_unique<StageThread>(QStringLiteral("mt-") + c.id);
        c.ttsThread = std::make_unique<StageThread>(QStringLiteral("tts-") + c.id);
        Channel *cp = &c;
        if (m_backends.translator) {
            c.mt.setAvailable(QStringLiteral("…"));
            auto factory = m_backends.translator;
            auto holder = c.mtImpl;
            const QString from = m_source, to = c.lang;
            auto inbox = m_inbox;
            c.mtThread->post([=, this] {
                QString err;
                holder->impl = factory(from, to, &err);
                const QString name = holder->impl ? holder->impl->name() : QString();
                toSession(inbox, [=, this] {
                    if (name.isEmpty())
                        cp->mt.setUnavailable(err);
                    else
                        cp->mt.setAvailable(name);
                    updateModes();
                });
            });
        } else {
            c.mt.setUnavailable(QStringLiteral("not built"));
        }
        if (m_backends.textToSpeech) {
            c.tts.setAvailable(QStringLiteral("…"));
            auto factory = m_backends.textToSpeech;
            auto holder = c.ttsImpl;
            const QString lang = c.lang;
            auto inbox = m_inbox;
            c.ttsThread->post([=, this] {
                QString err;
                holder->impl = factory(lang, &err);
                const QString name = holder->impl ? holder->impl->name() : QString();
                toSession(inbox, [=, this] {
                    if (name.isEmpty())
                        cp->tts.setUnavailable(err);
                    else
                        cp->tts.setAvailable(name);
                    updateModes();
                });
            });
        } else {
            c.tts.setUnavailable(QStringLiteral("not built"));
        }
    }

    // ---- input ----

    void onFrames(const QByteArray &frames)
    {
        for (const ServerFrame &f : splitServerFrames(frames)) {
            if (f.opcode == WsOpcode::Text) {
                const QJsonObject m = QJsonDocument::fromJson(f.payload).object();
                if (m.value(QLatin1String("type")).toString() == QLatin1String("format"))
                    setFormat(m.value(QLatin1String("format")).toObject());
            } else {
                onAudio(f.payload);
            }
        }
    }

    void setFormat(const QJsonObject &format)
    {
        m_decoder.setFormat(format);
        m_toStt.open(kOutRate, kSttRate);
    }

    void onAudio(const QByteArray &payload)
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

    void flushStt(bool finish)
    {
        const qint64 now = m_clock.elapsed();
        QByteArray chunk = m_pending16;
        m_pending16.clear();
        if (m_stt.state() == StageGuard::State::Unavailable || !m_sttThread)
            return;
        const qint64 samples = chunk.size() / 2;
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
        auto holder = m_sttImpl;
        auto factory = m_backends.speechToText;
        const QString lang = m_source;
        auto faults = m_manager->sharedFaults(QStringLiteral("speech_to_text"));
        const bool reset = std::exchange(m_sttResetNeeded, false);
        auto inbox = m_inbox;
        m_sttThread->post([=, this] {
            QList<RecognizedUtterance> done;
            QString error;
            bool ok = true;
            int retries = 0;
            if (inbox->stopping.load())
                return;
            if (reset || !holder->impl) {
                if (holder->impl && reset) {
                    holder->impl->finish(&done, &error);
                    done.clear();
                }
                if (!holder->impl || reset) {
                    holder->impl = factory(lang, &error);
                    ++retries;
                }
            }
            if (!holder->impl) {
                ok = false;
            } else if (injectedFault(faults, inbox->stopping, &error)) {
                ok = false;
            } else {
                ok = holder->impl->feed(reinterpret_cast<const qint16 *>(chunk.constData()), int(chunk.size() / 2), &done, &error);
                if (ok && finish)
                    ok = holder->impl->finish(&done, &error);
                if (!ok)
                    holder->impl.reset(); // recreated (a retry) with the next chunk
            }
            inbox->sttQueued.fetch_sub(chunk.size() / 2);
            toSession(inbox, [=, this] { onSttResult(ok, done, error, retries); });
        });
    }

    void onSttResult(bool ok, const QList<RecognizedUtterance> &done, const QString &error, int retries)
    {
        --m_sttPending;
        const qint64 now = m_clock.elapsed();
        if (retries > 0 && m_sttStarted)
            m_stt.countRetries(retries);
        m_sttStarted = true;
        if (!ok) {
            m_stt.failed(now, error);
            updateModes();
            return;
        }
        if (done.isEmpty()) {
            if (m_stt.state() == StageGuard::State::HalfOpen)
                m_stt.succeeded(now);
            updateModes();
            return;
        }
        for (const RecognizedUtterance &u : done) {
            const qint64 endWall = wallAt(u.endMs);
            m_stt.succeeded(now, double(wallMs() - endWall));
            onUtterance(u, endWall);
        }
        updateModes();
    }

    qint64 wallAt(qint64 audioMs) const
    {
        const qint64 sample = audioMs * kSttRate / 1000;
        for (const auto &[pos, wall] : m_sttTimeline)
            if (pos >= sample)
                return wall - (pos - sample) * 1000 / kSttRate;
        return wallMs();
    }

    void onUtterance(const RecognizedUtterance &u, qint64 endWall)
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

    void translate(Channel &c, quint64 id, const QString &text, qint64 endWall)
    {
        const qint64 now = m_clock.elapsed();
        if (c.mtPending.size() >= 4) {
            c.mt.countDropped();
            return;
        }
        if (!c.mt.allow(now))
            return;
        c.endWall[id] = endWall;
        const int timeout = c.mt.options().timeoutMs * (c.mt.options().retries + 1) + 500;
        c.mtPending[id] = {now + timeout, now};
        auto holder = c.mtImpl;
        const int retries = c.mt.options().retries;
        auto faults = m_manager->sharedFaults(QStringLiteral("translator"));
        auto inbox = m_inbox;
        Channel *cp = &c;
        c.mtThread->post([=, this] {
            QString out, error;
            bool ok = false;
            int attempts = 0;
            for (; attempts <= retries && !ok && !inbox->stopping.load(); ++attempts) {
                if (injectedFault(faults, inbox->stopping, &error))
                    continue;
                ok = holder->impl && holder->impl->translate(text, &out, &error);
                if (!holder->impl)
                    error = QStringLiteral("no translator");
            }
            toSession(inbox, [=, this] { onTranslated(*cp, id, ok, out, error, attempts - 1); });
        });
    }

    void onTranslated(Channel &c, quint64 id, bool ok, const QString &text, const QString &error, int retries)
    {
        const qint64 now = m_clock.elapsed();
        const auto it = c.mtPending.find(id);
        if (it == c.mtPending.end())
            return; // timed out already
        const qint64 posted = it->second.postedMs;
        c.mtPending.erase(it);
        c.mt.countRetries(std::max(0, retries));
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

    void synthesize(Channel &c, quint64 id, const QString &text)
    {
        const qint64 now = m_clock.elapsed();
        if (text.trimmed().isEmpty() || c.ttsPending.size() >= 4 || !c.tts.allow(now)) {
            if (c.ttsPending.size() >= 4)
                c.tts.countDropped();
            c.endWall.erase(id);
            return;
        }
        const int timeout = c.tts.options().timeoutMs * (c.tts.options().retries + 1) + 500;
        c.ttsPending[id] = {now + timeout, now};
        auto holder = c.ttsImpl;
        const int retries = c.tts.options().retries;
        auto faults = m_manager->sharedFaults(QStringLiteral("text_to_speech"));
        auto inbox = m_inbox;
        Channel *cp = &c;
        c.ttsThread->post([=, this] {
            QByteArray pcm;
            QString error;
            bool ok = false;
            int attempts = 0;
            for (; attempts <= retries && !ok && !inbox->stopping.load(); ++attempts) {
                if (injectedFault(faults, inbox->stopping, &error))
                    continue;
                ok = holder->impl && holder->impl->synthesize(text, &pcm, &error);
                if (!holder->impl)
                    error = QStringLiteral("no synthesiser");
            }
            toSession(inbox, [=, this] { onSynthesized(*cp, id, ok, pcm, error, attempts - 1); });
        });
    }

    void onSynthesized(Channel &c, quint64 id, bool ok, const QByteArray &pcm, const QString &error, int retries)
    {
        const qint64 now = m_clock.elapsed();
        const auto it = c.ttsPending.find(id);
        if (it == c.ttsPending.end())
            return;
        const qint64 posted = it->second.postedMs;
        c.ttsPending.erase(it);
        c.tts.countRetries(std::max(0, retries));
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
        c.queue.push_back({id, pcm, 0, endWall});
        // Falling behind (translated speech longer than the original): drop the oldest
        // utterances not yet started rather than drift further from live.
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

    void tick()
    {
        const qint64 now = m_clock.elapsed();
        // Deadlines: a stage that does not answer in time has failed (its late answer is
        // ignored); the channel falls back while its circuit is open.
        for (auto &c : m_channels) {
            for (auto it = c->mtPending.begin(); it != c->mtPending.end();) {
                if (it->second.deadlineMs <= now) {
                    c->mt.failed(now, QStringLiteral("no answer in %1 ms").arg(it->second.deadlineMs - it->second.postedMs), true);
                    c->endWall.erase(it->first);
                    it = c->mtPending.erase(it);
                    updateModes();
                } else {
                    ++it;
                }
            }
            for (auto it = c->ttsPending.begin(); it != c->ttsPending.end();) {
                if (it->second.deadlineMs <= now) {
                    c->tts.failed(now, QStringLiteral("no answer in %1 ms").arg(it->second.deadlineMs - it->second.postedMs), true);
                    c->endWall.erase(it->first);
                    it = c->ttsPending.erase(it);
                    updateModes();
                } else {
                    ++it;
                }
            }
        }
        // A breaker whose cooldown has passed re-closes through a trial: let one through.
        if (m_stt.state() == StageGuard::State::Open && now - m_lastModeCheck > 500) {
            m_lastModeCheck = now;
            updateModes();
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

    void emitFrame(Channel &c)
    {
        QByteArray frame(kFrameSamples * 2, '\0');
        qsizetype filled = 0;
        if (c.mode == QLatin1String("original_audio")) {
            const qsizetype n = std::min(c.original.size(), frame.size());
            memcpy(frame.data(), c.original.constData(), size_t(n));
            c.original.remove(0, n);
            filled = n;
        } else {
            while (filled < frame.size() && !c.queue.empty()) {
                Speech &s = c.queue.front();
                if (s.offset == 0) {
                    // Translated speech of this utterance starts now.
                    c.endToAudio.push_back(double(wallMs() - s.endWallMs));
                    if (c.endToAudio.size() > 512)
                        c.endToAudio.pop_front();
                    ++c.utterancesSpoken;
                }
                const qsizetype n = std::min(frame.size() - filled, s.pcm.size() - s.offset);
                memcpy(frame.data() + filled, s.pcm.constData() + s.offset, size_t(n));
                s.offset += n;
                filled += n;
                if (s.offset >= s.pcm.size())
                    c.queue.pop_front();
            }
        }
        if (!c.encoder.isOpen())
            return;
        for (const QByteArray &packet : c.encoder.encode(frame))
            m_engine->publishLocal(c.id, packet);
        ++c.framesSent;
    }

    // ---- modes and state ----

    void updateModes()
    {
        // An open speech-to-text circuit gets its trial with the next audio chunk.
        const bool sttOk = m_stt.usable();
        bool changed = false;
        for (auto &c : m_channels) {
            QString mode = QStringLiteral("speech"), reason;
            if (!sttOk) {
                mode = QStringLiteral("original_audio");
                reason = QStringLiteral("speech recognition %1: %2")
                             .arg(m_stt.state() == StageGuard::State::Unavailable ? QStringLiteral("unavailable") : QStringLiteral("failing"),
                                  m_stt.lastError());
            } else if (!c->mt.usable()) {
                mode = QStringLiteral("original_audio");
                reason = QStringLiteral("translation %1: %2")
                             .arg(c->mt.state() == StageGuard::State::Unavailable ? QStringLiteral("unavailable") : QStringLiteral("failing"),
                                  c->mt.lastError());
            } else if (!c->tts.usable()) {
                mode = QStringLiteral("captions_only");
                reason = QStringLiteral("speech synthesis %1: %2")
                             .arg(c->tts.state() == StageGuard::State::Unavailable ? QStringLiteral("unavailable") : QStringLiteral("failing"),
                                  c->tts.lastError());
            }
            if (mode != c->mode || reason != c->reason) {
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
        }
        if (changed)
            publishState(true);
    }

    QJsonArray channelsJson() const
    {
        QJsonArray out;
        for (const auto &c : m_channels) {
            const std::vector<double> lat(c->endToAudio.begin(), c->endToAudio.end());
            out.append(QJsonObject{{QStringLiteral("lang"), c->lang},
                                   {QStringLiteral("stream_id"), c->id},
                                   {QStringLiteral("mode"), c->mode},
                                   {QStringLiteral("reason"), c->reason},
                                   {QStringLiteral("end_to_audio_ms"),
                                    QJsonObject{{QStringLiteral("p50"), std::round(percentile(lat, 0.5))},
                                                {QStringLiteral("p99"), std::round(percentile(lat, 0.99))}}},
                                   {QStringLiteral("utterances_spoken"), c->utterancesSpoken},
                                   {QStringLiteral("dropped_utterances"), c->droppedUtterances},
                                   {QStringLiteral("frames"), c->framesSent}});
        }
        return out;
    }

    void publishState(bool announce)
    {
        m_lastStateMs = m_clock.elapsed();
        QJsonArray stages{m_stt.json()};
        for (const auto &c : m_channels) {
            stages.append(c->mt.json());
            stages.append(c->tts.json());
        }
        const QJsonArray channels = channelsJson();
        const QJsonObject session{{QStringLiteral("stream_id"), m_stream},
                                  {QStringLiteral("source"), m_source},
                                  {QStringLiteral("utterances"), qint64(m_utterances)},
                                  {QStringLiteral("draining"), m_draining},
                                  {QStringLiteral("channels"), channels},
                                  {QStringLiteral("stages"), stages}};
        {
            QMutexLocker lock(&m_manager->m_jsonMutex);
            m_manager->m_sessionJson.insert(m_stream, session);
        }
        if (announce) {
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
    }

    Interpreters *m_manager;
    Engine *m_engine;
    const EngineConfig m_config;
    const InterpretationBackends m_backends;
    const QString m_stream, m_source;
    std::shared_ptr<Inbox> m_inbox = std::make_shared<Inbox>();
    quint64 m_listener = 0;
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_startWall = 0, m_framesSent = 0, m_lastStateMs = 0, m_lastModeCheck = 0;
    bool m_draining = false;
    qint64 m_drainStart = 0;

    // input
    StreamDecoder m_decoder; // the stream's audio as mono 48 kHz
    StreamResampler m_toStt;
    QByteArray m_pending16;

    // speech to text
    StageGuard m_stt;
    std::unique_ptr<StageThread> m_sttThread;
    std::shared_ptr<Holder<SpeechToText>> m_sttImpl = std::make_shared<Holder<SpeechToText>>();
    int m_sttPending = 0;
    bool m_sttBehind = false, m_sttResetNeeded = false, m_sttStarted = false;
    qint64 m_sttFedSamples = 0;
    std::deque<std::pair<qint64, qint64>> m_sttTimeline; // (samples fed up to, wall ms)
    quint64 m_utterances = 0;

    std::vector<std::unique_ptr<Channel>> m_channels;
};

// ---------------------------------------------------------------------------------------------
// Interpreters

Interpreters::Interpreters(Engine *engine) : QObject(engine), m_engine(engine)
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
    const InterpretationBackends &b = m_engine->interpretationBackends();
    if (!targets.isEmpty() && b.isEmpty())
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
    const EngineConfig &cfg = m_engine->config();
    return m_settings.value(stream, {cfg.translateSource, cfg.translateTargets});
}

void Interpreters::reconcile()
{
    Hub *hub = m_engine->hub();
    if (!hub || !m_engine->isRunning())
        return;
    QHash<QString, QPair<QString, QStringList>> desired;
    for (const StreamSnapshot &s : hub->snapshot()) {
        if (!s.speakerLive || s.id.contains(u'~') || !hub->hasLocalSpeaker(s.id))
            continue;
        const auto settings = settingsOf(s.id);
        if (!settings.second.isEmpty() && validate(settings.first, settings.second).isEmpty())
            desired.insert(s.id, settings);
    }
    // Stop: speaker gone (after draining) or settings changed (at once).
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        Running &r = it.value();
        const auto want = desired.constFind(it.key());
        const bool changed = want != desired.cend() && (want->first != r.source || want->second != r.targets);
        bool stop = changed;
        if (want == desired.cend() && !changed) {
            if (!r.draining) {
                r.draining = true;
                QMetaObject::invokeMethod(r.session, [s = r.session] { s->beginDrain(); });
            }
            bool done = false;
            QMetaObject::invokeMethod(r.session, [s = r.session] { return s->drained(); }, Qt::BlockingQueuedConnection, &done);
            stop = done;
        } else if (want != desired.cend() && r.draining && !changed) {
            stop = true; // the speaker is back: start afresh
        }
        if (!stop) {
            ++it;
            continue;
        }
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
            m_engine->stopLocalSpeaker(ch);
            m_onAirChannels.removeAll(ch);
        }
        qCInfo(lcWs).noquote() << "interpretation of" << it.key() << "stopped";
        it = m_sessions.erase(it);
    }
    // Start.
    for (auto it = desired.cbegin(); it != desired.cend(); ++it) {
        if (m_sessions.contains(it.key()))
            continue;
        OpusSettings os;
        os.bitrate = m_engine->config().translatedBitrate;
        os.inbandFec = false;
        OpusFrameEncoder probe;
        QString error;
        probe.open(os, &error);
        QJsonObject format = probe.format();
        format.insert(QStringLiteral("translation_of"), it.key());
        for (const QString &lang : it.value().second) {
            const QString ch = translatedStreamId(it.key(), lang);
            QJsonObject f = format;
            f.insert(QStringLiteral("lang"), lang);
            if (m_engine->startInterpretationChannel(ch, f, &error))
                m_onAirChannels.append(ch);
            else
                qCWarning(lcWs).noquote() << "interpretation channel" << ch << "refused:" << error;
        }
        Running r;
        r.source = it.value().first;
        r.targets = it.value().second;
        r.thread = new QThread;
        r.thread->setObjectName(QStringLiteral("interp-") + it.key());
        r.session = new InterpreterSession(this, m_engine, it.key(), r.source, r.targets);
        r.session->moveToThread(r.thread);
        r.thread->start();
        QMetaObject::invokeMethod(r.session, [s = r.session] { s->start(); });
        qCInfo(lcWs).noquote() << "interpretation of" << it.key() << "from" << r.source << "into" << r.targets.join(u',');
        m_sessions.insert(it.key(), r);
    }
}

void Interpreters::stopAll()
{
    m_timer.stop();
    for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it) {
        Running &r = it.value();
        QStringList channels;
        QMetaObject::invokeMethod(r.session, [s = r.session, &channels] {
            channels = s->channelIds();
            s->shutdown();
        }, Qt::BlockingQueuedConnection);
        r.thread->quit();
        r.thread->wait();
        delete r.session;
        delete r.thread;
        for (const QString &ch : std::as_const(channels))
            m_engine->stopLocalSpeaker(ch);
    }
    m_sessions.clear();
    m_onAirChannels.clear();
}

void Interpreters::publishEvent(const QString &stream, const QJsonObject &event)
{
    m_engine->hub()->publishTopic(QStringLiteral("stream:") + stream, event);
    QMetaObject::invokeMethod(m_engine, [e = m_engine, event] { Q_EMIT e->interpretationEvent(event); });
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
    const InterpretationBackends &b = m_engine->interpretationBackends();
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
    const EngineConfig &cfg = m_engine->config();
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
