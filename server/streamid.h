#pragma once

#include <QString>

namespace onair {

// Stream ids are 1–64 characters of [A-Za-z0-9._-]. Returns an empty string when valid,
// else a human-readable reason.
QString streamIdError(QStringView id);
inline bool isValidStreamId(QStringView id) { return streamIdError(id).isEmpty(); }

} // namespace onair
