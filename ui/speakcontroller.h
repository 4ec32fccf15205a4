#pragma once

#include "audiosource.h"
#include "audio/opuscodec.h"

#include <QElapsedTimer>

#include <atomic>
#include <QObject>

#include <memory>
#include <optional>

namespace onair {

class Engine;

// How the desktop speaker sends audio: Opus (default 32 kb/s, 20 ms, in-band FEC) or PCM.
struct AudioEncoding
{
    QString codec = QStringLiteral("opus"); // "opus" | "pcm"
    int bitrate = 32000;
    double frameMs = 20;                     // Opus: 10 or 20

    // From QSettings ("audio/…"), defaults where unset.
    static AudioEncoding load();
    void save() const;
    // "" when valid, else what is wrong (for command-line flags).
    QString validate() const;
};

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
    // Used from the next goOnAir on; without it the saved settings are read at each start.
    void setEncoding(const AudioEncoding &encoding);
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
    std::optional<AudioEncoding> m_encodingOverride;
    OpusFrameEncoder m_encoder;
    bool m_opus = false;
    qint64 m_markId = 0;
    QElapsedTimer m_markClock;
};

} // namespace onair
