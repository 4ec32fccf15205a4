#pragma once

#include "interpretation/interpretation.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <deque>
#include <memory>

namespace onair {

class Engine;
class InterpreterSession;

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
    StageGuard(QString stage, QString lang, Options options) : m_stage(std::move(stage)), m_lang(std::move(lang)), m_options(options) {}

    enum class State { Closed, Open, HalfOpen, Unavailable };
    // May a call go now? An open circuit lets one trial through after the cooldown.
    bool allow(qint64 nowMs);
    void succeeded(qint64 nowMs, double latencyMs = -1);
    void failed(qint64 nowMs, const QString &error, bool timeout = false);
    void setUnavailable(const QString &why);
    void setAvailable(const QString &name);
    void countRetries(int n) { m_retries += n; }
    void countDropped(int n = 1) { m_dropped += n; }
    bool usable() const { return m_state == State::Closed || m_state == State::HalfOpen; }
    State state() const { return m_state; }
    const Options &options() const { return m_options; }
    const QString &stage() const { return m_stage; }
    const QString &lastError() const { return m_lastError; }
    QJsonObject json() const;

private:
    void open(qint64 nowMs);
    QString m_stage, m_lang, m_name;
    Options m_options;
    State m_state = State::Unavailable;
    int m_consecutive = 0;
    qint64 m_openedAt = 0;
    bool m_trial = false;
    qint64 m_calls = 0, m_failures = 0, m_timeouts = 0, m_retries = 0, m_dropped = 0;
    QString m_lastError;
    std::deque<double> m_latencies; // the last 512
};

double percentile(std::vector<double> values, double q);

// Runs the interpretation sessions of this replica: one per stream whose speaker is here and
// which has targets (per stream, else the engine's --translate). Lives on the engine's
// thread; each session on its own thread, each stage of a session on its own thread.
class Interpreters final : public QObject
{
    Q_OBJECT
public:
    explicit Interpreters(Engine *engine);
    ~Interpreters() override;

    bool set(const QString &stream, const QString &source, const QStringList &targets, QString *error);
    QPair<QString, QStringList> settingsOf(const QString &stream) const;
    QJsonObject json() const;
    QStringList degradedReasons() const;
    // The translated channels of a stream on this replica, with their modes.
    QJsonArray channelsOf(const QString &stream) const;
    StageFaults *faults(const QString &stage);
    void stopAll();

    // Called from session threads.
    void publishEvent(const QString &stream, const QJsonObject &event);

private:
    void reconcile();
    QString validate(const QString &source, const QStringList &targets) const;

    Engine *m_engine;
    QTimer m_timer;
    QHash<QString, QPair<QString, QStringList>> m_settings; // stream → (source, targets)
    struct Running
    {
        InterpreterSession *session = nullptr;
        QThread *thread = nullptr;
        QString source;
        QStringList targets;
        bool draining = false;
    };
    QHash<QString, Running> m_sessions;
    QStringList m_onAirChannels;
    // Shared with stage threads that may outlive a session (a call that would not return).
    std::shared_ptr<StageFaults> m_sttFaults = std::make_shared<StageFaults>(),
                                 m_mtFaults = std::make_shared<StageFaults>(),
                                 m_ttsFaults = std::make_shared<StageFaults>();
    std::shared_ptr<StageFaults> sharedFaults(const QString &stage) const;
    // Stage calls still running when their session stopped, left to finish on their own.
    std::atomic<int> m_abandonedStages{0};
    mutable QMutex m_jsonMutex; // the sessions' last published state
    QHash<QString, QJsonObject> m_sessionJson;
    friend class InterpreterSession;
};

} // namespace onair
