#pragma once

#include <QByteArray>
#include <QObject>

#include <atomic>

class QAudioSink;
class QIODevice;

namespace onair {

class Engine;

// Local monitoring: an in-process listener of one stream played through QAudioSink
// (PCM 48 kHz mono s16le). Lives on the audio thread.
class Monitor final : public QObject
{
    Q_OBJECT
public:
    explicit Monitor(Engine *engine, QObject *parent = nullptr);
    ~Monitor() override;
    void setStream(const QString &stream); // empty: stop
    void setVolume(double volume);         // 0..1
    qint64 framesPlayed() const { return m_frames.load(); } // thread-safe

Q_SIGNALS:
    void failed(const QString &message);

private:
    void play(const QByteArray &frames);
    void stopSink();

    Engine *m_engine;
    quint64 m_listener = 0;
    QAudioSink *m_sink = nullptr;
    QIODevice *m_io = nullptr;
    double m_volume = 0.8;
    std::atomic<qint64> m_frames{0};
};

} // namespace onair
