#pragma once

#include "fanout/streamstate.h"

#include <QJsonObject>
#include <QMutex>

#include <atomic>
#include <memory>

namespace onair {

class Hub;

// One speaker's life on one stream, the same for every kind of speaker — a browser or app on
// /ws/speak (a fan-out worker holds it) and the desktop's microphone (the engine holds it):
// joined (the stream's one speaker slot is taken), on air ("speaker_joined" to the listeners
// and on the stream's topic, then its format), its frames counted, and its end ("speaker_left"
// when it was on air, the slot freed; its owner calls end()). Thread-safe.
class SpeakerSession final
{
public:
    // `stream` is what Hub::joinSpeaker(…, connection, …) returned. On a language channel
    // ("main~nl") `source` says who speaks: "human" (the default), "machine" or "original".
    SpeakerSession(Hub *hub, std::shared_ptr<StreamState> stream, quint64 connection,
                   QString source = QStringLiteral("human"));
    Q_DISABLE_COPY_MOVE(SpeakerSession)

    const std::shared_ptr<StreamState> &stream() const { return m_stream; }
    quint64 connection() const { return m_connection; }
    bool onAir() const { return m_onAir.load(std::memory_order_acquire); }

    // Announces the speaker (once), with its format when it has one; on a language channel
    // also its source ("channel_source").
    void goOnAir(const QJsonObject &format = {});
    // A language channel's fallback changes what it relays (machine ↔ original): a new
    // "channel_source", then the format.
    void changeSource(const QString &source, const QJsonObject &format);
    QString source() const;
    // Still the stream's speaker: a language channel's speaker can lose the slot to a person.
    bool holdsSlot() const { return m_stream->liveSpeaker.load(std::memory_order_acquire) == m_connection; }
    // A frame to the listeners while this session holds the slot; false (dropped) otherwise.
    bool publishAudio(const QByteArray &frame);
    // A format from the speaker's hello: the hub keeps it; listeners get a "format" message.
    void setFormat(const QJsonObject &format);
    // A frame received from the speaker: counted on the stream and the server.
    void countIn(qint64 bytes);
    // Leaves the stream (once): "speaker_left" when it was on air and still held the slot.
    void end();
    static QJsonObject channelSourceMessage(const QString &stream, const QString &source);

private:
    void publishEvent(const QString &type);
    void publishSource(const QString &source);

    Hub *const m_hub;
    const std::shared_ptr<StreamState> m_stream;
    const quint64 m_connection;
    std::atomic<bool> m_onAir{false};
    std::atomic<bool> m_ended{false};
    mutable QMutex m_sourceMutex;
    QString m_source; // guarded by m_sourceMutex
};

} // namespace onair
