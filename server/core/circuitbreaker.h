#pragma once

#include <QtGlobal>

namespace onair {

enum class BreakerState : int { Closed = 0, Open = 1, HalfOpen = 2 };

inline const char *breakerStateName(BreakerState s)
{
    switch (s) {
    case BreakerState::Closed: return "closed";
    case BreakerState::Open: return "open";
    case BreakerState::HalfOpen: return "half_open";
    }
    return "unknown";
}

// The seeds' circuit breaker, for a speaker's audio pipeline and each interpretation stage:
// `threshold` failures in a row open it; while open nothing is tried (the caller falls back);
// after `cooldownMs` one trial call goes through (half-open); its success closes it, its
// failure opens it again. Times are the caller's monotonic milliseconds. One thread only.
class CircuitBreaker
{
public:
    CircuitBreaker(int threshold, int cooldownMs) : m_threshold(threshold), m_cooldownMs(cooldownMs) {}

    BreakerState state() const { return m_state; }

    // May a call go now? Past the cooldown an open breaker lets one trial through.
    bool allow(qint64 nowMs)
    {
        switch (m_state) {
        case BreakerState::Closed:
            return true;
        case BreakerState::Open:
            if (nowMs - m_openedAtMs < m_cooldownMs)
                return false;
            m_state = BreakerState::HalfOpen;
            m_trial = true;
            return true;
        case BreakerState::HalfOpen:
            if (m_trial)
                return false; // one trial at a time
            m_trial = true;
            return true;
        }
        return false;
    }
    void succeeded()
    {
        m_consecutive = 0;
        m_trial = false;
        m_state = BreakerState::Closed;
    }
    void failed(qint64 nowMs)
    {
        m_trial = false;
        if (m_state == BreakerState::Open)
            return; // a call from before it opened: the cooldown stands
        if (m_state == BreakerState::HalfOpen || ++m_consecutive >= m_threshold) {
            m_state = BreakerState::Open;
            m_openedAtMs = nowMs;
            m_consecutive = 0;
        }
    }

private:
    int m_threshold;
    int m_cooldownMs;
    BreakerState m_state = BreakerState::Closed;
    int m_consecutive = 0;
    qint64 m_openedAtMs = 0;
    bool m_trial = false;
};

} // namespace onair
