#pragma once

#include "core/latencyhistogram.h"
#include "audio/pipelinestats.h"
#include "fanout/hearing.h"

#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

#include <array>
#include <atomic>
#include <memory>

namespace onair {

constexpr int kMaxWorkers = 64;

// The formats standard players get a stream in (/stream/{id}.ogg, /stream/{id}.mp3).
enum class PlayerFormat : quint8 { Ogg, Mp3 };
constexpr int kPlayerFormats = 2;
inline const char *playerFormatName(PlayerFormat f) { return f == PlayerFormat::Ogg ? "ogg" : "mp3"; }

// Something in the engine that observes a stream's payloads as the hub publishes them — audio
// packets and the JSON messages for its listeners, in order — on the publishing thread (the
// speaker's worker, the local speaker's thread or the cluster bus). It must return at once.
class StreamTap
{
public:
    virtual ~StreamTap() = default;
    virtual void onStreamPayload(bool audio, const QByteArray &payload) = 0;
};

// The shared state of one stream. Counters are atomics written by worker threads; the
// speaker fields are guarded by the Hub's mutex.
struct StreamState
{
    explicit StreamState(QString streamId) : id(std::move(streamId)) {}

    const QString id;
    std::atomic<qint64> framesIn{0}, bytesIn{0}, framesOut{0}, bytesOut{0}, drops{0};
    std::atomic<int> listeners{0};
    std::array<std::atomic<int>, kMaxWorkers> perWorker{}; // listeners on each worker
    std::array<std::atomic<int>, kMaxWorkers> playersPerWorker{}; // of which HTTP players
    std::atomic<int> players{0};   // HTTP players (/stream/…) among the listeners
    // WebSocket listeners that asked for messages only (?audio=0: a page playing the players'
    // MP3 stream keeps its WebSocket for banners and captions). Not counted as listeners: its
    // HTTP player is.
    std::atomic<int> messageOnly{0};
    int audience() const { return listeners.load() - messageOnly.load(); }
    std::atomic<int> tapCount{0};  // taps.size(), read without the lock on every frame
    QMutex tapMutex;
    QList<std::shared_ptr<StreamTap>> taps; // guarded by tapMutex
    LatencyHistogram fanout; // hub -> written to the listeners of one worker
    std::shared_ptr<PipelineStats> pipeline = std::make_shared<PipelineStats>();

    // speakerConnection, readable without the lock: a speaker's frames go out only while it
    // holds the slot (a language channel's speaker can lose it to a person mid-frame).
    std::atomic<quint64> liveSpeaker{0};

    // Guarded by Hub::m_mutex
    quint64 speakerConnection = 0; // 0 = no speaker
    // The speaker gives the slot to the next person who joins: a language channel's fallback
    // (machine or original audio), or an interpreter handing over.
    bool speakerYields = false;
    QString source; // a language channel's speaker: "human", "machine" or "original"
    QString speakerAddress;
    QJsonObject format;            // empty = unknown
    qint64 createdMs = 0;
};

// A stream as /health, /api/streams and the presence of a replica report it.
struct StreamSnapshot
{
    QString id;
    bool speakerLive = false;
    QString speakerAddress;
    QJsonObject format;
    int listeners = 0;
    int players = 0; // HTTP players among the listeners
    qint64 framesIn = 0, bytesIn = 0, framesOut = 0, bytesOut = 0, drops = 0;
    BreakerState pipelineState = BreakerState::Closed;
    bool passthrough = true;
    double fanoutP99Ms = 0;
    HearingCounts hearing; // this replica's listeners, as of the last Hub::hearing()
    QString source; // a language channel's speaker (StreamState::source)
};

} // namespace onair
