#pragma once

#include "interpretation/interpreterhost.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

class QThread;

namespace onair {

class InterpreterSession;
struct StageThread;

// Runs the interpretation sessions of this replica: one per stream whose speaker is here and
// which has targets (per stream, else the engine's --translate). Lives on the engine's
// thread; each session on its own thread, each stage of a session on its own thread
// (interpretersession.h). What it needs of the engine comes through the InterpreterHost.
class Interpreters final : public QObject
{
    Q_OBJECT
public:
    explicit Interpreters(InterpreterHost host, QObject *parent = nullptr);
    ~Interpreters() override;

    bool set(const QString &stream, const QString &source, const QStringList &targets, QString *error);
    QPair<QString, QStringList> settingsOf(const QString &stream) const;
    QJsonObject json() const;
    QStringList degradedReasons() const;
    // The translated channels of a stream on this replica, with their modes.
    QJsonArray channelsOf(const QString &stream) const;
    StageFaults *faults(const QString &stage);
    void stopAll();

    // For the sessions, from their threads.
    void publishEvent(const QString &stream, const QJsonObject &event);
    // Shared with stage threads that may outlive a session (a call that would not return).
    std::shared_ptr<StageFaults> sharedFaults(const QString &stage) const;
    void setSessionJson(const QString &stream, const QJsonObject &session);
    void forgetSession(const QString &stream);
    // A stage thread whose call did not return in time: reclaimed here when it ends.
    void abandon(StageThread *stage, const QString &what);

private:
    struct Running
    {
        InterpreterSession *session = nullptr;
        QThread *thread = nullptr;
        QString source;
        QStringList targets;
        bool draining = false;
    };
    void reconcile();
    QHash<QString, QPair<QString, QStringList>> desiredSessions() const;
    bool shouldStop(Running &r, const QPair<QString, QStringList> *want);
    void stopSession(Running &r);
    void startSession(const QString &stream, const QPair<QString, QStringList> &settings);
    void startChannels(const QString &stream, const QStringList &targets);
    QString validate(const QString &source, const QStringList &targets) const;

    const InterpreterHost m_host;
    QTimer m_timer;
    QHash<QString, QPair<QString, QStringList>> m_settings; // stream → (source, targets)
    QHash<QString, Running> m_sessions;
    QStringList m_onAirChannels;
    std::shared_ptr<StageFaults> m_sttFaults = std::make_shared<StageFaults>(),
                                 m_mtFaults = std::make_shared<StageFaults>(),
                                 m_ttsFaults = std::make_shared<StageFaults>();
    // Stage calls still running when their session stopped, left to finish on their own.
    std::atomic<int> m_abandonedStages{0};
    mutable QMutex m_jsonMutex; // the sessions' last published state
    QHash<QString, QJsonObject> m_sessionJson;
};

} // namespace onair
