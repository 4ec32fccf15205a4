#pragma once

#include "engine/engine.h"
#include "http/servercontext.h"

namespace onair {

// The engine as the HTTP controllers see it (http/servercontext.h): forwards to Engine.
class EngineContext final : public ServerContext
{
public:
    explicit EngineContext(Engine *engine) : m_engine(engine) {}

    const EngineConfig &config() const override { return m_engine->config(); }
    Hub *hub() const override { return m_engine->hub(); }
    Metrics *metrics() const override { return m_engine->metrics(); }
    Store *store() const override { return m_engine->store(); }
    Journal *journal() const override { return m_engine->journal(); }
    BannerService *banners() const override { return m_engine->banners(); }
    RedisBus *bus() const override { return m_engine->bus(); }
    Recordings *recordings() const override { return m_engine->recordings(); }
    QString replicaId() const override { return m_engine->replicaId(); }
    const QByteArray &secret() const override { return m_engine->secret(); }
    QList<ListenerInfo> listenersOf(const QString &stream) const override { return m_engine->listenersOf(stream); }
    bool kick(quint64 connection, const QString &reason) override { return m_engine->kick(connection, reason); }
    LanguageChannels *languageChannels() const override { return m_engine->channels(); }
    QJsonArray interpretationChannels(const QString &stream) const override
    {
        return m_engine->interpretationChannels(stream);
    }
    QJsonObject healthJson() const override { return m_engine->healthJson(); }
    QJsonObject connectionsJson() const override { return m_engine->connectionsJson(); }
    QJsonObject fullHealthJson() override { return m_engine->fullHealthJson(); }
    QByteArray prometheusText() const override { return m_engine->prometheusText(); }

private:
    Engine *m_engine;
};

} // namespace onair
