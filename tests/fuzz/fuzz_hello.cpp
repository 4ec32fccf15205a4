// The speaker's `hello`: validateAudioFormat on the "format" value. The input is the JSON text
// of that value, framed as {"type":"hello","format":<input>} the way a speaker sends it, so
// the fuzzer spends its time inside the format rather than on the envelope.
//
// Invariants on an accepted format: the canonical form names a known codec, a sample rate
// allowed for that codec, 1 or 2 channels, an allowed frame duration, the codec's own fields
// only (sample_format for PCM; bitrate 6000–510000 and boolean fec for Opus), every value given
// in the input carried over unchanged, and validating the canonical form again yields itself.
#include "fuzzcheck.h"

#include "protocol/controlmessages.h"

#include <QJsonDocument>

#include <algorithm>
#include <cstddef>
#include <cstdint>

using namespace onair;

namespace {
bool oneOf(double v, std::initializer_list<double> set)
{
    return std::find(set.begin(), set.end(), v) != set.end();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray value(reinterpret_cast<const char *>(data), qsizetype(size));
    const ParsedMessage m = parseClientMessage(QByteArrayLiteral("{\"type\":\"hello\",\"format\":") + value + '}');
    if (!m.errorCode.isEmpty() || m.type != QLatin1String("hello"))
        return 0;
    const QJsonValue in = m.object.value(QLatin1String("format"));
    QJsonObject f;
    const QString err = validateAudioFormat(in, &f);
    if (!err.isEmpty()) {
        FUZZ_CHECK(f.isEmpty());
        return 0;
    }
    FUZZ_CHECK(in.isObject());
    const QJsonObject src = in.toObject();
    const QString codec = f.value(QLatin1String("codec")).toString();
    const bool opus = codec == QLatin1String("opus");
    FUZZ_CHECK(opus || codec == QLatin1String("pcm"));
    FUZZ_CHECK(src.value(QLatin1String("codec")).toString() == codec);

    const double rate = f.value(QLatin1String("sample_rate")).toDouble();
    FUZZ_CHECK(opus ? oneOf(rate, {8000, 12000, 16000, 24000, 48000})
                    : oneOf(rate, {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 96000}));
    FUZZ_CHECK(oneOf(f.value(QLatin1String("channels")).toDouble(), {1, 2}));
    FUZZ_CHECK(oneOf(f.value(QLatin1String("frame_ms")).toDouble(), {2.5, 5, 10, 20, 40, 60}));
    for (const char *key : {"sample_rate", "channels", "frame_ms"}) {
        const QJsonValue given = src.value(QLatin1String(key));
        if (!given.isUndefined())
            FUZZ_CHECK(given.toDouble() == f.value(QLatin1String(key)).toDouble());
    }
    if (opus) {
        FUZZ_CHECK(!f.contains(QLatin1String("sample_format")));
        if (f.contains(QLatin1String("bitrate"))) {
            const double br = f.value(QLatin1String("bitrate")).toDouble();
            FUZZ_CHECK(br >= 6000 && br <= 510000 && br == src.value(QLatin1String("bitrate")).toDouble());
        } else {
            FUZZ_CHECK(!src.contains(QLatin1String("bitrate")));
        }
        if (f.contains(QLatin1String("fec")))
            FUZZ_CHECK(src.value(QLatin1String("fec")).isBool() && f.value(QLatin1String("fec")) == src.value(QLatin1String("fec")));
        FUZZ_CHECK(f.size() <= 6);
    } else {
        const QString sf = f.value(QLatin1String("sample_format")).toString();
        FUZZ_CHECK(sf == QLatin1String("s16le") || sf == QLatin1String("f32le"));
        FUZZ_CHECK(!f.contains(QLatin1String("bitrate")) && !f.contains(QLatin1String("fec")));
        FUZZ_CHECK(f.size() == 5);
    }
    // Canonical: validating the normalised form again yields itself, also after the JSON trip
    // to the listeners ({"type":"format","format":…}).
    QJsonObject again;
    FUZZ_CHECK(validateAudioFormat(f, &again).isEmpty() && again == f);
    const QJsonObject wire = QJsonDocument::fromJson(QJsonDocument(f).toJson(QJsonDocument::Compact)).object();
    FUZZ_CHECK(validateAudioFormat(wire, &again).isEmpty() && again == f);
    return 0;
}
