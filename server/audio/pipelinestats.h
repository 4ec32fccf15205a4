#pragma once

#include "core/circuitbreaker.h"

#include <atomic>

#include <QtGlobal>

namespace onair {

// Counters of one stream's pipeline; written by its Pipeline, read by health.
struct PipelineStats
{
    std::atomic<bool> passthrough{true};
    std::atomic<int> state{int(BreakerState::Closed)};
    std::atomic<qint64> processed{0}, failures{0}, timeouts{0}, retries{0}, fallbacks{0};
};

} // namespace onair
