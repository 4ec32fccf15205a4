// SqlStore's recordings (RecordingStore): the rows the archive lists, and the cluster's wish list;
// and the declared language channels (ChannelStore), kept the same way.
#include "store/sqlstore.h"
#include "store/sqlsupport.h"

namespace onair {

using namespace sqlsupport;

namespace {
const char *kRecordingColumns = "id, stream, replica, started_at, ended_at, duration_ms, bytes, state, reason, path";

RecordingInfo readRecording(const QSqlQuery &q)
{
    RecordingInfo r;
    r.id = q.value(0).toString();
    r.stream = q.value(1).toString();
    r.replica = q.value(2).toString();
    r.start = fromIso(q.value(3));
    r.end = fromIso(q.value(4));
    r.durationMs = q.value(5).toLongLong();
    r.bytes = q.value(6).toLongLong();
    r.state = q.value(7).toString();
    r.reason = q.value(8).toString();
    r.path = q.value(9).toString();
    return r;
}

QVariant textOrNull(const QString &s) { return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s); }
} // namespace

bool SqlStore::insertRecording(const RecordingInfo &r, QString *error)
{
    const auto body = [&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("INSERT INTO recordings (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                            .arg(QLatin1String(kRecordingColumns)), e))
            return false;
        q.addBindValue(r.id);
        q.addBindValue(r.stream);
        q.addBindValue(r.replica);
        q.addBindValue(iso(r.start));
        q.addBindValue(isoOrNull(r.end));
        q.addBindValue(r.durationMs);
        q.addBindValue(r.bytes);
        q.addBindValue(r.state);
        q.addBindValue(textOrNull(r.reason));
        q.addBindValue(r.path);
        return exec(q, e);
    };
    const auto stored = [&](QSqlQuery &q) {
        q.prepare(QStringLiteral("SELECT 1 FROM recordings WHERE id = ?"));
        q.addBindValue(r.id);
        return q.exec() && q.next();
    };
    return write(body, error, stored);
}

bool SqlStore::updateRecording(const RecordingInfo &r, QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("UPDATE recordings SET ended_at = ?, duration_ms = ?, bytes = ?, state = ?, "
                                       "reason = ? WHERE id = ?"), e))
            return false;
        q.addBindValue(isoOrNull(r.end));
        q.addBindValue(r.durationMs);
        q.addBindValue(r.bytes);
        q.addBindValue(r.state);
        q.addBindValue(textOrNull(r.reason));
        q.addBindValue(r.id);
        return exec(q, e);
    }, error);
}

std::optional<RecordingInfo> SqlStore::recording(const QString &id, QString *error)
{
    std::optional<RecordingInfo> out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("SELECT %1 FROM recordings WHERE id = ?").arg(QLatin1String(kRecordingColumns)), e))
            return false;
        q.addBindValue(id);
        if (!exec(q, e))
            return false;
        out.reset();
        if (q.next())
            out = readRecording(q);
        return true;
    }, error);
    if (ok && !out)
        out = RecordingInfo{}; // none: an empty id
    return ok ? out : std::nullopt;
}

std::optional<QList<RecordingInfo>> SqlStore::recordings(const RecordingFilter &filter, QString *error)
{
    QList<RecordingInfo> out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        QString where = QStringLiteral(" WHERE 1 = 1");
        if (!filter.stream.isEmpty())
            where += QStringLiteral(" AND stream = ?");
        if (filter.from.isValid())
            where += QStringLiteral(" AND (ended_at IS NULL OR ended_at >= ?)");
        if (filter.to.isValid())
            where += QStringLiteral(" AND started_at < ?");
        if (!prepare(q, QStringLiteral("SELECT %1 FROM recordings%2 ORDER BY started_at DESC, id DESC LIMIT ?")
                            .arg(QLatin1String(kRecordingColumns), where), e))
            return false;
        if (!filter.stream.isEmpty())
            q.addBindValue(filter.stream);
        if (filter.from.isValid())
            q.addBindValue(iso(filter.from));
        if (filter.to.isValid())
            q.addBindValue(iso(filter.to));
        q.addBindValue(filter.limit);
        if (!exec(q, e))
            return false;
        out.clear();
        while (q.next())
            out.append(readRecording(q));
        return true;
    }, error);
    return ok ? std::optional<QList<RecordingInfo>>(out) : std::nullopt;
}

bool SqlStore::deleteRecording(const QString &id, QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("DELETE FROM recordings WHERE id = ?"), e))
            return false;
        q.addBindValue(id);
        return exec(q, e);
    }, error);
}

bool SqlStore::setRecordingWanted(const QString &stream, bool wanted, QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) {
        if (wanted) {
            if (!prepare(q, QStringLiteral("INSERT INTO recording_wishes (stream, since) VALUES (?, ?) "
                                           "ON CONFLICT DO NOTHING"), e))
                return false;
            q.addBindValue(stream);
            q.addBindValue(iso(QDateTime::currentDateTimeUtc()));
        } else {
            if (!prepare(q, QStringLiteral("DELETE FROM recording_wishes WHERE stream = ?"), e))
                return false;
            q.addBindValue(stream);
        }
        return exec(q, e);
    }, error);
}

std::optional<QStringList> SqlStore::recordingsWanted(QString *error)
{
    QStringList out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!exec(q, QStringLiteral("SELECT stream FROM recording_wishes ORDER BY stream"), e))
            return false;
        out.clear();
        while (q.next())
            out.append(q.value(0).toString());
        return true;
    }, error);
    return ok ? std::optional<QStringList>(out) : std::nullopt;
}

bool SqlStore::setChannelFallback(const QString &channel, const QString &fallback, QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("INSERT INTO language_channels (channel, fallback, since) VALUES (?, ?, ?) "
                                       "ON CONFLICT (channel) DO UPDATE SET fallback = excluded.fallback"), e))
            return false;
        q.addBindValue(channel);
        q.addBindValue(fallback);
        q.addBindValue(iso(QDateTime::currentDateTimeUtc()));
        return exec(q, e);
    }, error);
}

bool SqlStore::forgetChannel(const QString &channel, QString *error)
{
    return write([&](QSqlQuery &q, QSqlError *e) {
        if (!prepare(q, QStringLiteral("DELETE FROM language_channels WHERE channel = ?"), e))
            return false;
        q.addBindValue(channel);
        return exec(q, e);
    }, error);
}

std::optional<QHash<QString, QString>> SqlStore::channelFallbacks(QString *error)
{
    QHash<QString, QString> out;
    const bool ok = read([&](QSqlQuery &q, QSqlError *e) {
        if (!exec(q, QStringLiteral("SELECT channel, fallback FROM language_channels"), e))
            return false;
        out.clear();
        while (q.next())
            out.insert(q.value(0).toString(), q.value(1).toString());
        return true;
    }, error);
    return ok ? std::optional<QHash<QString, QString>>(out) : std::nullopt;
}

} // namespace onair
