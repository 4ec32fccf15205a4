#include "audiosource.h"

#include "audio/resample.h"
#include "audio/wavfile.h"

#include <QAudioFormat>
#include <QAudioSource>
#include <QMediaDevices>
#include <QtEndian>

#include <cmath>
#include <numbers>

namespace onair {

void AudioFrameSource::deliver(QByteArray frame)
{
    if (m_muted)
        frame.fill('\0');
    Q_EMIT this->frame(frame);
}

PacedSource::PacedSource(QObject *parent) : AudioFrameSource(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(5);
    connect(&m_timer, &QTimer::timeout, this, &PacedSource::tick);
}

bool PacedSource::start()
{
    if (!prepare())
        return false;
    m_framesSent = 0;
    m_clock.start();
    m_timer.start();
    return true;
}

void PacedSource::stop() { m_timer.stop(); }

void PacedSource::tick()
{
    const qint64 due = m_clock.elapsed() / 20 + 1;
    while (m_framesSent < due) {
        ++m_framesSent;
        deliver(nextFrame());
    }
}

ToneSource::ToneSource(double frequency, QObject *parent) : PacedSource(parent), m_frequency(frequency) {}

QString ToneSource::description() const { return tr("Test tone %1 Hz").arg(m_frequency); }

QByteArray ToneSource::nextFrame()
{
    QByteArray f(kFrameBytes, Qt::Uninitialized);
    const double step = 2 * std::numbers::pi * m_frequency / kSampleRate;
    for (int i = 0; i < kFrameSamples; ++i) {
        const auto v = qint16(std::lround(0.316 * 32767 * std::sin(m_phase)));
        qToLittleEndian(v, f.data() + 2 * i);
        m_phase += step;
    }
    m_phase = std::fmod(m_phase, 2 * std::numbers::pi);
    return f;
}

WavFileSource::WavFileSource(QString path, QObject *parent) : PacedSource(parent), m_path(std::move(path)) {}

QString WavFileSource::description() const { return tr("File %1").arg(m_path); }

QByteArray WavFileSource::loadWav(const QString &path, QString *error)
{
    // Only what OnAir can stream is accepted (server/audio/wavfile.h).
    WavAudio wav;
    QString detail;
    switch (readWavFile(path, &wav, &detail)) {
    case WavError::None:
        break;
    case WavError::CannotOpen:
        *error = tr("cannot open %1: %2").arg(path, detail);
        return {};
    case WavError::NotWav:
        *error = tr("%1 is not a WAV file").arg(path);
        return {};
    case WavError::Unsupported:
        *error = tr("%1: only 16-bit PCM mono or stereo WAV is supported").arg(path);
        return {};
    case WavError::NoAudio:
        *error = tr("%1 has no audio").arg(path);
        return {};
    }
    QByteArray data = monoS16(wav);
    // Any rate (espeak-ng writes 22050 Hz, phones 44100 Hz): resampled to the stream's 48000 Hz.
    if (wav.sampleRate != kSampleRate) {
        QString why;
        data = resampleMonoS16(data, wav.sampleRate, kSampleRate, &why);
        if (data.isEmpty()) {
            *error = tr("%1: cannot use its sample rate (%2)").arg(path, why);
            return {};
        }
    }
    return data;
}

bool WavFileSource::prepare()
{
    QString error;
    m_pcm = loadWav(m_path, &error);
    if (m_pcm.isEmpty()) {
        Q_EMIT failed(error);
        return false;
    }
    m_pos = 0;
    return true;
}

QByteArray WavFileSource::nextFrame()
{
    QByteArray f;
    f.reserve(kFrameBytes);
    while (f.size() < kFrameBytes) {
        const qsizetype take = qMin<qsizetype>(kFrameBytes - f.size(), m_pcm.size() - m_pos);
        f.append(m_pcm.constData() + m_pos, take);
        m_pos = (m_pos + take) % m_pcm.size(); // loop
    }
    return f;
}

MicSource::MicSource(QAudioDevice device, QObject *parent) : AudioFrameSource(parent), m_device(std::move(device)) {}

MicSource::~MicSource() { stop(); }

QString MicSource::description() const { return m_device.description(); }

bool MicSource::start()
{
    if (m_device.isNull()) {
        Q_EMIT failed(tr("No microphone found. Connect one, or use the test tone."));
        return false;
    }
    QAudioFormat format;
    format.setSampleRate(kSampleRate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    if (!m_device.isFormatSupported(format)) {
        Q_EMIT failed(tr("%1 cannot record 48 kHz mono 16-bit audio.").arg(m_device.description()));
        return false;
    }
    m_source = new QAudioSource(m_device, format, this);
    m_source->setBufferSize(kFrameBytes * 4);
    connect(m_source, &QAudioSource::stateChanged, this, [this](QAudio::State) {
        if (m_source && m_source->error() != QAudio::NoError && m_source->error() != QAudio::UnderrunError)
            Q_EMIT failed(tr("The microphone stopped (%1).").arg(m_device.description()));
    });
    m_io = m_source->start();
    if (!m_io) {
        Q_EMIT failed(tr("Could not open %1.").arg(m_device.description()));
        return false;
    }
    connect(m_io, &QIODevice::readyRead, this, &MicSource::readAvailable);
    return true;
}

void MicSource::stop()
{
    if (m_source) {
        m_source->stop();
        m_source->deleteLater();
        m_source = nullptr;
        m_io = nullptr;
    }
    m_pending.clear();
}

void MicSource::readAvailable()
{
    m_pending += m_io->readAll();
    while (m_pending.size() >= kFrameBytes) {
        deliver(m_pending.left(kFrameBytes));
        m_pending.remove(0, kFrameBytes);
    }
}

std::unique_ptr<AudioFrameSource> makeAudioSource(const QString &spec, QString *error)
{
    if (spec == QLatin1String("tone"))
        return std::make_unique<ToneSource>();
    if (spec.startsWith(QLatin1String("tone:"))) {
        bool ok = false;
        const double hz = spec.mid(5).toDouble(&ok);
        if (!ok || hz < 20 || hz > 20000) {
            *error = AudioFrameSource::tr("tone frequency must be 20-20000 Hz");
            return nullptr;
        }
        return std::make_unique<ToneSource>(hz);
    }
    if (spec.startsWith(QLatin1String("file:"))) {
        QString err;
        if (WavFileSource::loadWav(spec.mid(5), &err).isEmpty()) {
            *error = err;
            return nullptr;
        }
        return std::make_unique<WavFileSource>(spec.mid(5));
    }
    if (spec == QLatin1String("mic") || spec.startsWith(QLatin1String("mic:"))) {
        const QString name = spec.mid(4);
        if (name.isEmpty())
            return std::make_unique<MicSource>(QMediaDevices::defaultAudioInput());
        for (const QAudioDevice &d : QMediaDevices::audioInputs()) {
            if (d.description().contains(name, Qt::CaseInsensitive) || QString::fromUtf8(d.id()) == name)
                return std::make_unique<MicSource>(d);
        }
        *error = AudioFrameSource::tr("no input device matches '%1'").arg(name);
        return nullptr;
    }
    *error = AudioFrameSource::tr("unknown source '%1' (use mic, mic:NAME, tone, tone:HZ or file:PATH)").arg(spec);
    return nullptr;
}

} // namespace onair
