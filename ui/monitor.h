#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>

#include "audio/opuscodec.h"

#include <atomic>

class QAudioSink;
class QIODevice;

namespace onair {

class Engine;

// Local monitoring: an in-process listener of one stream played through QAudioSink
// (48 kHz mono): PCM as is, Opus decoded with libopus. Lives on the audio thread.
class Monitor final : public QObject
{
    Q_OBJECT
public:
    explicit Monitor(Engine *engine, QObject *parent = nullptr);
    ~Monitor() override;
    void setStream(const QString &stream); // empty: stop
    void setVolume(double volume);         // 0..1
    qint64 framesPlayed() const { return m_frames.load(); } // thread-safe
    qint64 pcmBytesOut() const { return m_pcmBytes.load(); } // decoded audio, thread-safe
    double lastPeakDb() const { return m_lastPeakDb.load(); }

Q_SIGNALS:
    void failed(const QString &message);

private:
    void play(const QByteArray &frames);
    void stopSink();
    void setFormat(const QJsonObject &format);
    void output(const QByteArray &pcm);

    Engine *m_engine;
    quint64 m_listener = 0;
    QAudioSink *m_sink = nullptr;
    QIODevice *m_io = nullptr;
    double m_volume = 0.8;
    bool m_opus = false;
    bool m_playable = true; // PCM 48 kHz mono s16le, or Opus
    OpusFrameDecoder m_decoder;
    std::atomic<qint64> m_frames{0};
    std::atomic<qint64> m_pcmBytes{0};
    std::atomic<double> m_lastPeakDb{-120};
};

} // namespace onair
