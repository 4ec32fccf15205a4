#pragma once

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

// SqlStore's small helpers, shared by its translation units (sqlstore.cpp: banners, history;
// sqlrecordings.cpp: recordings). Times are stored as ISO 8601 UTC text with milliseconds.
namespace onair::sqlsupport {

inline QString iso(const QDateTime &t) { return t.toUTC().toString(Qt::ISODateWithMs); }
inline QDateTime fromIso(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromString(v.toString(), Qt::ISODateWithMs).toUTC();
}

inline bool exec(QSqlQuery &q, QSqlError *error)
{
    if (q.exec())
        return true;
    *error = q.lastError();
    return false;
}

inline bool exec(QSqlQuery &q, const QString &statement, QSqlError *error)
{
    if (q.exec(statement))
        return true;
    *error = q.lastError();
    return false;
}

inline bool prepare(QSqlQuery &q, const QString &statement, QSqlError *error)
{
    if (q.prepare(statement))
        return true;
    *error = q.lastError();
    return false;
}

inline QVariant isoOrNull(const QDateTime &t) { return t.isValid() ? QVariant(iso(t)) : QVariant(QMetaType::fromType<QString>()); }

} // namespace onair::sqlsupport
