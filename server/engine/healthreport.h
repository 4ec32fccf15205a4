#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace onair {

class Engine;

// The engine's health and metrics, read from its public API: /health, /health/connections,
// /health/full and /metrics (docs/operations.md). Engine::healthJson() and friends call these.
QJsonObject healthReport(const Engine &e);        // status, version, uptime, reasons when degraded
QJsonObject clusterReport(const Engine &e);       // every replica's presence and per-stream totals
QJsonObject connectionsReport(const Engine &e);   // per stream, totals, limits (this replica)
QJsonObject fullHealthReport(Engine &e);          // + a probe through the hub, components, latency
QByteArray prometheusReport(const Engine &e);     // Prometheus text format 0.0.4

} // namespace onair
