#pragma once

#include "streaming/playeroutput.h"

#include <QHash>
#include <QJsonArray>
#include <QMutex>
#include <QObject>

#include <memory>

class QThread;
class QTimer;

namespace onair {

class Hub;

// The renditions of streams for standard players (Ogg Opus, MP3): one PlayerOutput per stream
// and format while at least one HTTP player of it is connected to this replica, created for
// the first and dropped with the last. They run on one media thread of their own, so encoding
// never delays the fan-out workers. Thread-safe.
class PlayerStreams final : public PlayerSource
{
public:
    PlayerStreams(Hub *hub, const PlayerOptions &options);
    ~PlayerStreams();
    Q_DISABLE_COPY_MOVE(PlayerStreams)

    void start();
    // Detaches every output from its stream and stops the media thread (blocking).
    void stop();

    std::shared_ptr<PlayerRendition> acquire(const std::shared_ptr<StreamState> &stream, PlayerFormat format) override;
    void release(const std::shared_ptr<PlayerRendition> &rendition) override;

    // [{"stream","format","players","chunks","bytes","silence_ms","cpu_ms"}]
    QJsonArray outputsJson() const;
    int outputCount() const;

private:
    void tick();

    Hub *const m_hub;
    const PlayerOptions m_options;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr; // lives on m_thread
    QTimer *m_timer = nullptr;    // on m_thread
    mutable QMutex m_mutex;
    struct Entry
    {
        std::shared_ptr<PlayerOutput> output;
        int refs = 0;
    };
    QHash<QPair<const StreamState *, int>, Entry> m_outputs;
};

} // namespace onair
