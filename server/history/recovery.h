#pragma once

#include "history/eventlog.h"

#include <QJsonValue>
#include <QString>

#include <optional>

namespace onair {

// A client resuming a topic: "I have everything up to `after` of history `epoch`".
struct RecoverRequest
{
    QString topic;
    qint64 after = 0;
    QString epoch;
};

// What a resume gets: the missed events, or why there are none (the client then refetches its
// state and goes on from `head`).
struct RecoverResult
{
    enum class Status { Recovered, EpochChanged, BeyondRetention, OffsetAhead, TooMany, Unavailable };
    QString topic;
    Status status = Status::Unavailable;
    qint64 head = 0;
    QList<TopicEvent> events; // Recovered only
};

// The `since` of a subscribe: {"<topic>": {"offset": N, "epoch": "…"}, …}. An empty list when
// absent or null; nullopt with `error` set when malformed: not an object, more than maxEntries
// entries, a key that is not one topic (`all` and `streams` gather topics), an offset that is
// not an integer from 0 to 2^53 - 1, an epoch that is not a string of 1–64 characters.
std::optional<QList<RecoverRequest>> parseSince(const QJsonValue &since, int maxEntries, QString *error);

// The wire name of a status that is not Recovered: "epoch_changed", "beyond_retention",
// "offset_ahead", "too_many", "unavailable".
QString recoverReason(RecoverResult::Status s);

// Judges a resume from what the database returned for it: up to maxRecover + 1 events of the
// topic after `request.after`, its head and the oldest offset still kept.
RecoverResult judgeRecovery(const RecoverRequest &request, const EventLog::Page &page, const QString &epoch,
                            int maxRecover);

} // namespace onair
