#pragma once

#include <QJsonObject>
#include <QString>

namespace onair {

// The body of a banner's create request (POST /api/broadcasts {"message", "type"?}), checked
// without a request or a socket: a pure function, unit-tested and fuzzed (tests/fuzz/fuzz_rest.cpp).

constexpr int kBannerMaxCharacters = 280; // code points

// Returns the error code (empty when valid) and fills `message` with the reason; on success
// fills `text` and `type` (info when absent).
QString validateBannerBody(const QJsonObject &body, QString *text, QString *type, QString *message);

} // namespace onair
