#pragma once

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>

namespace onair {

class Hub;
struct StreamState;

// A stream's payloads — audio packets and the JSON messages for its listeners, in order — as
// the hub publishes them, for an in-process consumer (the interpreter, the desktop's monitor):
// a StreamTap on the stream, not a listener (no socket, no WebSocket frames, not counted).
// The hub forgets a stream that has neither speaker nor listener, and makes a new one when a
// speaker comes back: the feed's tap is on it from its first payload (Hub::watch), and
// refresh() follows which stream that is. Used from one thread (the owner's).
class StreamFeed final
{
public:
    // Called on the publishing thread (a fan-out worker, a local speaker's thread, the
    // cluster bus): it must return at once. Never called once the feed is destroyed.
    using Receiver = std::function<void(bool audio, const QByteArray &payload)>;

    StreamFeed(Hub *hub, QString stream, Receiver receiver);
    ~StreamFeed();
    Q_DISABLE_COPY_MOVE(StreamFeed)

    // Attaches to the stream as the hub has it now (call it at once, then now and then). True
    // when that is a stream it was not attached to: the caller reads the stream's format then
    // (later changes arrive as "format" messages).
    bool refresh();
    const std::shared_ptr<StreamState> &state() const { return m_state; }
    const QString &stream() const { return m_stream; }

private:
    class Tap;

    Hub *m_hub;
    const QString m_stream;
    std::shared_ptr<Tap> m_tap;
    std::shared_ptr<StreamState> m_state;
    bool m_watching = false; // the hub holds the tap as a standing one (from the first refresh)
};

} // namespace onair
