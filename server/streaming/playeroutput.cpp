#include "streaming/playeroutput.h"

#include "core/clock.h"
#include "fanout/hub.h"

#include <QJsonDocument>
#include <QObject>

namespace onair {

namespace {
constexpr qint64 kMsNs = 1000000;
// Nobody on air: silence after a moment without audio (an interpreter's channel, say, sends
// audio without announcing a speaker). A speaker on air whose audio stopped for a second (its
// replica died, its network stalls): silence too — sooner, a stall's late audio would come on
// top of the fill and push players behind.
constexpr qint64 kFillAfterNs = 200 * kMsNs;
constexpr qint64 kFillAfterLiveNs = 1000 * kMsNs;
// Queued payloads beyond this mean the media thread is stalled: the oldest go (counted as
// silence filled later), instead of memory growing.
constexpr qsizetype kMaxInbox = 1000;
} // namespace

PlayerOutput::PlayerOutput(Hub *hub, std::shared_ptr<StreamState> stream, PlayerFormat format,
                           const PlayerOptions &options)
    : m_hub(hub), m_stream(std::move(stream)), m_format(format), m_options(options)
{
    const qint64 now = monotonicNs();
    m_speakerLive = m_hub->speakerLive(m_stream);
    if (m_speakerLive) {
        // Its audio comes at once; no silence in front of it.
        m_lastAudioNs = now;
        m_producedUntilNs = now;
    } else {
        // Nobody speaks yet: the first player gets burstMs of silence straight away, so it
        // starts playing instead of waiting.
        m_lastAudioNs = 0;
        m_producedUntilNs = now - qint64(m_options.burstMs) * kMsNs;
    }
    m_lastFlushNs = now;
}

PlayerOutput::~PlayerOutput() = default;

QByteArray PlayerOutput::intro(quint64 *lastSeq) const
{
    QMutexLocker lock(&m_mutex);
    QByteArray out = m_headers;
    for (const Chunk &c : m_burst)
        out += c.bytes;
    *lastSeq = m_seq;
    return out;
}

void PlayerOutput::setContext(QObject *context)
{
    QMutexLocker lock(&m_mutex);
    m_context = context;
    if (!context)
        m_inbox.clear();
}

void PlayerOutput::onStreamPayload(bool audio, const QByteArray &payload)
{
    QMutexLocker lock(&m_mutex);
    if (!m_context)
        return;
    if (m_inbox.size() >= kMaxInbox)
        m_inbox.removeFirst();
    m_inbox.append({audio, payload});
    if (m_wakePending)
        return;
    m_wakePending = true;
    // Posted under the lock: setContext(nullptr) cannot slip in between and free the context.
    QMetaObject::invokeMethod(m_context, [w = weak_from_this()] {
        if (const auto self = w.lock())
            self->drain();
    }, Qt::QueuedConnection);
}

void PlayerOutput::drain()
{
    QList<QPair<bool, QByteArray>> batch;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_inbox);
        m_wakePending = false;
    }
    const qint64 t0 = monotonicNs();
    start();
    for (const auto &[isAudio, payload] : std::as_const(batch))
        process(isAudio, payload, t0);
    m_cpuNs.fetch_add(monotonicNs() - t0, std::memory_order_relaxed);
}

void PlayerOutput::start()
{
    // On the media thread, before its first payload or tick: the stream's format right now
    // (a "format" message queued meanwhile follows and wins).
    if (m_started)
        return;
    m_started = true;
    formatChanged(m_hub->format(m_stream));
}

void PlayerOutput::process(bool isAudio, const QByteArray &payload, qint64 nowNs)
{
    if (!isAudio) {
        const QJsonObject msg = QJsonDocument::fromJson(payload).object();
        const QString type = msg.value(QLatin1String("type")).toString();
        if (type == QLatin1String("format"))
            formatChanged(msg.value(QLatin1String("format")).toObject());
        else if (type == QLatin1String("speaker_joined")) {
            m_speakerLive = true;
            formatChanged({}); // until its hello says otherwise: the protocol's default
        } else if (type == QLatin1String("speaker_left")) {
            m_speakerLive = false;
        }
        return;
    }
    m_lastAudioNs = nowNs;
    m_producedUntilNs = nowNs;
    audio(payload);
}

void PlayerOutput::tick(qint64 nowNs)
{
    const qint64 t0 = monotonicNs();
    start();
    if (nowNs - m_lastAudioNs > (m_speakerLive ? kFillAfterLiveNs : kFillAfterNs)) {
        if (m_producedUntilNs < m_lastAudioNs)
            m_producedUntilNs = m_lastAudioNs;
        // A stalled thread does not pile up more than a burst of silence.
        const qint64 floor = nowNs - qint64(m_options.burstMs) * kMsNs;
        if (m_producedUntilNs < floor)
            m_producedUntilNs = floor;
        const qint64 step = qint64(kFillSamples) * 1000000000 / kRate;
        while (m_producedUntilNs + step <= nowNs) {
            silence(kFillSamples);
            m_producedUntilNs += step;
            m_silenceMs.fetch_add(kFillSamples * 1000 / kRate, std::memory_order_relaxed);
        }
    }
    // A speaker that stopped mid-chunk: send what is there rather than hold it back.
    flushPending(nowNs - m_lastFlushNs > 2 * qint64(m_options.chunkMs) * kMsNs);
    m_cpuNs.fetch_add(monotonicNs() - t0, std::memory_order_relaxed);
}

void PlayerOutput::emitChunk(const QByteArray &bytes, qint64 samples)
{
    if (bytes.isEmpty())
        return;
    m_lastFlushNs = monotonicNs();
    quint64 seq = 0;
    {
        QMutexLocker lock(&m_mutex);
        seq = ++m_seq;
        m_burst.append({seq, bytes, samples});
        m_burstSamples += samples;
        const qint64 keep = qint64(m_options.burstMs) * kRate / 1000;
        while (m_burst.size() > 1 && m_burstSamples - m_burst.constFirst().samples >= keep) {
            m_burstSamples -= m_burst.constFirst().samples;
            m_burst.removeFirst();
        }
    }
    m_chunks.fetch_add(1, std::memory_order_relaxed);
    m_bytes.fetch_add(bytes.size(), std::memory_order_relaxed);
    // After the append: a player that took its intro before it gets this chunk from its worker.
    m_hub->publishPlayerChunk(m_stream, m_format, seq, bytes);
}

} // namespace onair
