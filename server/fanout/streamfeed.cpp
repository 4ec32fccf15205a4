#include "fanout/streamfeed.h"

#include "fanout/hub.h"

#include <QMutex>

namespace onair {

// The hub may still hold (and call) a tap just removed: a closed tap calls no one.
class StreamFeed::Tap final : public StreamTap
{
public:
    explicit Tap(Receiver receiver) : m_receiver(std::move(receiver)) {}
    void onStreamPayload(bool audio, const QByteArray &payload) override
    {
        QMutexLocker lock(&m_mutex);
        if (m_receiver)
            m_receiver(audio, payload);
    }
    void close()
    {
        QMutexLocker lock(&m_mutex);
        m_receiver = nullptr;
    }

private:
    QMutex m_mutex;
    Receiver m_receiver;
};

StreamFeed::StreamFeed(Hub *hub, QString stream, Receiver receiver)
    : m_hub(hub), m_stream(std::move(stream)), m_tap(std::make_shared<Tap>(std::move(receiver)))
{
}

StreamFeed::~StreamFeed()
{
    m_hub->unwatch(m_stream, m_tap.get());
    if (m_state)
        m_hub->removeTap(m_state, m_tap.get()); // a stream the hub has since forgotten
    m_tap->close();
}

bool StreamFeed::refresh()
{
    // The hub attaches the tap to each stream it makes for the id, as it makes it: here the
    // feed only follows which one that is.
    std::shared_ptr<StreamState> now = m_watching ? m_hub->find(m_stream) : m_hub->watch(m_stream, m_tap);
    m_watching = true;
    if (now == m_state)
        return false;
    m_state = std::move(now);
    return m_state != nullptr;
}

} // namespace onair
