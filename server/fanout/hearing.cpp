#include "fanout/hearing.h"

#include <QJsonValue>

#include <algorithm>

namespace onair {

int HearingCounts::total() const
{
    int n = 0;
    for (int c : byState)
        n += c;
    return n;
}

void HearingCounts::add(HearingState s, int delayMs, bool inBackground)
{
    ++byState[size_t(s)];
    if (inBackground)
        ++hidden;
    if (s == HearingState::Playing && delayMs >= 0)
        delays.append(delayMs);
}

void HearingCounts::merge(const HearingCounts &other)
{
    for (size_t i = 0; i < byState.size(); ++i)
        byState[i] += other.byState[i];
    hidden += other.hidden;
    delays += other.delays;
}

int HearingCounts::medianDelayMs() const
{
    if (delays.isEmpty())
        return -1;
    QList<int> d = delays;
    const auto mid = d.begin() + d.size() / 2;
    std::nth_element(d.begin(), mid, d.end());
    return *mid;
}

int HearingCounts::worstDelayMs() const
{
    return delays.isEmpty() ? -1 : *std::max_element(delays.cbegin(), delays.cend());
}

QJsonObject HearingCounts::toJson() const
{
    QJsonObject o;
    for (int i = 0; i < kHearingStates; ++i)
        o.insert(QLatin1String(hearingStateName(HearingState(i))), byState[size_t(i)]);
    o.insert(QStringLiteral("hidden"), hidden);
    const int median = medianDelayMs(), worst = worstDelayMs();
    o.insert(QStringLiteral("delay_ms"),
             QJsonObject{{QStringLiteral("median"), median < 0 ? QJsonValue() : QJsonValue(median)},
                         {QStringLiteral("worst"), worst < 0 ? QJsonValue() : QJsonValue(worst)},
                         {QStringLiteral("reports"), int(delays.size())}});
    return o;
}

HearingCounts HearingCounts::fromJson(const QJsonObject &o)
{
    HearingCounts h;
    for (int i = 0; i < kHearingStates; ++i)
        h.byState[size_t(i)] = qMax(0, o.value(QLatin1String(hearingStateName(HearingState(i)))).toInt());
    h.hidden = qMax(0, o.value(QLatin1String("hidden")).toInt());
    const QJsonObject d = o.value(QLatin1String("delay_ms")).toObject();
    for (const char *key : {"median", "worst"}) {
        const QJsonValue v = d.value(QLatin1String(key));
        if (v.isDouble() && v.toInt() >= 0)
            h.delays.append(v.toInt());
    }
    return h;
}

QHash<QString, HearingCounts> mergeHearing(const QList<HearingPart> &parts)
{
    QHash<QString, HearingCounts> out;
    // stream -> identity -> the page's report (the latest one wins if a client has two tabs)
    QHash<QString, QHash<QString, HearingPart::Keyed>> pages;
    for (const HearingPart &p : parts) {
        for (auto it = p.counts.cbegin(); it != p.counts.cend(); ++it)
            out[it.key()].merge(it.value());
        for (const HearingPart::Keyed &k : p.keyed)
            if (k.page)
                pages[k.stream].insert(k.identity, k);
    }
    for (const HearingPart &p : parts) {
        for (const HearingPart::Keyed &k : p.keyed) {
            if (k.page)
                continue;
            auto streamPages = pages.find(k.stream);
            if (streamPages != pages.end()) {
                auto page = streamPages->find(k.identity);
                if (page != streamPages->end()) {
                    out[k.stream].add(page->state, page->delayMs, page->hidden);
                    streamPages->erase(page);
                    continue;
                }
            }
            out[k.stream].add(k.state, k.delayMs, k.hidden);
        }
    }
    // Pages without a player connection (e.g. autoplay blocked before the stream was fetched).
    for (auto s = pages.cbegin(); s != pages.cend(); ++s)
        for (const HearingPart::Keyed &k : s.value())
            out[k.stream].add(k.state, k.delayMs, k.hidden);
    return out;
}

} // namespace onair
