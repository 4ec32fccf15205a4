#pragma once

#include <QByteArray>

#include <optional>

namespace onair {

// The envelope of every message between replicas (docs/protocol.md, "Between replicas"):
// byte 0 = version (1), byte 1 = kind, byte 2 = length n of the origin replica id, n bytes of
// id, then the payload. Pure functions, so the decoder can be unit-tested and fuzzed.
constexpr char kBusEnvelopeVersion = 1;

struct BusEnvelope
{
    char kind = 0;
    QByteArray origin; // UTF-8 replica id, at most 255 bytes
    QByteArray payload;
};

// `origin` longer than 255 bytes is cut to 255 (replica ids are at most 64 characters).
QByteArray encodeBusEnvelope(char kind, const QByteArray &origin, const QByteArray &payload);
// nullopt for a message too short for its header or of another version.
std::optional<BusEnvelope> decodeBusEnvelope(const QByteArray &message);

} // namespace onair
