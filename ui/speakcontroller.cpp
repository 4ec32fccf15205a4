#include "speakcontroller.h"

#include "audiolevel.h"
#include "engine/engine.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSettings>

namespace onair {

AudioEncoding AudioEncoding::load()
{
    const QSettings s;
    AudioEncoding e;
    e.codec = s.value(QStringLiteral("audio/codec"), e.codec).toString();
    e.bitrate = s.value(QStringLiteral("audio/bitrate"), e.bitrate).toInt();
    e.frameMs = s.value(QStringLiteral("audio/frameMs"), e.frameMs).toDouble();
    if (!e.validate().isEmpty())
        e = AudioEncoding();
    return e;
}

void AudioEncoding::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("audio/codec"), codec);
    s.setValue(QStringLiteral("audio/bitrate"), bitrate);
    s.setValue(QStringLiteral("audio/frameMs"), frameMs);
}

QString AudioEncoding::validate() const
{
    if (codec != QLatin1String("opus") && codec != QLatin1String("pcm"))
        return QStringLiteral("codec must be opus or pcm");
    if (bitrate < 6000 || bitrate > 510000)
        return QStringLiteral("bitrate must be 6000–510000 b/s");
    if (frameMs != 10 && frameMs != 20)
        return QStringLiteral("frame must be 10 or 20 ms");
    return {};
}

bool parseVoiceMode(const QString &text, VoiceMode *mode)
{
    if (text == QLatin1String("mic"))
        *mode = VoiceMode::Microphones;
    else if (text == QLatin1String("all"))
        *mode = VoiceMode::All;
    else if (text == QLatin1String("off"))
        *mode = VoiceMode::Off;
    else
        return false;
    return true;
}

VoiceOptions loadVoiceOptions()
{
    const QSettings s;
    VoiceOptions o;
    o.highPass = s.value(QStringLiteral("voice/highPass"), o.highPass).toBool();
    o.noiseSuppression = s.value(QStringLiteral("voice/noiseSuppression"), o.noiseSuppression).toBool();
    o.autoGain = s.value(QStringLiteral("voice/autoGain"), o.autoGain).toBool();
    o.limiter = s.value(QStringLiteral("voice/limiter"), o.limiter).toBool();
    return o;
}

void saveVoiceOptions(const VoiceOptions &o)
{
    QSettings s;
    s.setValue(QStringLiteral("voice/highPass"), o.highPass);
    s.setValue(QStringLiteral("voice/noiseSuppression"), o.noiseSuppression);
    s.setValue(QStringLiteral("voice/autoGain"), o.autoGain);
    s.setValue(QStringLiteral("voice/limiter"), o.limiter);
}

SpeakController::SpeakController(Engine *engine, QObject *parent) : QObject(parent), m_engine(engine)
{
    m_levelClock.start();
    // With replicas, another replica may hold the stream: the engine takes us off air.
    connect(engine, &Engine::localSpeakerRefused, this, [this](const QString &stream, const QString &reason) {
        if (stream != m_stream)
            return;
        Q_EMIT failed(reason);
        stop();
    });
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

void SpeakController::setEncoding(const AudioEncoding &encoding)
{
    QMetaObject::invokeMethod(this, [this, encoding] { m_encodingOverride = encoding; });
}

void SpeakController::setVoiceOptions(const VoiceOptions &options)
{
    QMetaObject::invokeMethod(this, [this, options] {
        m_voiceOptions = options;
        applyVoiceOptions();
    });
}

void SpeakController::setVoiceMode(VoiceMode mode)
{
    QMetaObject::invokeMethod(this, [this, mode] {
        m_voiceMode = mode;
        applyVoiceOptions();
    });
}

// Off for the tone and files unless --voice-processing all: they are clean already. Off, the
// processor still passes the audio through (bit for bit) and says when it clipped.
void SpeakController::applyVoiceOptions()
{
    if (!m_voice)
        return;
    const bool on = m_voiceMode == VoiceMode::All || (m_voiceMode == VoiceMode::Microphones && m_microphone);
    m_voice->setOptions(on ? m_voiceOptions : VoiceOptions::off());
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
    const AudioEncoding enc = m_encodingOverride.value_or(AudioEncoding::load());
    m_opus = enc.codec == QLatin1String("opus");
    QJsonObject format{{QStringLiteral("codec"), QStringLiteral("pcm")},
                       {QStringLiteral("sample_rate"), kSampleRate},
                       {QStringLiteral("channels"), 1},
                       {QStringLiteral("sample_format"), QStringLiteral("s16le")},
                       {QStringLiteral("frame_ms"), 20}};
    if (m_opus) {
        OpusSettings os;
        os.bitrate = enc.bitrate;
        os.frameMs = enc.frameMs;
        if (!m_encoder.open(os, &error)) {
            m_source.reset();
            Q_EMIT failed(error);
            Q_EMIT onAirChanged(false, stream);
            return;
        }
        format = m_encoder.format();
    }
    m_markClock.invalidate();
    if (!m_engine->startLocalSpeaker(stream, format, &error)) {
        m_source.reset();
        Q_EMIT failed(error);
        Q_EMIT onAirChanged(false, stream);
        return;
    }
    m_stream = stream;
    m_microphone = sourceSpec == QLatin1String("mic") || sourceSpec.startsWith(QLatin1String("mic:"));
    m_voice = std::make_unique<VoiceProcessor>(VoiceOptions::off());
    applyVoiceOptions();
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
    m_voice.reset();
    m_gainReduction = 0;
    m_clipped = false;
    Q_EMIT level(-120, -120);
    Q_EMIT dynamics(0, false);
}

void SpeakController::onFrame(const QByteArray &input)
{
    VoiceBlockReport report;
    const QByteArray frame = m_voice ? m_voice->process(input, &report) : input; // 20 ms: no added buffering
    m_gainReduction = std::max(m_gainReduction, report.gainReductionDb);
    m_clipped = m_clipped || report.inputClipped;
    // The frame's first sample was captured one frame ago (a microphone delivers a frame when it
    // is complete; the tone and file sources are paced the same way).
    const qint64 capturedAt = QDateTime::currentMSecsSinceEpoch() - kFrameSamples * 1000 / kSampleRate;
    const bool mark = !m_markClock.isValid() || m_markClock.elapsed() >= 1000;
    if (mark) // once a second, so listeners can measure their mouth-to-ear delay
        m_markClock.start();
    const QList<QByteArray> packets = m_opus ? m_encoder.encode(frame) : QList<QByteArray>{frame};
    for (qsizetype i = 0; i < packets.size(); ++i) {
        if (mark && i == 0) // the mark names the packet that starts with this frame's first sample
            m_engine->markLocal(m_stream, ++m_markId, capturedAt);
        m_engine->publishLocal(m_stream, packets.at(i));
    }
    m_frames.fetch_add(1);
    if (m_levelClock.elapsed() >= 33) { // ~30 updates a second is plenty for a meter
        m_levelClock.restart();
        const AudioLevel l = measureS16(frame);
        Q_EMIT level(l.peakDb, l.rmsDb);
        Q_EMIT dynamics(m_gainReduction, m_clipped);
        m_gainReduction = 0;
        m_clipped = false;
    }
}

} // namespace onair
