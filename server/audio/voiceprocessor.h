#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

namespace onair {

// What the voice processing does; each part can be switched on its own.
struct VoiceOptions
{
    bool highPass = true;         // removes rumble and DC below ~80 Hz
    bool noiseSuppression = true; // WebRTC NS, level high
    bool autoGain = true;         // WebRTC adaptive digital AGC (target -3 dBFS peak)
    bool limiter = true;          // WebRTC's limiter, then a final peak ceiling at -1 dBFS

    bool any() const { return highPass || noiseSuppression || autoGain || limiter; }
    static VoiceOptions off() { return {false, false, false, false}; }
    bool operator==(const VoiceOptions &) const = default;
};

// What one call of VoiceProcessor::process did, for the meter.
struct VoiceBlockReport
{
    double gainReductionDb = 0; // >= 0: how much the AGC and the limiters took off the peaks
    bool inputClipped = false;  // a sample of the input within 0.1 dB of full scale
    double ceilingDb = 0;       // >= 0: the final -1 dBFS limiter's share (what WebRTC left over)
};

// Speech processing for a microphone: WebRTC's audio processing module (0.3: high-pass,
// noise suppression, automatic gain control with its limiter) on 10 ms frames of 48 kHz mono
// s16le, then a peak limiter that keeps every sample at or below -1 dBFS. Pure DSP, no Qt
// Multimedia; not thread-safe (one audio thread owns it).
//
// Any chunk size is accepted and as many samples are returned as were given. Chunks of whole
// 10 ms frames (the desktop's 20 ms frames) add no buffering delay; the first chunk that is
// not a whole number of frames adds one frame (10 ms) of delay, once, for the rest of the
// stream (latencySamples()). With every option off the samples pass through bit for bit.
class VoiceProcessor final
{
public:
    static constexpr int kSampleRate = 48000;
    static constexpr int kFrameSamples = kSampleRate / 100; // WebRTC works on 10 ms
    static constexpr double kCeilingDbfs = -1.0;

    explicit VoiceProcessor(const VoiceOptions &options = {});
    ~VoiceProcessor();
    Q_DISABLE_COPY_MOVE(VoiceProcessor)

    // False when the WebRTC module could not be made (error() says why); process() then
    // passes the audio through unprocessed.
    bool isValid() const;
    QString error() const;

    // Takes effect from the next 10 ms frame; the module keeps its state.
    void setOptions(const VoiceOptions &options);
    VoiceOptions options() const;

    QByteArray process(const QByteArray &s16le, VoiceBlockReport *report = nullptr);
    // Buffering delay in samples (0 or kFrameSamples), not counting WebRTC's own filters.
    int latencySamples() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace onair
