#pragma once

#include "latencyhistogram.h"
#include "pipelinestats.h"

#include <QJsonObject>
#include <QString>

#include <array>
#include <atomic>
#include <memory>

namespace onair {

constexpr int kMaxWorkers = 64;

// The shared state of one stream. Counters are atomics written by worker threads; the
// speaker fields are guarded by the Hub's mutex.
struct StreamState
{
    explicit StreamState(QString streamId) : id(std::move(streamId)) {}

    const QString id;
    std::atomic<qint64> framesIn{0}, bytesIn{0}, framesOut{0}, bytesOut{0}, drops{0};
    std::atomic<int> listeners{0};
    std::array<std::atomic<int>, kMaxWorkers> perWorker{}; // listeners on each worker
    LatencyHistogram fanout; // hub -> written to the listeners of one worker
    std::shared_ptr<PipelineStats> pipeline = std::make_shared<PipelineStats>();

    // Guarded by Hub::m_mutex
    quint64 speakerConnection = 0; // 0 = no speaker
    QString speakerAddress;
    QJsonObject format;            // empty = unknown
    qint64 createdMs = 0;
};

} // namespace onair
