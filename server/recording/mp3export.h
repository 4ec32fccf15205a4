#pragma once

#include <QString>

namespace onair {

// A recording as MP3, for browsers that cannot play Ogg Opus (GET /api/recordings/{id}.mp3):
// reads the Ogg Opus file with libogg (the first logical stream; OpusHead's pre-skip dropped,
// the last page's granule position trimming the end), decodes it with libopus at 48 kHz mono
// (a stereo recording is downmixed) and encodes constant bit rate MP3 with LAME (Mp3Encoder).
// Writes `mp3Path` + ".part" and renames it to `mp3Path` once complete, so a reader never sees
// half a file. `kbps`: an MPEG-1 Layer III bit rate (isValidMp3Bitrate). false with `error`
// (and no file left behind) when the input is not Ogg Opus, is corrupt, holds no audio, or the
// output cannot be written. Runs as long as the file takes to decode: not on an event loop.
bool exportOggOpusToMp3(const QString &oggPath, const QString &mp3Path, int kbps, QString *error);

} // namespace onair
