#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace onair {

// The body of a banner's create request (POST /api/broadcasts {"message", "type"?, …}),
// checked without a request or a socket: pure functions, unit-tested and fuzzed
// (tests/fuzz/fuzz_rest.cpp).

constexpr int kBannerMaxCharacters = 280; // code points

// Returns the error code (empty when valid) and fills `message` with the reason; on success
// fills `text` and `type` (info when absent). Only "message" and "type" are looked at.
QString validateBannerBody(const QJsonObject &body, QString *text, QString *type, QString *message);

// The bounds of expires_in and starts_at (EngineConfig: --banner-min-expiry,
// --banner-max-expiry, --banner-max-schedule).
struct BannerLimits
{
    int minExpiryS = 10;
    int maxExpiryS = 86400;
    int maxScheduleAheadS = 7 * 86400;
};

// A whole create request.
struct BannerRequest
{
    QString message;
    QString type = QStringLiteral("info");
    int expiresInS = 0;  // 0: never
    QDateTime startsAt;  // invalid: now
};

// The fields POST /api/broadcasts accepts, in the order the error names them.
QStringList bannerRequestFields();

// The whole body: only the accepted fields (unknown_field), "type" or its alias
// "message_type" (conflicting_type when both differ), "expires_in" (null or integer seconds
// within the limits: invalid_expires_in) and "starts_at" (ISO 8601 with Z or an offset, after
// `now` and at most limits.maxScheduleAheadS later: invalid_starts_at), then the message and
// type rules of validateBannerBody. Returns the error code (empty when valid) and fills
// `message`; fills `out` only on success.
QString validateBannerRequest(const QJsonObject &body, const BannerLimits &limits, const QDateTime &now,
                              BannerRequest *out, QString *message);

} // namespace onair
