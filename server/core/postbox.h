#pragma once

#include <QList>
#include <QMutex>

#include <utility>

namespace onair {

// Items other threads hand to one thread, taken in batches with one wake-up per batch: when
// the owner falls behind, what piled up is handled in one go, so the cost per item falls
// exactly when load is highest. Used by the fan-out workers and the cluster bus.
template <typename T>
class Postbox
{
public:
    // Any thread. True when the owner must be woken: the first item since the last take().
    bool post(T item)
    {
        QMutexLocker lock(&m_mutex);
        m_items.append(std::move(item));
        return !std::exchange(m_wakePending, true);
    }
    // The owner's thread: everything posted so far; the next post() wakes it again.
    QList<T> take()
    {
        QMutexLocker lock(&m_mutex);
        m_wakePending = false;
        return std::exchange(m_items, {});
    }

private:
    QMutex m_mutex;
    QList<T> m_items;
    bool m_wakePending = false;
};

} // namespace onair
