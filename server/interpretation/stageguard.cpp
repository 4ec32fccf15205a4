#include "interpretation/stageguard.h"

#include <algorithm>
#include <cmath>

namespace onair {

double percentile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t i = std::min(values.size() - 1, size_t(std::ceil(q * double(values.size()))) - (q > 0 ? 1 : 0));
    return values[i];
}

QJsonObject percentilesJson(const std::deque<double> &values)
{
    const std::vector<double> v(values.begin(), values.end());
    return {{QStringLiteral("p50"), std::round(percentile(v, 0.5))}, {QStringLiteral("p99"), std::round(percentile(v, 0.99))}};
}

QString StageGuard::failureWord() const
{
    return m_unavailable ? QStringLiteral("unavailable") : QStringLiteral("failing");
}

bool StageGuard::allow(qint64 nowMs)
{
    return !m_unavailable && m_breaker.allow(nowMs);
}

void StageGuard::succeeded(qint64, double latencyMs)
{
    ++m_calls;
    m_breaker.succeeded();
    if (latencyMs >= 0) {
        m_latencies.push_back(latencyMs);
        if (m_latencies.size() > 512)
            m_latencies.pop_front();
    }
}

void StageGuard::failed(qint64 nowMs, const QString &error, bool timeout)
{
    if (m_unavailable)
        return;
    ++m_calls;
    ++m_failures;
    if (timeout)
        ++m_timeouts;
    m_lastError = error.left(300);
    m_breaker.failed(nowMs);
}

void StageGuard::setUnavailable(const QString &why)
{
    m_unavailable = true;
    m_lastError = why.left(300);
}

void StageGuard::setAvailable(const QString &name)
{
    m_name = name;
    if (m_unavailable) // a stage that comes (back) starts closed
        m_breaker = CircuitBreaker(m_options.threshold, m_options.cooldownMs);
    m_unavailable = false;
}

QJsonObject StageGuard::json() const
{
    static const char *names[] = {"closed", "open", "half_open", "unavailable"};
    return {{QStringLiteral("stage"), m_stage},
            {QStringLiteral("lang"), m_lang},
            {QStringLiteral("name"), m_name},
            {QStringLiteral("state"), QLatin1String(names[int(state())])},
            {QStringLiteral("calls"), m_calls},
            {QStringLiteral("failures"), m_failures},
            {QStringLiteral("timeouts"), m_timeouts},
            {QStringLiteral("retries"), m_retries},
            {QStringLiteral("dropped"), m_dropped},
            {QStringLiteral("latency_ms"), percentilesJson(m_latencies)},
            {QStringLiteral("last_error"), m_lastError}};
}

} // namespace onair
