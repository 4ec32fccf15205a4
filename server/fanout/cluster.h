#pragma once

#include "fanout/streamstate.h"
#include "history/topicevent.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace onair {

// The fan-out's view of the other replicas of a deployment. The hub forwards what it publishes
// through a ClusterLink and receives what the others publish through its ClusterSink; the Redis
// bus (cluster/) implements the one and calls the other, so the arrow points from cluster/ to
// fanout/ only. A single replica has no link (nullptr).

// What the hub asks of the other replicas. Thread-safe; nothing here blocks on the network.
class ClusterLink
{
public:
    enum class Lease { Granted, Taken, Unavailable };
    using LeaseDone = std::function<void(Lease, const QString &holder)>;

    virtual ~ClusterLink() = default;
    // A stream's payload (an audio frame or a JSON message) for the replicas with its listeners.
    virtual void publishStream(const QString &stream, bool audio, const QByteArray &payload) = 0;
    // A topic event, with its offset and epoch when kept.
    virtual void publishTopic(const TopicEvent &event) = 0;
    // The stream's local listeners or speaker changed: (un)subscribe it.
    virtual void refreshInterest(const QString &stream) = 0;
    // A speaker came or went: tell the others now rather than at the next interval.
    virtual void presenceChanged() = 0;
    // One speaker per stream in the whole cluster. `done` runs on the link's own thread;
    // Unavailable without a connection to the others (the caller decides: local-only service).
    virtual void acquireLease(const QString &stream, quint64 connection, LeaseDone done) = 0;
    virtual void releaseLease(const QString &stream, quint64 connection) = 0;
    // The replica whose speaker is live on `stream` (not this one), with its format.
    virtual std::optional<QPair<QString, QJsonObject>> remoteSpeaker(const QString &stream) const = 0;
    // The source of that remote speaker on a language channel ("human" when it did not say).
    virtual QString remoteSource(const QString &stream) const = 0;
    virtual int remoteListeners(const QString &stream) const = 0;
    // What the other replicas' listeners of the stream hear (their last presence).
    virtual HearingCounts remoteHearing(const QString &stream) const = 0;
};

// What the other replicas deliver into (the hub). Called on the link's thread.
class ClusterSink
{
public:
    virtual ~ClusterSink() = default;
    // A frame (audio) or JSON message of a stream whose speaker is on another replica.
    virtual void deliverRemote(const QString &stream, bool audio, const QByteArray &payload) = 0;
    // A topic event published on another replica, for this replica's subscribers.
    virtual void deliverTopic(const TopicEvent &event) = 0;
    // Streams this replica should receive: local listeners, no local speaker.
    virtual bool wantsRemote(const QString &stream) const = 0;
    virtual QStringList streamsWithLocalListeners() const = 0;
    // This replica's streams and connections, for its presence.
    virtual QList<StreamSnapshot> snapshot() const = 0;
    virtual int connections() const = 0;
};

} // namespace onair
