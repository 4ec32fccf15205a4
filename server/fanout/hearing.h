#pragma once

#include "protocol/listenerreport.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <array>

namespace onair {

// How many of a stream's listeners hear it, by state, and their delays (docs/protocol.md
// "Are they hearing me?"): what the control room, /health/connections and /metrics show.
struct HearingCounts
{
    std::array<int, kHearingStates> byState{};
    int hidden = 0;       // of them, pages in a background tab
    QList<int> delays;    // reported delays of the playing ones (ms)

    int count(HearingState s) const { return byState[size_t(s)]; }
    int total() const;
    void add(HearingState s, int delayMs, bool hidden);
    void merge(const HearingCounts &other);
    int medianDelayMs() const; // -1 without a delay
    int worstDelayMs() const;  // -1 without a delay
    // {"playing":n,"buffering":n,"blocked":n,"reconnecting":n,"unknown":n,"hidden":n,
    //  "delay_ms":{"median":n|null,"worst":n|null,"reports":n}}
    QJsonObject toJson() const;
    // Another replica's toJson() (its presence): the counts, and its median and worst delay as
    // two samples (so the cluster's worst is exact, its median an approximation).
    static HearingCounts fromJson(const QJsonObject &o);
};

// One fan-out worker's view. Pages that play the HTTP stream report on a messages-only
// WebSocket (?audio=0) while their player is a separate connection, maybe on another worker:
// both come as keyed entries, matched by identity when the workers' parts are merged, so that
// such a listener counts once, with what its page says.
struct HearingPart
{
    struct Keyed
    {
        QString stream;
        QString identity;
        HearingState state = HearingState::Unknown;
        int delayMs = -1;
        bool hidden = false;
        bool page = false; // a messages-only page's report; false: an HTTP player
    };
    QHash<QString, HearingCounts> counts; // everything else, already counted
    QList<Keyed> keyed;
};

// Per stream, every worker's part together.
QHash<QString, HearingCounts> mergeHearing(const QList<HearingPart> &parts);

} // namespace onair
