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

// Latency marks: a speaker says "the next frame's first sample was captured at t (ms since
// the epoch)"; listeners get {"type":"mark","stream_id","id","t"} just before that frame.
constexpr int kMaxMarksPerSecond = 50;
QString validateMark(const QJsonObject &mark);
QJsonObject markMessage(const QString &streamId, const QJsonObject &mark);

} // namespace onair
