#include "fanout/speakersession.h"

#include "fanout/hub.h"

namespace onair {

SpeakerSession::SpeakerSession(Hub *hub, std::shared_ptr<StreamState> stream, quint64 connection)
    : m_hub(hub), m_stream(std::move(stream)), m_connection(connection)
{
}

void SpeakerSession::publishEvent(const QString &type)
{
    m_hub->publishJson(m_stream, {{QStringLiteral("type"), type}, {QStringLiteral("stream_id"), m_stream->id}});
    m_hub->publishTopic(QStringLiteral("stream:") + m_stream->id,
                        QJsonObject{{QStringLiteral("event"), type}, {QStringLiteral("stream_id"), m_stream->id}});
}

void SpeakerSession::goOnAir(const QJsonObject &format)
{
    if (m_ended.load() || m_onAir.exchange(true))
        return;
    publishEvent(QStringLiteral("speaker_joined"));
    if (!format.isEmpty())
        setFormat(format);
}

void SpeakerSession::setFormat(const QJsonObject &format)
{
    m_hub->setFormat(m_stream, format);
    m_hub->publishJson(m_stream, {{QStringLiteral("type"), QStringLiteral("format")},
                                  {QStringLiteral("stream_id"), m_stream->id},
                                  {QStringLiteral("format"), format}});
}

void SpeakerSession::countIn(qint64 bytes)
{
    Metrics *metrics = m_hub->metrics();
    m_stream->framesIn.fetch_add(1, std::memory_order_relaxed);
    m_stream->bytesIn.fetch_add(bytes, std::memory_order_relaxed);
    metrics->framesIn.fetch_add(1, std::memory_order_relaxed);
    metrics->bytesIn.fetch_add(bytes, std::memory_order_relaxed);
}

void SpeakerSession::end()
{
    if (m_ended.exchange(true))
        return;
    m_hub->leaveSpeaker(m_stream, m_connection);
    if (m_onAir.load())
        publishEvent(QStringLiteral("speaker_left"));
}

} // namespace onair
