#pragma once

#include "core/circuitbreaker.h"

#include <QJsonObject>
#include <QString>

#include <deque>
#include <vector>

namespace onair {

// The resilience around one stage of one session (the seed's retry / timeout / circuit
// breaker; the fallback is the session's channel mode). Used on the session's thread only.
class StageGuard
{
public:
    struct Options
    {
        int timeoutMs = 2000;
        int retries = 1;
        int threshold = 3;
        int cooldownMs = 10000;
    };
    StageGuard(QString stage, QString lang, Options options)
        : m_stage(std::move(stage)), m_lang(std::move(lang)), m_options(options), m_breaker(options.threshold, options.cooldownMs)
    {
    }

    enum class State { Closed, Open, HalfOpen, Unavailable };
    // May a call go now? An open circuit lets one trial through after the cooldown.
    bool allow(qint64 nowMs);
    void succeeded(qint64 nowMs, double latencyMs = -1);
    void failed(qint64 nowMs, const QString &error, bool timeout = false);
    void setUnavailable(const QString &why);
    void setAvailable(const QString &name);
    void countRetries(int n) { m_retries += n; }
    void countDropped(int n = 1) { m_dropped += n; }
    bool usable() const { return state() == State::Closed || state() == State::HalfOpen; }
    State state() const { return m_unavailable ? State::Unavailable : State(int(m_breaker.state())); }
    const Options &options() const { return m_options; }
    const QString &stage() const { return m_stage; }
    const QString &lastError() const { return m_lastError; }
    // "unavailable" or "failing", for a channel's reason
    QString failureWord() const;
    QJsonObject json() const;

private:
    QString m_stage, m_lang, m_name;
    Options m_options;
    CircuitBreaker m_breaker;
    bool m_unavailable = true; // until setAvailable()
    qint64 m_calls = 0, m_failures = 0, m_timeouts = 0, m_retries = 0, m_dropped = 0;
    QString m_lastError;
    std::deque<double> m_latencies; // the last 512
};

double percentile(std::vector<double> values, double q);
// {"p50","p99"}, rounded
QJsonObject percentilesJson(const std::deque<double> &values);

} // namespace onair
