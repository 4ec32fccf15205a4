#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace onair {

// One event of the events channel's topics. `offset` is its place in the topic's durable
// history (1, 2, 3 … per topic, allocated by the database, cluster-wide when replicas share it)
// and `epoch` the history it belongs to (a UUID per database); offset 0 = not kept (a current
// value such as a listener count, or history is off or failed).
struct TopicEvent
{
    QString topic;
    qint64 offset = 0;
    QString epoch;
    qint64 timeMs = 0; // when it was stored (ms since the epoch, the storing replica's clock)
    QJsonValue data;
};

// {"type":"event","topic":…,"offset":…,"epoch":…,"data":…} (offset and epoch only when kept),
// compact JSON: the one wire form of an event.
QByteArray eventMessage(const TopicEvent &e);

// Whether an event is kept in the history: everything except listener counts on stream:<id>
// (a current value, published a few times a second; a client refetches it).
bool isKeptEvent(const QString &topic, const QJsonValue &data);

// How long and how much is kept, and how much one resume may replay.
struct HistoryLimits
{
    bool enabled = true;
    qint64 maxAgeMs = 24LL * 3600 * 1000;
    int maxEventsPerTopic = 10000;
    int maxRecover = 1000; // missed events of one topic one subscribe may replay
};

} // namespace onair
