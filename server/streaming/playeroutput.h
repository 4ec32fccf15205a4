#pragma once

#include "fanout/playersource.h"
#include "fanout/streamstate.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>

#include <atomic>
#include <memory>

class QObject;

namespace onair {

class Hub;

struct PlayerOptions
{
    int mp3Kbps = 64;
    int burstMs = 500;
    int chunkMs = 100;
    int opusBitrate = 32000;
};

// One stream rendered for standard players in one format, once for all of its HTTP players
// (subclasses: Ogg Opus, MP3). It taps the stream's payloads, turns them into chunks (whole
// Ogg pages, whole MP3 frames) on the players' media thread, and publishes each chunk through
// the hub to the workers holding players. While no audio comes (no speaker yet, between
// speakers, a speaker's replica gone) it fills silence in real time, so a player that joined
// early or stays across a speaker change keeps a valid, playing stream. It keeps the last
// burstMs of chunks: a new player starts with them, near live.
class PlayerOutput : public StreamTap, public PlayerRendition, public std::enable_shared_from_this<PlayerOutput>
{
public:
    PlayerOutput(Hub *hub, std::shared_ptr<StreamState> stream, PlayerFormat format, const PlayerOptions &options);
    ~PlayerOutput() override;
    Q_DISABLE_COPY_MOVE(PlayerOutput)

    PlayerFormat format() const { return m_format; }
    const std::shared_ptr<StreamState> &stream() const { return m_stream; }

    // Thread-safe: what a new player gets first (headers and the last burstMs of chunks), and
    // the number of the last chunk in it (later chunks reach it through its worker).
    QByteArray intro(quint64 *lastSeq) const override;

    // Where processing runs (an object on the media thread), or nullptr to stop it for good.
    void setContext(QObject *context);
    // StreamTap, any thread: queued for the media thread.
    void onStreamPayload(bool audio, const QByteArray &payload) override;
    // Media thread: the silence filler and late page flushes.
    void tick(qint64 nowNs);

    qint64 chunksOut() const { return m_chunks.load(std::memory_order_relaxed); }
    qint64 bytesOut() const { return m_bytes.load(std::memory_order_relaxed); }
    qint64 silenceMs() const { return m_silenceMs.load(std::memory_order_relaxed); }
    qint64 cpuNs() const { return m_cpuNs.load(std::memory_order_relaxed); } // media thread time spent

protected:
    static constexpr int kRate = 48000;
    static constexpr int kFillSamples = 960; // silence is filled 20 ms at a time

    virtual void formatChanged(const QJsonObject &format) = 0;
    virtual void audio(const QByteArray &payload) = 0;
    virtual void silence(int samples) = 0;
    // Chunk what is pending when it holds chunkMs of audio, or whatever there is with `force`.
    virtual void flushPending(bool force) = 0;
    // Bytes every player needs before any chunk (Ogg's header pages); set in the constructor.
    void setHeaders(const QByteArray &headers) { m_headers = headers; }
    void emitChunk(const QByteArray &bytes, qint64 samples);

    Hub *const m_hub;
    const std::shared_ptr<StreamState> m_stream;
    const PlayerFormat m_format;
    const PlayerOptions m_options;

private:
    void drain();
    void start();
    void process(bool audio, const QByteArray &payload, qint64 nowNs);

    QByteArray m_headers;
    struct Chunk
    {
        quint64 seq;
        QByteArray bytes;
        qint64 samples;
    };
    mutable QMutex m_mutex; // guards the burst, the inbox and the context
    QList<Chunk> m_burst;
    qint64 m_burstSamples = 0;
    quint64 m_seq = 0;
    QList<QPair<bool, QByteArray>> m_inbox;
    bool m_wakePending = false;
    QObject *m_context = nullptr;

    // Media thread only.
    bool m_started = false;
    bool m_speakerLive = false;   // from speaker_joined / speaker_left
    qint64 m_lastAudioNs = 0;    // when the last real audio came
    qint64 m_producedUntilNs = 0; // how far (in wall time) audio or fill has been produced
    qint64 m_lastFlushNs = 0;

    std::atomic<qint64> m_chunks{0}, m_bytes{0}, m_silenceMs{0}, m_cpuNs{0};
};

} // namespace onair
