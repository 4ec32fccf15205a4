#include "recording/recordinginfo.h"

namespace onair {

namespace {
QJsonValue isoOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}
} // namespace

QString RecordingInfo::timelinePath() const
{
    QString p = path;
    if (p.endsWith(QLatin1String(".ogg")))
        p.chop(4);
    return p + QStringLiteral(".jsonl");
}

QJsonObject RecordingInfo::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("stream_id"), stream},
                  {QStringLiteral("replica"), replica},
                  {QStringLiteral("start"), isoOrNull(start)},
                  {QStringLiteral("end"), isoOrNull(end)},
                  {QStringLiteral("duration_ms"), durationMs},
                  {QStringLiteral("bytes"), bytes},
                  {QStringLiteral("state"), state}};
    o.insert(QStringLiteral("reason"), reason.isEmpty() ? QJsonValue() : QJsonValue(reason));
    return o;
}

QJsonObject RecordingStatus::toJson() const
{
    QJsonObject o{{QStringLiteral("stream_id"), stream},
                  {QStringLiteral("wanted"), wanted},
                  {QStringLiteral("recording"), recording},
                  {QStringLiteral("id"), id.isEmpty() ? QJsonValue() : QJsonValue(id)},
                  {QStringLiteral("started_at"), isoOrNull(startedAt)},
                  {QStringLiteral("elapsed_ms"), elapsedMs},
                  {QStringLiteral("bytes"), bytes}};
    o.insert(QStringLiteral("error"), error.isEmpty() ? QJsonValue() : QJsonValue(error));
    return o;
}

} // namespace onair
