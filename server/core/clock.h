#pragma once

#include <QtGlobal>

#include <chrono>

namespace onair {

// Monotonic nanoseconds, comparable across threads of the process.
inline qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
inline qint64 monotonicMs() { return monotonicNs() / 1000000; }

} // namespace onair
