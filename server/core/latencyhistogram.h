#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>

namespace onair {

// A lock-free latency histogram with fixed millisecond buckets: written from worker threads,
// read for /metrics, /health and the control room.
class LatencyHistogram
{
public:
    static constexpr std::array<double, 12> kBucketsMs{0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000};

    void observeNs(qint64 ns)
    {
        const double ms = double(ns) / 1e6;
        size_t i = 0;
        while (i < kBucketsMs.size() && ms > kBucketsMs[i])
            ++i;
        m_buckets[i].fetch_add(1, std::memory_order_relaxed);
        m_count.fetch_add(1, std::memory_order_relaxed);
        m_sumNs.fetch_add(ns, std::memory_order_relaxed);
    }
    // Upper bound of the bucket holding quantile q, in ms; 0 when empty.
    double quantileMs(double q) const
    {
        const qint64 total = m_count.load(std::memory_order_relaxed);
        if (total == 0)
            return 0;
        qint64 seen = 0;
        for (size_t i = 0; i < m_buckets.size(); ++i) {
            seen += m_buckets[i].load(std::memory_order_relaxed);
            if (double(seen) >= q * double(total))
                return i < kBucketsMs.size() ? kBucketsMs[i] : kBucketsMs.back() * 2;
        }
        return kBucketsMs.back() * 2;
    }
    qint64 count() const { return m_count.load(std::memory_order_relaxed); }
    qint64 sumNs() const { return m_sumNs.load(std::memory_order_relaxed); }
    qint64 bucket(size_t i) const { return m_buckets[i].load(std::memory_order_relaxed); }
    static constexpr size_t bucketCount() { return kBucketsMs.size() + 1; }

private:
    std::array<std::atomic<qint64>, kBucketsMs.size() + 1> m_buckets{};
    std::atomic<qint64> m_count{0};
    std::atomic<qint64> m_sumNs{0};
};

} // namespace onair
