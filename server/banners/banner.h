#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace onair {

// A text banner (seed 002's "broadcast").
struct Banner
{
    QString id;          // UUID without braces
    QString message;
    QString type;        // info | warning | alert
    QString createdBy;
    QDateTime createdAt; // UTC
    bool active = false;
    QDateTime clearedAt;

    bool isValid() const { return !id.isEmpty(); }
    // The seed's wire form: id, message, message_type, created_by, created_at.
    QJsonObject toWire() const;
    // The REST form: the wire form plus type, active and cleared_at.
    QJsonObject toRest() const;
};

} // namespace onair
