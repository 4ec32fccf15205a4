#include "cluster/busenvelope.h"

namespace onair {

QByteArray encodeBusEnvelope(char kind, const QByteArray &origin, const QByteArray &payload)
{
    const QByteArray id = origin.left(255);
    QByteArray out;
    out.reserve(3 + id.size() + payload.size());
    out.append(kBusEnvelopeVersion);
    out.append(kind);
    out.append(char(quint8(id.size())));
    out.append(id);
    out.append(payload);
    return out;
}

std::optional<BusEnvelope> decodeBusEnvelope(const QByteArray &message)
{
    if (message.size() < 3 || message.at(0) != kBusEnvelopeVersion)
        return std::nullopt;
    const int originLen = quint8(message.at(2));
    if (message.size() < 3 + originLen)
        return std::nullopt;
    return BusEnvelope{message.at(1), message.mid(3, originLen), message.mid(3 + originLen)};
}

} // namespace onair
