#pragma once

#include "audio/opuscodec.h"
#include "audio/resample.h"
#include "audio/streamdecoder.h"
#include "interpretation/interpreterhost.h"
#include "interpretation/stageguard.h"
#include "interpretation/stagethread.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <deque>
#include <map>
#include <memory>
#include <vector>

namespace onair {

class Interpreters;
class StreamFeed;

// One stream's interpretation, on its own thread: the original stream in (a StreamFeed),
// speech to text, and per target language translation, speech synthesis and the translated
// channel's Opus frames out, each stage on its own thread under a StageGuard.
class InterpreterSession final : public QObject
{
public:
    InterpreterSession(Interpreters *manager, const InterpreterHost &host, QString stream, QString source,
                       QStringList targets);
    ~InterpreterSession() override;

    // On the session thread.
    void start();
    // The speaker left: finish the utterance in progress, play what is translated, then stop.
    void beginDrain();
    bool drained() const;
    // Before the thread is stopped (see interpretersession.cpp).
    void shutdown();
    QStringList channelIds() const;

private:
    struct Inbox;
    struct Channel;
    struct Speech
    {
        quint64 utterance = 0;
        QByteArray pcm; // s16le 48 kHz
        qsizetype offset = 0;
        qint64 endWallMs = 0;
    };
    struct Pending
    {
        qint64 deadlineMs; // session clock
        qint64 postedMs;
    };
    using PendingCalls = std::map<quint64, Pending>;

    template <typename F> static void toSession(const std::shared_ptr<Inbox> &inbox, F &&f);
    template <typename T, typename Make>
    void createStage(StageThread &thread, std::shared_ptr<StageHolder<T>> holder, StageGuard &guard, Make make);
    template <typename T, typename Out, typename Call, typename Done>
    void callStage(StageThread &thread, std::shared_ptr<StageHolder<T>> holder, const StageGuard &guard,
                   const QString &missing, Call call, Done done);
    void startChannel(Channel &c);
    void stopStages();

    // input
    void onPayload(bool audio, const QByteArray &payload);
    void readFormat();
    void setFormat(const QJsonObject &format);
    void onAudio(const QByteArray &payload);
    void flushStt(bool finish);
    void onSttResult(bool ok, const QList<RecognizedUtterance> &done, const QString &error, int retries);
    qint64 wallAt(qint64 audioMs) const;
    void onUtterance(const RecognizedUtterance &u, qint64 endWall);

    // translation and synthesis
    bool admit(StageGuard &guard, PendingCalls &pending, quint64 id);
    qint64 settle(StageGuard &guard, PendingCalls &pending, quint64 id, int retries);
    void expire(Channel &c, StageGuard &guard, PendingCalls &pending, qint64 now);
    void translate(Channel &c, quint64 id, const QString &text, qint64 endWall);
    void onTranslated(Channel &c, quint64 id, bool ok, const QString &text, const QString &error, int retries);
    void synthesize(Channel &c, quint64 id, const QString &text);
    void onSynthesized(Channel &c, quint64 id, bool ok, const QByteArray &pcm, const QString &error, int retries);
    void queueSpeech(Channel &c, Speech speech);

    // output
    void tick();
    void emitFrame(Channel &c);
    void takeSpeech(Channel &c, QByteArray *frame, qsizetype *filled);

    // modes and state
    void updateModes();
    QJsonArray channelsJson() const;
    void publishState(bool announce);

    Interpreters *m_manager;
    const InterpreterHost m_host;
    const EngineConfig &m_config;
    const InterpretationBackends &m_backends;
    const QString m_stream, m_source;
    std::shared_ptr<Inbox> m_inbox;
    std::unique_ptr<StreamFeed> m_feed;
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_framesSent = 0, m_lastStateMs = 0, m_lastModeCheck = 0, m_lastFeedCheck = 0;
    bool m_draining = false;
    qint64 m_drainStart = 0;

    // input
    StreamDecoder m_decoder; // the stream's audio as mono 48 kHz
    StreamResampler m_toStt;
    QByteArray m_pending16;

    // speech to text
    StageGuard m_stt;
    std::unique_ptr<StageThread> m_sttThread;
    std::shared_ptr<StageHolder<SpeechToText>> m_sttImpl = std::make_shared<StageHolder<SpeechToText>>();
    int m_sttPending = 0;
    bool m_sttBehind = false, m_sttResetNeeded = false, m_sttStarted = false;
    qint64 m_sttFedSamples = 0;
    std::deque<std::pair<qint64, qint64>> m_sttTimeline; // (samples fed up to, wall ms)
    quint64 m_utterances = 0;

    std::vector<std::unique_ptr<Channel>> m_channels;
};

} // namespace onair
