#pragma once

#include "fanout/listenerinfo.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace onair {

struct EngineConfig;
class BannerService;
class Hub;
class Journal;
class Metrics;
class Recordings;
class LanguageChannels;
class RedisBus;
class Store;

// The server as the HTTP controllers (REST, health, refused WebSocket endpoints) see it: what
// they read and the few things they may do. The engine implements it (engine/enginecontext.h),
// so http/ does not depend on engine/. Called on the engine's thread.
class ServerContext
{
public:
    virtual ~ServerContext() = default;

    virtual const EngineConfig &config() const = 0;
    virtual Hub *hub() const = 0;
    virtual Metrics *metrics() const = 0;
    virtual Store *store() const = 0;
    virtual BannerService *banners() const = 0;
    virtual Journal *journal() const = 0; // null: --no-history
    virtual RedisBus *bus() const = 0; // null without --redis (or before it started)
    virtual Recordings *recordings() const = 0; // null when the store keeps no recordings
    virtual QString replicaId() const = 0;
    // Signs and verifies tokens.
    virtual const QByteArray &secret() const = 0;

    // Listeners of a stream on this replica; closes one of its connections (1008 + reason).
    virtual QList<ListenerInfo> listenersOf(const QString &stream) const = 0;
    virtual bool kick(quint64 connection, const QString &reason) = 0;
    // The live interpretation channels of a stream: [{"lang","stream_id","mode"}].
    virtual QJsonArray interpretationChannels(const QString &stream) const = 0;
    // The language channels' arbiter (null before the engine started).
    virtual LanguageChannels *languageChannels() const = 0;

    // /health, /health/connections, /health/full, /metrics (engine/healthreport.h).
    virtual QJsonObject healthJson() const = 0;
    virtual QJsonObject connectionsJson() const = 0;
    virtual QJsonObject fullHealthJson() = 0;
    virtual QByteArray prometheusText() const = 0;
};

} // namespace onair
