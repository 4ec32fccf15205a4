#pragma once

#include "config/config.h"
#include "history/recovery.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

namespace onair {

class Journal;
struct Connection;

// One worker's /ws/events clients: their subscriptions, the delivery of topic events to them
// (once each, also when a topic reaches a client through "all" or "streams"), and resumes —
// a subscribe with `since` replays the missed events from the journal, holding the live ones
// that arrive meanwhile, and hands over to live with no gap and no duplicate. Worker thread only.
class EventsClients
{
public:
    // What the worker does for it (all on the worker thread).
    struct Io
    {
        std::function<bool(Connection *, const QByteArray &frame)> writeFrame;
        std::function<void(Connection *, const QJsonObject &)> sendJson;
        std::function<void(Connection *, const QString &code, const QString &message)> sendError;
    };

    // `journal` may be null (history off: a resume is answered recovered:false "unavailable").
    // Journal answers are handed back to `worker`'s thread.
    EventsClients(const EngineConfig &config, Journal *journal, QObject *worker, Io io);

    void add(Connection *c);
    void remove(Connection *c);
    void clear();
    int count() const { return int(m_clients.size()); }

    // {"type":"subscribe"|"unsubscribe","topics":[…],"since"?:{topic:{offset,epoch}}}
    void handle(Connection *c, const QJsonObject &msg, bool subscribe);
    // A topic event (offset 0: not kept) for the subscribers of its topic, "streams" and "all".
    void deliver(const QString &topic, qint64 offset, const QByteArray &frame);

private:
    bool parseTopics(Connection *c, const QJsonObject &msg, QStringList *topics);
    bool parseSince(Connection *c, const QJsonObject &msg, const QSet<QString> &after,
                    QList<RecoverRequest> *requests);
    void resume(Connection *c, QList<RecoverRequest> requests);
    void recovered(quint64 id, const QList<RecoverRequest> &requests, const QList<RecoverResult> &results);
    // Replays one topic's result to the client and hands it over to live.
    void handOver(Connection *c, const RecoverRequest &request, RecoverResult result);
    void sendTo(Connection *c, const QString &topic, qint64 offset, const QByteArray &frame);
    void replySubscribed(Connection *c, bool subscribe, const QJsonObject &recovery = {});

    const EngineConfig &m_config;
    Journal *const m_journal;
    QObject *const m_worker;
    const Io m_io;
    QHash<quint64, Connection *> m_clients;             // by connection id
    QHash<QString, QList<Connection *>> m_subscribers;  // topic -> clients
};

} // namespace onair
