#include "monitor.h"

#include "audiosource.h"
#include "engine.h"
#include "wsframe.h"

#include <QAudioFormat>
#include <QAudioSink>
#include <QMediaDevices>
#include <QPointer>

namespace onair {

Monitor::Monitor(Engine *engine, QObject *parent) : QObject(parent), m_engine(engine) {}

Monitor::~Monitor()
{
    setStream(QString());
}

void Monitor::setStream(const QString &stream)
{
    if (m_listener) {
        m_engine->removeLocalListener(m_listener);
        m_listener = 0;
    }
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
    QPointer<Monitor> self(this);
    m_listener = m_engine->addLocalListener(stream, [self](const QByteArray &frames) {
        QMetaObject::invokeMethod(self.data(), [self, frames] {
            if (self)
                self->play(frames);
        });
    });
}

void Monitor::setVolume(double volume)
{
    m_volume = qBound(0.0, volume, 1.0);
    if (m_sink)
        m_sink->setVolume(m_volume);
}

void Monitor::play(const QByteArray &frames)
{
    for (const ServerFrame &f : splitServerFrames(frames)) {
        if (f.opcode != WsOpcode::Binary)
            continue;
        ++m_frames;
        if (m_io && m_sink->bytesFree() >= f.payload.size())
            m_io->write(f.payload); // a full sink drops the frame: stay live, never lag behind
    }
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
