#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>

#include "audio/opuscodec.h"

#include <atomic>
#include <memory>

class QAudioSink;
class QIODevice;
class QTimer;

namespace onair {

class Engine;
class StreamFeed;

// Local monitoring: one stream's payloads (a StreamFeed: a tap on the hub, not a listener)
// played through QAudioSink (48 kHz mono): PCM as is, Opus decoded with libopus. Lives on the
// audio thread.
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
    void onPayload(bool audio, const QByteArray &payload);
    void refresh();
    void stopSink();
    void setFormat(const QJsonObject &format);
    void output(const QByteArray &pcm);

    Engine *m_engine;
    std::unique_ptr<StreamFeed> m_feed;
    QTimer *m_refresh = nullptr; // follows the stream when the hub makes it anew
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
