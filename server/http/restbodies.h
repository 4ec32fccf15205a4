#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace onair {

// The bodies of the REST calls (a banner's: banners/bannerrequest.h), parsed without a request or a socket: pure functions, so they
// can be unit-tested and fuzzed (tests/fuzz/fuzz_rest.cpp). A refusal carries the HTTP
// status, the error code and message, and any extra fields of the JSON error body.
struct BodyRefusal
{
    int status = 400;
    QString code;
    QString message;
    QJsonObject extra;
};

// A JSON object body: 413 body_too_large over `maxBytes`, 415 unsupported_media_type unless the
// content type (lowercased) starts with application/json, 400 invalid_json.
std::optional<BodyRefusal> parseJsonObjectBody(const QByteArray &body, const QByteArray &contentType,
                                               qint64 maxBytes, QJsonObject *out);

// POST /api/connections/{id}/kick {"reason"?, "replica"?}: `reason` is left as it is unless the
// body names a non-empty one (at most 120 UTF-8 bytes: a close reason); `replica` ≤ 64 chars.
std::optional<BodyRefusal> parseKickBody(const QJsonObject &body, QString *reason, QString *replica);

// POST /api/publish {"topic", "data": {…}}: a valid topic name and an object.
std::optional<BodyRefusal> parsePublishBody(const QJsonObject &body, QString *topic, QJsonObject *data);

} // namespace onair
