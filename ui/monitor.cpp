#include "monitor.h"

#include "audiolevel.h"
#include "audiosource.h"
#include "engine/engine.h"
#include "fanout/hub.h"
#include "fanout/streamfeed.h"

#include <QAudioFormat>
#include <QAudioSink>
#include <QJsonDocument>
#include <QMediaDevices>
#include <QTimer>

namespace onair {

Monitor::Monitor(Engine *engine, QObject *parent) : QObject(parent), m_engine(engine) {}

Monitor::~Monitor()
{
    setStream(QString());
}

void Monitor::setStream(const QString &stream)
{
    m_feed.reset(); // its receiver is not called any more
    if (m_refresh)
        m_refresh->stop();
    stopSink();
    if (stream.isEmpty())
        return;
    const QAudioDevice out = QMediaDevices::defaultAudioOutput();
    if (out.isNull()) {
        Q_EMIT failed(tr("No audio output device to monitor on."));
    } else {
        QAudioFormat f;
        f.setSampleRate(kSampleRate);
        f.setChannelCount(1);
        f.setSampleFormat(QAudioFormat::Int16);
        m_sink = new QAudioSink(out, f, this);
        m_sink->setVolume(m_volume);
        m_sink->setBufferSize(kFrameBytes * 6);
        m_io = m_sink->start();
    }
    m_opus = false;
    m_playable = true;
    // The receiver runs on the publishing thread: the payload goes to this (audio) thread.
    m_feed = std::make_unique<StreamFeed>(m_engine->hub(), stream, [this](bool audio, const QByteArray &payload) {
        QMetaObject::invokeMethod(this, [this, audio, payload] { onPayload(audio, payload); });
    });
    refresh();
    if (!m_refresh) {
        m_refresh = new QTimer(this);
        m_refresh->setInterval(250);
        connect(m_refresh, &QTimer::timeout, this, &Monitor::refresh);
    }
    m_refresh->start();
}

// The stream's format as declared so far when the feed (re)attaches; later changes arrive as
// "format" messages.
void Monitor::refresh()
{
    if (m_feed && m_feed->refresh())
        setFormat(m_engine->hub()->format(m_feed->state()));
}

void Monitor::setVolume(double volume)
{
    m_volume = qBound(0.0, volume, 1.0);
    if (m_sink)
        m_sink->setVolume(m_volume);
}

void Monitor::onPayload(bool audio, const QByteArray &payload)
{
    if (!audio) {
        const QJsonObject msg = QJsonDocument::fromJson(payload).object();
        if (msg.value(QLatin1String("type")).toString() == QLatin1String("format"))
            setFormat(msg.value(QLatin1String("format")).toObject());
        return;
    }
    ++m_frames;
    if (m_opus)
        output(m_decoder.decode(payload));
    else if (m_playable)
        output(payload);
}

void Monitor::setFormat(const QJsonObject &format)
{
    const QString codec = format.value(QLatin1String("codec")).toString();
    m_opus = codec == QLatin1String("opus");
    m_playable = true;
    if (m_opus) {
        QString error;
        if (!m_decoder.open(kSampleRate, 1, &error)) { // mono out, whatever the packets carry
            m_opus = false;
            m_playable = false;
            Q_EMIT failed(error);
        }
    } else if (codec == QLatin1String("pcm")) {
        m_playable = format.value(QLatin1String("sample_rate")).toInt() == kSampleRate
                     && format.value(QLatin1String("channels")).toInt() == 1
                     && format.value(QLatin1String("sample_format")).toString() == QLatin1String("s16le");
    }
}

void Monitor::output(const QByteArray &pcm)
{
    m_pcmBytes.fetch_add(pcm.size());
    if (!pcm.isEmpty())
        m_lastPeakDb.store(measureS16(pcm).peakDb);
    if (m_io && !pcm.isEmpty() && m_sink->bytesFree() >= pcm.size())
        m_io->write(pcm); // a full sink drops the frame: stay live, never lag behind
}

void Monitor::stopSink()
{
    if (m_sink) {
        m_sink->stop();
        delete m_sink;
        m_sink = nullptr;
        m_io = nullptr;
    }
}

} // namespace onair
