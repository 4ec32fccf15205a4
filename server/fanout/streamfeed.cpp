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
    detach();
    m_tap->close();
}

bool StreamFeed::refresh()
{
    std::shared_ptr<StreamState> now = m_hub->find(m_stream);
    if (now == m_state)
        return false;
    detach();
    m_state = std::move(now);
    if (!m_state)
        return false;
    m_hub->addTap(m_state, m_tap);
    return true;
}

void StreamFeed::detach()
{
    if (m_state)
        m_hub->removeTap(m_state, m_tap.get());
    m_state.reset();
}

} // namespace onair
