#pragma once

#include "interpretation/interpretation.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace onair {

// A thread with an event loop and a context object to run one stage's calls on, in order.
struct StageThread
{
    QThread thread;
    QObject *ctx = new QObject;
    explicit StageThread(const QString &name)
    {
        thread.setObjectName(name);
        ctx->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, ctx, &QObject::deleteLater);
        thread.start();
    }
    template <typename F> void post(F &&f) { QMetaObject::invokeMethod(ctx, std::forward<F>(f), Qt::QueuedConnection); }
};

// A stage, made and destroyed on its thread; shared with that thread, which may outlive the
// session (a call that does not return is left to finish on its own).
template <typename T> struct StageHolder
{
    std::unique_ptr<T> impl;
};

// Fault injection: the configured delay (interruptible) and the next `failures` calls fail.
bool injectedFault(const std::shared_ptr<StageFaults> &faults, const std::atomic<bool> &stopping, QString *error);

// On a stage's thread: `call(error)` until it succeeds, at most retries + 1 times (each after
// any injected fault), unless stopping. Returns the attempts made; `ok` says how it ended.
template <typename Call>
int callWithRetries(int retries, const std::shared_ptr<StageFaults> &faults, const std::atomic<bool> &stopping,
                    QString *error, bool *ok, Call &&call)
{
    *ok = false;
    int attempts = 0;
    for (; attempts <= retries && !*ok && !stopping.load(); ++attempts) {
        if (injectedFault(faults, stopping, error))
            continue;
        *ok = call(error);
    }
    return attempts;
}

} // namespace onair
