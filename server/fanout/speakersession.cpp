#include "fanout/speakersession.h"

#include "fanout/hub.h"
#include "protocol/streamid.h"

namespace onair {

SpeakerSession::SpeakerSession(Hub *hub, std::shared_ptr<StreamState> stream, quint64 connection, QString source)
    : m_hub(hub), m_stream(std::move(stream)), m_connection(connection), m_source(std::move(source))
{
}

QJsonObject SpeakerSession::channelSourceMessage(const QString &stream, const QString &source)
{
    return {{QStringLiteral("type"), QStringLiteral("channel_source")},
            {QStringLiteral("stream_id"), stream},
            {QStringLiteral("source"), source}};
}

void SpeakerSession::publishSource(const QString &source)
{
    m_hub->setSource(m_stream, m_connection, source);
    m_hub->publishJson(m_stream, channelSourceMessage(m_stream->id, source));
    m_hub->publishTopic(QStringLiteral("stream:") + m_stream->id,
                        QJsonObject{{QStringLiteral("event"), QStringLiteral("channel_source")},
                                    {QStringLiteral("stream_id"), m_stream->id},
                                    {QStringLiteral("source"), source}});
}

QString SpeakerSession::source() const
{
    QMutexLocker lock(&m_sourceMutex);
    return m_source;
}

void SpeakerSession::changeSource(const QString &source, const QJsonObject &format)
{
    {
        QMutexLocker lock(&m_sourceMutex);
        if (m_source == source)
            return;
        m_source = source;
    }
    if (!m_onAir.load() || !holdsSlot())
        return;
    publishSource(source);
    if (!format.isEmpty())
        setFormat(format);
}

bool SpeakerSession::publishAudio(const QByteArray &frame)
{
    if (!holdsSlot())
        return false;
    m_hub->publishAudio(m_stream, frame);
    return true;
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
    if (isLanguageChannel(m_stream->id))
        publishSource(source());
    // Always: the listeners (and the control room's level) decode what this speaker sends, not
    // what the one before sent — a raw PCM speaker (no hello, null = the default PCM) after an
    // Opus one, a person after an Opus fallback on a language channel. A hello follows for most.
    setFormat(format);
}

void SpeakerSession::setFormat(const QJsonObject &format)
{
    m_hub->setFormat(m_stream, format);
    m_hub->publishJson(m_stream, {{QStringLiteral("type"), QStringLiteral("format")},
                                  {QStringLiteral("stream_id"), m_stream->id},
                                  {QStringLiteral("format"), format.isEmpty() ? QJsonValue() : QJsonValue(format)}});
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
    m_hub->leaveSpeaker(m_stream, m_connection, [this] {
        if (m_onAir.load())
            publishEvent(QStringLiteral("speaker_left"));
    });
}

} // namespace onair
