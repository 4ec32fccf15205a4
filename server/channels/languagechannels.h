#pragma once

#include "channels/channelstore.h"
#include "fanout/streamstate.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>

namespace onair {

class Hub;
class SpeakerSession;
struct TapLink;

// The arbiter of the language channels ("main~nl", docs/interpretation.md "Human
// interpreters"): a person on air on a channel (here or on another replica) is what it
// carries; while none is, this replica — where the floor's speaker is — puts a fallback on
// it: the machine interpreter's speech, the floor's own audio relayed, or silence. The
// fallback is a speaker that yields (Hub::joinSpeaker): the moment a person joins they have
// the slot, and the fallback comes back when they leave.
//
// Lives on the engine's thread; the packet paths (machinePacket, the floor's tap) and the
// views (json, fallbackOf) are thread-safe.
class LanguageChannels final : public QObject
{
    Q_OBJECT
public:
    LanguageChannels(Hub *hub, ChannelStore *store, QObject *parent = nullptr);
    ~LanguageChannels() override;

    static bool isFallbackName(const QString &fallback);

    // Loads the declared channels and re-reads them every `reloadMs` (the replicas share them).
    void start(int reloadMs = 2000);
    // Takes every fallback off air (before the hub goes).
    void stop();

    // The machine interpreter's side (InterpreterHost). Any thread.
    void machineStarted(const QString &channel, const QJsonObject &format);
    void machinePacket(const QString &channel, const QByteArray &packet);
    void machineStopped(const QString &channel);

    // Hub::SpeakerEvents and the cluster: a channel's speaker slot changed. Any thread.
    void speakerChanged(const QString &channel);
    void remoteSpeakersChanged(const QStringList &streams);
    // A connection of ours (a fallback) lost its slot to a person.
    bool ownsConnection(quint64 connection) const;

    // REST and the control room. Any thread; setFallback / forget write the store.
    bool setFallback(const QString &channel, const QString &fallback, QString *error);
    bool forget(const QString &channel, QString *error);
    // Every channel known here (declared, served by the machine, or with a person on air) of
    // `floor` (all when empty): [{"stream_id","floor","lang","source","fallback","machine",
    // "speaker","listeners"}]; source is human, machine, original, silence or off.
    QJsonArray json(const QString &floor = {}) const;
    QString sourceOf(const QString &channel) const;

private:
    struct Channel
    {
        QString id, floor, lang;
        bool declared = false;  // in the store, or a person has spoken on it
        bool stored = false;    // in the store
        QString fallback = QStringLiteral("machine");
        bool machineUp = false;
        QJsonObject machineFormat;
        std::shared_ptr<SpeakerSession> session; // the fallback on air (or waiting)
    };
public:
    class FloorTap;

private:
    friend class FloorTap;

    void post(const QString &channel);
    void reconcileAll();
    void reconcile(const QString &channel);
    QString wantedSource(const Channel &c, bool floorLocal) const;
    QJsonObject formatFor(const Channel &c, const QString &source) const;
    void putOnAir(const QString &channel, const QString &source);
    void forgetIfUnused(const QString &channel);
    void announceRemote(const QString &channel);
    QString sourceLocked(const Channel &c, QString *speaker) const;
    void takeOffAir(const QString &channel);
    void ensureTap(const QString &floor);
    void reload();
    Channel &channelLocked(const QString &id);
    bool personOn(const QString &channel, quint64 fallbackId) const;
    void relay(const QString &floor, bool audio, const QByteArray &payload);

    Hub *const m_hub;
    ChannelStore *const m_store;
    std::shared_ptr<TapLink> m_link;
    QTimer m_reload;
    mutable QMutex m_mutex;
    QHash<QString, Channel> m_channels;               // guarded by m_mutex
    QHash<QString, QStringList> m_byFloor;             // floor → channels, guarded by m_mutex
    QHash<QString, std::shared_ptr<StreamState>> m_tapped; // floor → the state its tap is on (engine thread)
    QHash<QString, std::shared_ptr<FloorTap>> m_taps;  // engine thread
    QSet<QString> m_posted;                            // reconciles queued, guarded by m_mutex
    bool m_stopped = false;
};

} // namespace onair
