#pragma once

#include <QAudioDevice>
#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QTimer>

#include <memory>

class QAudioSource;
class QIODevice;

namespace onair {

// 48 kHz mono s16le, 20 ms per frame: what every source delivers to the engine.
constexpr int kSampleRate = 48000;
constexpr int kFrameSamples = kSampleRate / 50;
constexpr int kFrameBytes = kFrameSamples * 2;

// Something that produces audio frames: a microphone, a test tone, a WAV file.
class AudioFrameSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual QString description() const = 0;
    virtual bool start() = 0;
    virtual void stop() = 0;
    void setMuted(bool muted) { m_muted = muted; }
    bool isMuted() const { return m_muted; }

Q_SIGNALS:
    void frame(const QByteArray &s16le); // kFrameBytes, silence while muted
    void failed(const QString &message);

protected:
    void deliver(QByteArray frame);

private:
    bool m_muted = false;
};

// A source that makes its own frames, paced by a timer against a monotonic clock: timers
// drift, the clock does not, so it emits as many 20 ms frames as are due.
class PacedSource : public AudioFrameSource
{
    Q_OBJECT
public:
    explicit PacedSource(QObject *parent = nullptr);
    bool start() override;
    void stop() override;

protected:
    virtual bool prepare() { return true; }
    virtual QByteArray nextFrame() = 0;

private:
    void tick();
    qint64 m_framesSent = 0;
    QTimer m_timer;
    QElapsedTimer m_clock;
};

// A sine tone (440 Hz at -10 dBFS by default).
class ToneSource final : public PacedSource
{
    Q_OBJECT
public:
    explicit ToneSource(double frequency = 440, QObject *parent = nullptr);
    QString description() const override;

protected:
    QByteArray nextFrame() override;

private:
    double m_frequency;
    double m_phase = 0;
};

// A 16-bit PCM WAV file at 48 kHz (mono, or stereo mixed down), played in a loop.
class WavFileSource final : public PacedSource
{
    Q_OBJECT
public:
    explicit WavFileSource(QString path, QObject *parent = nullptr);
    QString description() const override;
    // Reads the PCM data of a WAV file as 48 kHz mono s16le; empty with `error` on failure.
    static QByteArray loadWav(const QString &path, QString *error);

protected:
    bool prepare() override;
    QByteArray nextFrame() override;

private:
    QString m_path;
    QByteArray m_pcm;
    qsizetype m_pos = 0;
};

// The microphone through QAudioSource, cut into 20 ms frames.
class MicSource final : public AudioFrameSource
{
    Q_OBJECT
public:
    explicit MicSource(QAudioDevice device, QObject *parent = nullptr);
    ~MicSource() override;
    QString description() const override;
    bool start() override;
    void stop() override;

private:
    void readAvailable();
    QAudioDevice m_device;
    QAudioSource *m_source = nullptr;
    QIODevice *m_io = nullptr;
    QByteArray m_pending;
};

// "tone", "tone:880", "file:PATH", "mic" (default input) or "mic:NAME" (a device whose
// description contains NAME). nullptr with `error` when the spec or device is unusable.
std::unique_ptr<AudioFrameSource> makeAudioSource(const QString &spec, QString *error);

} // namespace onair
