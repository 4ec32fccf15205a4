#pragma once

#include <QJsonObject>
#include <QString>

namespace onair {

// Parsing and validation of the JSON a client may send. Pure functions: no sockets, so they
// can be unit-tested row by row and fuzzed.

struct ParsedMessage
{
    QJsonObject object;
    QString type;        // "ping" for the bare text "ping"
    QString errorCode;   // empty when valid: invalid_json | not_an_object | missing_type
    QString errorMessage;
};
ParsedMessage parseClientMessage(const QByteArray &utf8);

// Validates a speaker's declared audio format ("hello"). On success returns an empty string
// and fills `normalized` with the canonical form listeners receive.
QString validateAudioFormat(const QJsonValue &format, QJsonObject *normalized);

} // namespace onair
