#include "audio/voiceprocessor.h"

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace onair {

namespace {

// A sample within 0.1 dB of full scale counts as clipped (a clipped microphone sits there).
constexpr int kClipThreshold = 32393;
// -1 dBFS: the final ceiling no sample passes.
const double kCeiling = 32768.0 * std::pow(10.0, VoiceProcessor::kCeilingDbfs / 20.0);
// The final limiter's gain recovers with a 50 ms time constant after a peak.
const double kRelease = 1.0 - std::exp(-1.0 / (0.050 * VoiceProcessor::kSampleRate));

double toDb(double linear)
{
    return linear <= 0 ? -120.0 : std::max(-120.0, 20.0 * std::log10(linear));
}

int peakOf(const int16_t *s, size_t n)
{
    int peak = 0;
    for (size_t i = 0; i < n; ++i)
        peak = std::max(peak, std::abs(int(s[i])));
    return peak;
}

} // namespace

struct VoiceProcessor::Impl
{
    std::unique_ptr<webrtc::AudioProcessing> apm;
    QString error;
    VoiceOptions options;
    std::vector<int16_t> in;  // input not yet a whole frame
    std::vector<int16_t> out; // processed, not yet returned
    int latency = 0;
    double limiterGain = 1.0;
    webrtc::AudioFrame frame;

    void configure();
    // One 10 ms frame in place; returns the final limiter's largest gain reduction (linear, <= 1).
    double processFrame(int16_t *samples);
    double ceiling(int16_t *samples, size_t n);
};

void VoiceProcessor::Impl::configure()
{
    if (!apm)
        return;
    apm->high_pass_filter()->Enable(options.highPass);
    apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kHigh);
    apm->noise_suppression()->Enable(options.noiseSuppression);
    webrtc::GainControl *gc = apm->gain_control();
    if (options.autoGain) {
        // Speech brought to peaks around -3 dBFS, up to 9 dB of compression gain.
        gc->set_mode(webrtc::GainControl::kAdaptiveDigital);
        gc->set_target_level_dbfs(3);
        gc->set_compression_gain_db(9);
        gc->enable_limiter(options.limiter);
        gc->Enable(true);
    } else if (options.limiter) {
        // The limiter alone: the fixed digital stage without gain, limiting at -1 dBFS.
        gc->set_mode(webrtc::GainControl::kFixedDigital);
        gc->set_target_level_dbfs(1);
        gc->set_compression_gain_db(0);
        gc->enable_limiter(true);
        gc->Enable(true);
    } else {
        gc->Enable(false);
    }
}

double VoiceProcessor::Impl::processFrame(int16_t *samples)
{
    if (!options.any() || !apm)
        return 1.0;
    frame.UpdateFrame(0, 0, samples, kFrameSamples, kSampleRate, webrtc::AudioFrame::kNormalSpeech,
                      webrtc::AudioFrame::kVadUnknown, 1);
    if (const int rc = apm->ProcessStream(&frame); rc != webrtc::AudioProcessing::kNoError) {
        if (error.isEmpty())
            error = QStringLiteral("WebRTC ProcessStream failed (%1)").arg(rc);
        return 1.0; // this frame unprocessed
    }
    std::copy_n(frame.data_, kFrameSamples, samples);
    return options.limiter ? ceiling(samples, kFrameSamples) : 1.0;
}

// WebRTC's limiter aims at its target but does not promise every sample stays under it; this
// one does: the gain drops at once to what the sample needs and recovers slowly.
double VoiceProcessor::Impl::ceiling(int16_t *samples, size_t n)
{
    double lowest = 1.0;
    for (size_t i = 0; i < n; ++i) {
        const double x = samples[i];
        const double need = std::abs(x) > kCeiling ? kCeiling / std::abs(x) : 1.0;
        limiterGain = need < limiterGain ? need : limiterGain + (1.0 - limiterGain) * kRelease;
        limiterGain = std::min(limiterGain, need);
        lowest = std::min(lowest, limiterGain);
        const double y = std::clamp(x * limiterGain, -std::floor(kCeiling), std::floor(kCeiling));
        samples[i] = int16_t(std::lround(y));
    }
    return lowest;
}

VoiceProcessor::VoiceProcessor(const VoiceOptions &options) : d(std::make_unique<Impl>())
{
    d->options = options;
    webrtc::Config config;
    // The "experimental" AGC steers an analog microphone volume; we have only the digital one.
    config.Set<webrtc::ExperimentalAgc>(new webrtc::ExperimentalAgc(false));
    d->apm.reset(webrtc::AudioProcessing::Create(config));
    if (!d->apm)
        d->error = QStringLiteral("the WebRTC audio processing module could not be created");
    d->configure();
}

VoiceProcessor::~VoiceProcessor() = default;

bool VoiceProcessor::isValid() const { return d->apm != nullptr; }

QString VoiceProcessor::error() const { return d->error; }

void VoiceProcessor::setOptions(const VoiceOptions &options)
{
    if (options == d->options)
        return;
    d->options = options;
    d->configure();
}

VoiceOptions VoiceProcessor::options() const { return d->options; }

int VoiceProcessor::latencySamples() const { return d->latency; }

QByteArray VoiceProcessor::process(const QByteArray &s16le, VoiceBlockReport *report)
{
    const size_t n = size_t(s16le.size() / 2);
    const size_t start = d->in.size();
    d->in.resize(start + n);
    qFromLittleEndian<int16_t>(s16le.constData(), qsizetype(n), d->in.data() + start);
    const int inPeak = peakOf(d->in.data() + start, n);

    double lowestGain = 1.0;
    size_t pos = 0;
    for (; pos + kFrameSamples <= d->in.size(); pos += kFrameSamples) {
        lowestGain = std::min(lowestGain, d->processFrame(d->in.data() + pos));
        d->out.insert(d->out.end(), d->in.begin() + qsizetype(pos), d->in.begin() + qsizetype(pos + kFrameSamples));
    }
    d->in.erase(d->in.begin(), d->in.begin() + qsizetype(pos));
    if (d->out.size() < n) {
        // A chunk that is not whole frames: from now on one frame of delay, so there is always enough.
        d->out.insert(d->out.begin(), size_t(kFrameSamples - d->latency), int16_t(0));
        d->latency = kFrameSamples;
    }
    QByteArray result(qsizetype(n * 2), Qt::Uninitialized);
    qToLittleEndian<int16_t>(d->out.data(), qsizetype(n), result.data());
    const int outPeak = peakOf(d->out.data(), n);
    d->out.erase(d->out.begin(), d->out.begin() + qsizetype(n));

    if (report) {
        report->inputClipped = inPeak >= kClipThreshold;
        // The AGC's and WebRTC limiter's share, seen on the peaks. Only input peaking above
        // -6 dBFS counts: below that the AGC (target -3 dBFS) boosts rather than reduces, and a
        // drop there is the noise suppressor's work, not gain reduction.
        report->ceilingDb = -toDb(lowestGain);
        double gr = report->ceilingDb;
        const double inDb = toDb(inPeak / 32768.0);
        if (d->options.any() && inDb > -6)
            gr = std::max(gr, inDb - toDb(outPeak / 32768.0));
        report->gainReductionDb = std::max(0.0, gr);
    }
    return result;
}

} // namespace onair
