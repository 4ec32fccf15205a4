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
    // scheduled | active | cleared | expired | cancelled (schema 4; older rows: active/cleared)
    QString state;
    QDateTime startsAt;  // when it is (or was to be) shown; invalid: at creation
    QDateTime expiresAt; // when it is cleared by itself; invalid: never

    bool isValid() const { return !id.isEmpty(); }
    // The seed's wire form: id, message, message_type, created_by, created_at; plus
    // expires_at when the banner expires.
    QJsonObject toWire() const;
    // The REST form: the wire form plus type, active, cleared_at, state, starts_at, expires_at.
    QJsonObject toRest() const;
    // A banner from its REST form (the cluster bus carries that form).
    static Banner fromRest(const QJsonObject &o);
};

} // namespace onair
