#include "history/sequencer.h"

namespace onair {

void TopicSequencer::advance(State &s, TopicEvent e, QList<TopicEvent> *out)
{
    const qint64 step = s.last == 0 ? kWindow : e.offset - s.last;
    s.window = step >= kWindow ? std::bitset<kWindow>() : (s.window << size_t(step));
    s.window.set(0);
    s.last = e.offset;
    out->append(std::move(e));
}

void TopicSequencer::releaseContiguous(State &s, QList<TopicEvent> *out)
{
    while (!s.waiting.isEmpty() && s.waiting.firstKey() <= s.last + 1) {
        TopicEvent e = s.waiting.take(s.waiting.firstKey());
        if (e.offset == s.last + 1)
            advance(s, std::move(e), out);
        // at or below last: delivered meanwhile (a fill), dropped
    }
}

bool TopicSequencer::late(State &s, TopicEvent e, QList<TopicEvent> *out)
{
    const qint64 behind = s.last - e.offset;
    if (behind >= kWindow || s.window.test(size_t(behind))) {
        ++m_duplicates;
        return false;
    }
    s.window.set(size_t(behind));
    out->append(std::move(e));
    return true;
}

QList<TopicEvent> TopicSequencer::offer(TopicEvent e, qint64 nowMs)
{
    QList<TopicEvent> out;
    State &s = m_topics[e.topic];
    s.touchedMs = nowMs;
    if (s.last == 0 && (s.first || (m_holdFirst && e.offset > 1))) {
        if (!s.first) {
            s.first = true;
            s.gapSinceMs = nowMs;
        }
        if (s.waiting.contains(e.offset))
            ++m_duplicates;
        else
            s.waiting.insert(e.offset, std::move(e));
    } else if (s.last == 0 || e.offset == s.last + 1) {
        advance(s, std::move(e), &out);
        releaseContiguous(s, &out);
        if (!s.fetching)
            s.gapSinceMs = s.waiting.isEmpty() ? 0 : nowMs;
    } else if (e.offset <= s.last) {
        late(s, std::move(e), &out);
    } else if (!s.waiting.contains(e.offset)) {
        if (s.waiting.isEmpty() && !s.fetching)
            s.gapSinceMs = nowMs;
        s.waiting.insert(e.offset, std::move(e));
    } else {
        ++m_duplicates;
    }
    return out;
}

QList<TopicSequencer::Gap> TopicSequencer::dueGaps(qint64 nowMs)
{
    QList<Gap> out;
    for (auto it = m_topics.begin(); it != m_topics.end(); ++it) {
        State &s = it.value();
        if (s.waiting.isEmpty() || s.fetching || nowMs - s.gapSinceMs < m_gapWaitMs)
            continue;
        s.fetching = true;
        const TopicEvent &next = s.waiting.first();
        out.append({it.key(), s.last, next.offset, s.first ? next.timeMs - kStartSlackMs : 0});
        s.first = false;
    }
    return out;
}

QList<TopicEvent> TopicSequencer::fill(const QString &topic, qint64 before, const QList<TopicEvent> &found,
                                       qint64 nowMs)
{
    QList<TopicEvent> out;
    auto it = m_topics.find(topic);
    if (it == m_topics.end())
        return out;
    State &s = it.value();
    s.fetching = false;
    s.touchedMs = nowMs;
    ++m_gapsFilled;
    for (const TopicEvent &e : found) {
        if (e.offset >= before)
            break;
        if (e.offset > s.last) {
            m_skipped += s.last > 0 ? e.offset - s.last - 1 : 0;
            advance(s, e, &out);
        } else {
            late(s, e, &out);
        }
    }
    // What the database did not have is gone: go on with the first waiting event.
    if (!s.waiting.isEmpty() && s.waiting.firstKey() > s.last + 1) {
        TopicEvent next = s.waiting.take(s.waiting.firstKey());
        m_skipped += s.last > 0 ? next.offset - s.last - 1 : 0;
        advance(s, std::move(next), &out);
    }
    releaseContiguous(s, &out);
    s.gapSinceMs = s.waiting.isEmpty() ? 0 : nowMs;
    return out;
}

void TopicSequencer::forgetIdle(qint64 nowMs, qint64 idleMs)
{
    for (auto it = m_topics.begin(); it != m_topics.end();) {
        if (it->waiting.isEmpty() && !it->fetching && nowMs - it->touchedMs > idleMs)
            it = m_topics.erase(it);
        else
            ++it;
    }
}

} // namespace onair
