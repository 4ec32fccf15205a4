#pragma once

#include "audiosource.h"

#include <QElapsedTimer>

#include <atomic>
#include <QObject>

#include <memory>

namespace onair {

class Engine;

// Going on air from this machine: an audio source feeding the engine in-process (no network
// hop), with input levels for the meter. Lives on the audio thread, away from the window.
class SpeakController final : public QObject
{
    Q_OBJECT
public:
    explicit SpeakController(Engine *engine, QObject *parent = nullptr);
    ~SpeakController() override;

    // Thread-safe entry points (queued to the audio thread).
    void goOnAir(const QString &sourceSpec, const QString &stream);
    void goOffAir();
    void setMuted(bool muted);
    qint64 framesSent() const { return m_frames.load(); }

Q_SIGNALS:
    void onAirChanged(bool onAir, const QString &stream);
    void level(double peakDb, double rmsDb);
    void failed(const QString &message);

private:
    void start(const QString &sourceSpec, const QString &stream);
    void stop();
    void onFrame(const QByteArray &frame);

    Engine *m_engine;
    std::unique_ptr<AudioFrameSource> m_source;
    QString m_stream;
    bool m_muted = false;
    std::atomic<qint64> m_frames{0};
    QElapsedTimer m_levelClock;
};

} // namespace onair
