#pragma once

#include "history/topicevent.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <bitset>

namespace onair {

// Puts the events of each topic in offset order before they reach this replica's clients,
// once each. Events of one topic come from several places — this replica's own appends, other
// replicas through Redis (in whatever order their PUBLISHes land), the database after a gap or
// a Redis outage — and may come late, early or twice. An event after a gap waits up to
// `gapWaitMs` for the missing ones; then the caller fetches the gap from the database (the
// truth) and fill()s it, and whatever the database does not have (pruned) is skipped.
// Not thread-safe: one thread (the journal's) owns it.
class TopicSequencer
{
public:
    explicit TopicSequencer(int gapWaitMs) : m_gapWaitMs(gapWaitMs) {}
    // With other replicas: the first events of a topic not seen yet wait gapWaitMs too (an
    // earlier offset may still be on its way from another replica), then go in order.
    void setHoldFirst(bool hold) { m_holdFirst = hold; }

    // A kept event (offset > 0). Returns what may be delivered now, in order.
    QList<TopicEvent> offer(TopicEvent e, qint64 nowMs);

    struct Gap
    {
        QString topic;
        qint64 after = 0;  // the last delivered offset; 0: a new topic's start (setHoldFirst)
        qint64 before = 0; // the first waiting one
        qint64 storedAfterMs = 0; // a start: only events stored since then belong to it
    };
    // Gaps that have waited longer than gapWaitMs and are not being fetched yet, and the starts
    // of new topics (setHoldFirst) that have: the events just before their first waiting one
    // that were stored about when it was (a little earlier) are still on their way.
    QList<Gap> dueGaps(qint64 nowMs);
    static constexpr qint64 kStartSlackMs = 2000;
    // What the database had of the gap (after, before): delivered with the waiting events that
    // follow them; the gap is then closed whatever was missing.
    QList<TopicEvent> fill(const QString &topic, qint64 before, const QList<TopicEvent> &found, qint64 nowMs);
    // Topics without waiting events untouched for idleMs are forgotten (bounded memory).
    void forgetIdle(qint64 nowMs, qint64 idleMs);

    int topicCount() const { return int(m_topics.size()); }
    qint64 lastDelivered(const QString &topic) const { return m_topics.value(topic).last; }
    qint64 duplicatesDropped() const { return m_duplicates; }
    qint64 gapsFilled() const { return m_gapsFilled; }
    qint64 skipped() const { return m_skipped; }

    static constexpr int kWindow = 256; // offsets below the last one whose delivery is remembered

private:
    struct State
    {
        qint64 last = 0;              // 0: nothing delivered yet
        std::bitset<kWindow> window;  // bit i: offset last - i was delivered
        QMap<qint64, TopicEvent> waiting;
        qint64 gapSinceMs = 0;
        bool fetching = false;
        bool first = false;           // holding a new topic's first events (setHoldFirst)
        qint64 touchedMs = 0;
    };
    // Delivers `e` (offset above last), moving last forward.
    static void advance(State &s, TopicEvent e, QList<TopicEvent> *out);
    // Delivers the waiting events that follow last without a hole.
    static void releaseContiguous(State &s, QList<TopicEvent> *out);
    // An event at or below last: delivered when it never was (late), else a duplicate.
    bool late(State &s, TopicEvent e, QList<TopicEvent> *out);

    const int m_gapWaitMs;
    bool m_holdFirst = false;
    QHash<QString, State> m_topics;
    qint64 m_duplicates = 0;
    qint64 m_gapsFilled = 0;
    qint64 m_skipped = 0;
};

} // namespace onair
