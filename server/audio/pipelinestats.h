#pragma once

#include <atomic>

#include <QtGlobal>

namespace onair {

enum class BreakerState : int { Closed = 0, Open = 1, HalfOpen = 2 };
const char *breakerStateName(BreakerState s);

// Counters of one stream's pipeline; written by its Pipeline, read by health.
struct PipelineStats
{
    std::atomic<bool> passthrough{true};
    std::atomic<int> state{int(BreakerState::Closed)};
    std::atomic<qint64> processed{0}, failures{0}, timeouts{0}, retries{0}, fallbacks{0};
};

} // namespace onair
