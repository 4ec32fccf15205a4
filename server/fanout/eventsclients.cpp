#include "fanout/eventsclients.h"

#include "fanout/connection.h"
#include "history/journal.h"
#include "protocol/topics.h"
#include "protocol/wsframe.h"

#include <QJsonArray>
#include <QPointer>


namespace onair {

namespace {
// The client gets `topic` through its subscriptions `topics` (itself, its class or "all").
bool covers(const QSet<QString> &topics, const QString &topic)
{
    return topics.contains(topic) || topics.contains(kTopicAll)
           || (topic.startsWith(QLatin1String("stream:")) && topics.contains(kTopicStreams));
}
} // namespace

EventsClients::EventsClients(const EngineConfig &config, Journal *journal, QObject *worker, Io io)
    : m_config(config), m_journal(journal), m_worker(worker), m_io(std::move(io))
{
}

void EventsClients::add(Connection *c) { m_clients.insert(c->id, c); }

void EventsClients::remove(Connection *c)
{
    m_clients.remove(c->id);
    for (const QString &t : std::as_const(c->topics)) {
        auto it = m_subscribers.find(t);
        if (it != m_subscribers.end()) {
            it->removeOne(c);
            if (it->isEmpty())
                m_subscribers.erase(it);
        }
    }
}

void EventsClients::clear()
{
    m_clients.clear();
    m_subscribers.clear();
}

bool EventsClients::parseTopics(Connection *c, const QJsonObject &msg, QStringList *topics)
{
    const QJsonValue v = msg.value(QLatin1String("topics"));
    if (!v.isArray()) {
        m_io.sendError(c, QStringLiteral("invalid_topics"), QStringLiteral("\"topics\" must be an array of strings"));
        return false;
    }
    const QJsonArray list = v.toArray();
    if (list.size() > m_config.maxTopicsPerClient) {
        m_io.sendError(c, QStringLiteral("too_many_topics"),
                       QStringLiteral("at most %1 topics per client").arg(m_config.maxTopicsPerClient));
        return false;
    }
    for (const QJsonValue &t : list) {
        const QString topic = t.toString();
        const QString err = t.isString() ? topicError(topic) : QStringLiteral("topics must be strings");
        if (!err.isEmpty()) {
            m_io.sendError(c, QStringLiteral("invalid_topic"), err);
            return false; // all or nothing
        }
        topics->append(topic);
    }
    return true;
}

bool EventsClients::parseSince(Connection *c, const QJsonObject &msg, const QSet<QString> &after,
                               QList<RecoverRequest> *requests)
{
    QString why;
    auto parsed = onair::parseSince(msg.value(QLatin1String("since")), m_config.maxTopicsPerClient, &why);
    if (parsed) {
        for (const RecoverRequest &r : std::as_const(*parsed)) {
            if (!covers(after, r.topic))
                why = QStringLiteral("\"since\" names '%1', which this client is not subscribed to").arg(r.topic);
            else if (c->resume && !c->resume->holding.isEmpty())
                why = QStringLiteral("a resume of this client is in progress; send the next when it is answered");
            if (!why.isEmpty())
                break;
        }
    }
    if (!parsed || !why.isEmpty()) {
        m_io.sendError(c, QStringLiteral("invalid_since"), why);
        return false;
    }
    *requests = std::move(*parsed);
    return true;
}

void EventsClients::handle(Connection *c, const QJsonObject &msg, bool subscribe)
{
    QStringList topics;
    if (!parseTopics(c, msg, &topics))
        return;
    if (!subscribe) {
        for (const QString &t : std::as_const(topics)) {
            if (c->topics.remove(t)) {
                auto it = m_subscribers.find(t);
                it->removeOne(c);
                if (it->isEmpty())
                    m_subscribers.erase(it);
            }
        }
        replySubscribed(c, false);
        return;
    }
    QSet<QString> after = c->topics;
    for (const QString &t : std::as_const(topics))
        after.insert(t);
    if (after.size() > m_config.maxTopicsPerClient) {
        m_io.sendError(c, QStringLiteral("too_many_topics"),
                       QStringLiteral("at most %1 topics per client").arg(m_config.maxTopicsPerClient));
        return;
    }
    QList<RecoverRequest> requests;
    if (!parseSince(c, msg, after, &requests))
        return;
    for (const QString &t : std::as_const(topics)) {
        if (!c->topics.contains(t)) {
            c->topics.insert(t);
            m_subscribers[t].append(c);
        }
    }
    if (requests.isEmpty())
        replySubscribed(c, true);
    else
        resume(c, std::move(requests));
}

void EventsClients::replySubscribed(Connection *c, bool subscribe, const QJsonObject &recovery)
{
    QStringList now(c->topics.cbegin(), c->topics.cend());
    now.sort();
    QJsonObject reply{{QStringLiteral("type"), subscribe ? QStringLiteral("subscribed") : QStringLiteral("unsubscribed")},
                      {QStringLiteral("topics"), QJsonArray::fromStringList(now)}};
    if (!recovery.isEmpty()) {
        bool all = true;
        for (auto it = recovery.begin(); it != recovery.end(); ++it)
            all = all && it.value().toObject().value(QLatin1String("recovered")).toBool();
        reply.insert(QStringLiteral("recovered"), all);
        reply.insert(QStringLiteral("recovery"), recovery);
    }
    m_io.sendJson(c, reply);
}

void EventsClients::resume(Connection *c, QList<RecoverRequest> requests)
{
    if (!c->resume)
        c->resume = std::make_unique<Connection::Resume>();
    for (const RecoverRequest &r : std::as_const(requests))
        c->resume->holding.insert(r.topic, {}); // live events of the topic wait for the replay
    if (!m_journal) {
        QList<RecoverResult> results;
        for (const RecoverRequest &r : std::as_const(requests))
            results.append({r.topic, RecoverResult::Status::Unavailable, 0, {}});
        recovered(c->id, requests, results);
        return;
    }
    const quint64 id = c->id;
    QPointer<QObject> worker(m_worker);
    m_journal->recover(requests, [this, worker, id, requests](const QList<RecoverResult> &results) {
        if (!worker)
            return;
        QMetaObject::invokeMethod(worker, [this, id, requests, results] { recovered(id, requests, results); },
                                  Qt::QueuedConnection);
    });
}

void EventsClients::recovered(quint64 id, const QList<RecoverRequest> &requests, const QList<RecoverResult> &results)
{
    Connection *c = m_clients.value(id);
    if (!c || c->closing || !c->resume)
        return;
    QList<QPair<RecoverRequest, RecoverResult>> replays;
    for (qsizetype i = 0; i < requests.size() && i < results.size(); ++i) {
        if (!covers(c->topics, requests[i].topic)) { // unsubscribed meanwhile
            c->resume->holding.remove(requests[i].topic);
            continue;
        }
        RecoverResult r = results[i];
        if (c->resume->overflowed.remove(r.topic))
            r.status = RecoverResult::Status::TooMany;
        replays.append({requests[i], std::move(r)});
    }
    QJsonObject entries;
    // The reply first, so that the client knows what follows; then each topic's replay.
    for (const auto &[request, result] : std::as_const(replays)) {
        // Where the client goes on from: after the replay, else the topic's head (its state
        // as it refetches it now).
        const bool ok = result.status == RecoverResult::Status::Recovered;
        const qint64 from = ok ? (result.events.isEmpty() ? request.after : result.events.last().offset) : result.head;
        QJsonObject entry{{QStringLiteral("recovered"), ok},
                          {QStringLiteral("offset"), from},
                          {QStringLiteral("epoch"), m_journal ? m_journal->epoch() : QString()}};
        if (result.status == RecoverResult::Status::Recovered)
            entry.insert(QStringLiteral("events"), result.events.size());
        else
            entry.insert(QStringLiteral("reason"), recoverReason(result.status));
        entries.insert(request.topic, entry);
    }
    replySubscribed(c, true, entries);
    for (const auto &[request, result] : std::as_const(replays))
        handOver(c, request, result);
}

void EventsClients::handOver(Connection *c, const RecoverRequest &request, RecoverResult result)
{
    Connection::Resume &rs = *c->resume;
    const QList<QPair<qint64, QByteArray>> held = rs.holding.take(request.topic);
    qint64 last = request.after;
    if (result.status == RecoverResult::Status::Recovered) {
        for (const TopicEvent &e : std::as_const(result.events)) {
            if (e.offset <= last)
                continue;
            m_io.writeFrame(c, buildServerFrame(WsOpcode::Text, eventMessage(e)));
            last = e.offset;
        }
    } else {
        last = result.head; // the client refetches its state as of now
    }
    for (const auto &[offset, frame] : held) {
        if (offset > last) {
            m_io.writeFrame(c, frame);
            last = offset;
        }
    }
    // Bounded: the topics it resumed lately (the filter matters only right after a replay).
    if (rs.last.size() >= 4 * m_config.maxTopicsPerClient && !rs.last.contains(request.topic))
        rs.last.erase(rs.last.begin());
    rs.last.insert(request.topic, last);
}

void EventsClients::sendTo(Connection *c, const QString &topic, qint64 offset, const QByteArray &frame)
{
    if (offset > 0 && c->resume) {
        Connection::Resume &rs = *c->resume;
        const auto held = rs.holding.find(topic);
        if (held != rs.holding.end()) {
            if (held->size() < m_config.historyMaxRecover)
                held->append({offset, frame});
            else
                rs.overflowed.insert(topic);
            return;
        }
        const auto last = rs.last.find(topic);
        if (last != rs.last.end()) {
            if (offset <= *last)
                return; // replayed already
            *last = offset;
        }
    }
    m_io.writeFrame(c, frame);
}

void EventsClients::deliver(const QString &topic, qint64 offset, const QByteArray &frame)
{
    const auto direct = m_subscribers.constFind(topic);
    if (direct != m_subscribers.cend()) {
        for (Connection *c : *direct)
            sendTo(c, topic, offset, frame);
    }
    if (topic == kTopicAll)
        return;
    // "streams" gathers every stream:<id> topic (the web page's live list of streams).
    const bool streamTopic = topic.startsWith(QLatin1String("stream:"));
    if (streamTopic) {
        const auto cls = m_subscribers.constFind(kTopicStreams);
        if (cls != m_subscribers.cend()) {
            for (Connection *c : *cls) {
                if (!c->topics.contains(topic))
                    sendTo(c, topic, offset, frame);
            }
        }
    }
    const auto all = m_subscribers.constFind(kTopicAll);
    if (all != m_subscribers.cend()) {
        for (Connection *c : *all) {
            // subscribed to the topic itself or to its class as well: once
            if (!c->topics.contains(topic) && !(streamTopic && c->topics.contains(kTopicStreams)))
                sendTo(c, topic, offset, frame);
        }
    }
}

} // namespace onair
