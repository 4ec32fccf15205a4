#include "interpretation/stagethread.h"

#include <algorithm>

namespace onair {

bool injectedFault(const std::shared_ptr<StageFaults> &faults, const std::atomic<bool> &stopping, QString *error)
{
    for (int left = faults->delayMs.load(); left > 0 && !stopping.load(); left -= 10)
        QThread::msleep(quint64(std::min(left, 10)));
    int n = faults->failures.load();
    while (n > 0 && !faults->failures.compare_exchange_weak(n, n - 1)) {
    }
    if (n > 0) {
        *error = QStringLiteral("injected fault");
        return true;
    }
    return false;
}

} // namespace onair
