#pragma once

#include "history/topicevent.h"

#include <QList>
#include <QString>

#include <optional>

namespace onair {

// What the history asks of the database (the store implements it). Thread-safe; every method
// returns false / nullopt with `error` set when the database fails, and then changed nothing.
class EventLog
{
public:
    // A topic's stored events after an offset, with what tells a reader whether it has them all.
    struct Page
    {
        qint64 head = 0;  // the topic's last allocated offset (0: nothing ever published)
        qint64 first = 0; // the oldest offset still kept (0: none kept)
        QList<TopicEvent> events; // ascending
    };

    virtual ~EventLog() = default;
    // The database's history epoch (created with the schema; never changes for a database).
    virtual std::optional<QString> historyEpoch(QString *error) = 0;
    // Stores the events in one transaction, in order, giving each the next offset of its topic
    // and `timeMs` (set by the caller); all or nothing.
    virtual bool appendEvents(QList<TopicEvent> &events, QString *error) = 0;
    // Up to `limit` events of `topic` with an offset above `after` (and at most `upTo` when > 0).
    virtual std::optional<Page> readEvents(const QString &topic, qint64 after, qint64 upTo, int limit,
                                           QString *error) = 0;
    // Up to `limit` events of every topic stored at or after `sinceMs`, by topic and offset.
    virtual std::optional<QList<TopicEvent>> eventsSince(qint64 sinceMs, int limit, QString *error) = 0;
    // Deletes events stored before `olderThanMs` and all but the newest `keepPerTopic` of each
    // topic in `topics` (null: of every topic). Offsets are never reused: the heads stay.
    virtual bool pruneEvents(qint64 olderThanMs, const QStringList *topics, int keepPerTopic, QString *error) = 0;
};

} // namespace onair
