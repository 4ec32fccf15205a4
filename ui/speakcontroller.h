#pragma once

#include "audiosource.h"
#include "audio/opuscodec.h"
#include "audio/voiceprocessor.h"

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

// Which sources get the voice processing (--voice-processing): microphones (the default),
// every source (the tone and files too), or none.
enum class VoiceMode { Microphones, All, Off };
// "mic", "all", "off"; false for anything else.
bool parseVoiceMode(const QString &text, VoiceMode *mode);

// The voice processing's four switches in QSettings ("voice/…"), each on unless saved off.
VoiceOptions loadVoiceOptions();
void saveVoiceOptions(const VoiceOptions &options);

// Going on air from this machine: an audio source feeding the engine in-process (no network
// hop), through the voice processing (microphones: high-pass, noise suppression, automatic
// gain, limiter; server/audio/voiceprocessor.h), with the levels after it for the meter. Lives on the audio thread, away from the window.
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
    // Applied at once, also while on air.
    void setVoiceOptions(const VoiceOptions &options);
    void setVoiceMode(VoiceMode mode);
    qint64 framesSent() const { return m_frames.load(); }

Q_SIGNALS:
    void onAirChanged(bool onAir, const QString &stream);
    void level(double peakDb, double rmsDb); // of what goes on air, after the processing
    // With each level: the processing's largest gain reduction (dB) and whether the input
    // clipped since the previous one.
    void dynamics(double gainReductionDb, bool inputClipped);
    void failed(const QString &message);

private:
    void start(const QString &sourceSpec, const QString &stream);
    void stop();
    void onFrame(const QByteArray &input);
    void applyVoiceOptions();

    Engine *m_engine;
    std::unique_ptr<AudioFrameSource> m_source;
    QString m_stream;
    bool m_muted = false;
    std::atomic<qint64> m_frames{0};
    QElapsedTimer m_levelClock;
    std::unique_ptr<VoiceProcessor> m_voice; // a fresh one for each time on air
    VoiceOptions m_voiceOptions = loadVoiceOptions();
    VoiceMode m_voiceMode = VoiceMode::Microphones;
    bool m_microphone = false;
    double m_gainReduction = 0; // the largest since the last level
    bool m_clipped = false;     // since the last level
    std::optional<AudioEncoding> m_encodingOverride;
    OpusFrameEncoder m_encoder;
    bool m_opus = false;
    qint64 m_markId = 0;
    QElapsedTimer m_markClock;
};

} // namespace onair
