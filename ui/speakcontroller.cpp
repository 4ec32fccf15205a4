#include "speakcontroller.h"

#include "audiolevel.h"
#include "engine.h"

#include <QJsonObject>

namespace onair {

SpeakController::SpeakController(Engine *engine, QObject *parent) : QObject(parent), m_engine(engine)
{
    m_levelClock.start();
}

SpeakController::~SpeakController()
{
    stop();
}

void SpeakController::goOnAir(const QString &sourceSpec, const QString &stream)
{
    QMetaObject::invokeMethod(this, [this, sourceSpec, stream] { start(sourceSpec, stream); });
}

void SpeakController::goOffAir()
{
    QMetaObject::invokeMethod(this, [this] { stop(); });
}

void SpeakController::setMuted(bool muted)
{
    QMetaObject::invokeMethod(this, [this, muted] {
        m_muted = muted;
        if (m_source)
            m_source->setMuted(muted);
    });
}

void SpeakController::start(const QString &sourceSpec, const QString &stream)
{
    stop();
    QString error;
    m_source = makeAudioSource(sourceSpec, &error);
    if (!m_source) {
        Q_EMIT failed(error);
        Q_EMIT onAirChanged(false, stream);
        return;
    }
    const QJsonObject format{{QStringLiteral("codec"), QStringLiteral("pcm")},
                             {QStringLiteral("sample_rate"), kSampleRate},
                             {QStringLiteral("channels"), 1},
                             {QStringLiteral("sample_format"), QStringLiteral("s16le")},
                             {QStringLiteral("frame_ms"), 20}};
    if (!m_engine->startLocalSpeaker(stream, format, &error)) {
        m_source.reset();
        Q_EMIT failed(error);
        Q_EMIT onAirChanged(false, stream);
        return;
    }
    m_stream = stream;
    m_source->setMuted(m_muted);
    connect(m_source.get(), &AudioFrameSource::frame, this, &SpeakController::onFrame);
    connect(m_source.get(), &AudioFrameSource::failed, this, [this](const QString &message) {
        Q_EMIT failed(message);
        stop();
    });
    if (!m_source->start()) {
        stop();
        return;
    }
    Q_EMIT onAirChanged(true, stream);
}

void SpeakController::stop()
{
    if (!m_source && m_stream.isEmpty())
        return;
    if (m_source) {
        m_source->stop();
        m_source.reset();
    }
    const QString stream = m_stream;
    m_stream.clear();
    if (!stream.isEmpty()) {
        m_engine->stopLocalSpeaker(stream);
        Q_EMIT onAirChanged(false, stream);
    }
    Q_EMIT level(-120, -120);
}

void SpeakController::onFrame(const QByteArray &frame)
{
    m_engine->publishLocal(m_stream, frame);
    m_frames.fetch_add(1);
    if (m_levelClock.elapsed() >= 33) { // ~30 updates a second is plenty for a meter
        m_levelClock.restart();
        const AudioLevel l = measureS16(frame);
        Q_EMIT level(l.peakDb, l.rmsDb);
    }
}

} // namespace onair
