#pragma once

#include <QByteArray>
#include <QString>

namespace onair {

// A RIFF/WAVE file's audio: 16-bit PCM (format 1, or WAVE_FORMAT_EXTENSIBLE), mono or stereo,
// interleaved s16le as stored. The one WAV reader of the desktop, the tests and the benches.
struct WavAudio
{
    int sampleRate = 0;
    int channels = 0;
    QByteArray pcm;
};

enum class WavError { None, CannotOpen, NotWav, Unsupported, NoAudio };

// Parses a whole file's bytes. Anything but WavError::None leaves `out` unspecified.
WavError parseWav(const QByteArray &bytes, WavAudio *out);
// Reads and parses a file; `detail` (optional) gets the reason a file cannot be opened.
WavError readWavFile(const QString &path, WavAudio *out, QString *detail = nullptr);
// The audio mixed down to one channel (as is when it is mono).
QByteArray monoS16(const WavAudio &wav);

} // namespace onair
