// The envelope of the messages between replicas (Redis pub/sub): decodeBusEnvelope, what
// RedisBus::onMessage reads first from every message another replica (or anything that can
// PUBLISH to this Redis) sends, then the JSON payloads it reads by kind: a stream's JSON
// (type / format), topics, banners, control (kick) and presence.
//
// Invariants: a decoded envelope encodes back to the exact input bytes; one that does not
// decode is too short for its header or of another version; an envelope built from any origin
// (≤ 255 bytes) and payload decodes to the same parts.
#include "fuzzcheck.h"

#include "cluster/busenvelope.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

using namespace onair;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<BusEnvelope> env = decodeBusEnvelope(raw);
    if (env) {
        FUZZ_CHECK(raw.size() >= 3 + env->origin.size() && env->origin.size() <= 255);
        FUZZ_CHECK(encodeBusEnvelope(env->kind, env->origin, env->payload) == raw);
        // The payload as onMessage reads it for every JSON kind.
        const QJsonObject o = QJsonDocument::fromJson(env->payload).object();
        (void)QString::fromUtf8(env->origin);
        (void)o.value(QLatin1String("type")).toString();
        (void)o.value(QLatin1String("format")).toObject();
        (void)o.value(QLatin1String("id")).toString().toULongLong();
        const QJsonObject streams = o.value(QLatin1String("streams")).toObject();
        for (auto it = streams.begin(); it != streams.end(); ++it) {
            const QJsonObject s = it.value().toObject();
            (void)s.value(QLatin1String("listeners")).toInt();
            (void)s.value(QLatin1String("speaker")).toBool();
        }
    } else {
        FUZZ_CHECK(raw.size() < 3 || raw.at(0) != kBusEnvelopeVersion || raw.size() < 3 + quint8(raw.at(2)));
    }

    // Built from parts: byte 0 = kind, byte 1 = origin length, then origin, then payload.
    if (size >= 2) {
        const qsizetype originLen = qMin<qsizetype>(data[1], qsizetype(size) - 2);
        const QByteArray origin = raw.mid(2, originLen);
        const QByteArray payload = raw.mid(2 + originLen);
        const std::optional<BusEnvelope> back = decodeBusEnvelope(encodeBusEnvelope(char(data[0]), origin, payload));
        FUZZ_CHECK(back && back->kind == char(data[0]) && back->origin == origin && back->payload == payload);
    }
    return 0;
}
