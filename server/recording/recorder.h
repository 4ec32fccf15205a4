#pragma once

#include "recording/recordinginfo.h"

#include <QByteArray>
#include <QFile>
#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <atomic>
#include <memory>

namespace onair {

class BannerDesk;
class Hub;
class OggOpusWriter;
class OpusFrameEncoder;
class StreamDecoder;
class StreamFeed;

// One recording of one stream: its payloads (through a StreamFeed) become Ogg Opus pages in
// the .ogg file, and what happened (speaker, format, banners, captions, listener counts, marks)
// JSON lines in the .jsonl. Everything but post() runs on the recorder thread; post() is called
// on publishing threads (fan-out workers, the bus, the journal) and only queues.
//
// The audio's clock is the timeline's: a gap with no audio (nobody speaking, a stalled network)
// is filled with Opus silence as time passes, so a line at t ms is heard t ms into the file.
class Recorder final
{
public:
    struct Options
    {
        int flushMs = 500;
        int opusBitrate = 32000;
        int maxQueue = 2000;
        BannerDesk *banners = nullptr; // the active banner's receipt counts, sampled once a second
    };
    Recorder(Hub *hub, RecordingInfo info, const Options &options);
    ~Recorder();
    Q_DISABLE_COPY_MOVE(Recorder)

    // Creates the directory and both files, writes the Ogg headers and the timeline's start
    // line, attaches to the stream. False with `error` when the disk refuses.
    bool open(QString *error);

    // Any thread: a payload of the stream (audio, or a JSON message for its listeners), or a
    // timeline line (type + fields; "t" is added from `atNs`, the monotonic time it happened).
    void postPayload(bool audio, const QByteArray &payload);
    void postLine(const QJsonObject &line, qint64 atNs);

    // Recorder thread: the queued payloads and lines, the silence filler, the flush, the
    // listener count (once a second). Returns false once the recording failed (see reason()).
    bool tick(qint64 nowNs);
    // Recorder thread: flushes, writes the end line, closes both files. The final info.
    RecordingInfo finish(const QString &state, const QString &reason);

    // Thread-safe
    const RecordingInfo &info() const { return m_info; } // id, stream, path, start (immutable)
    qint64 bytes() const { return m_bytes.load(std::memory_order_relaxed); }
    qint64 durationMs() const { return m_samples.load(std::memory_order_relaxed) / 48; }
    qint64 elapsedMs(qint64 nowNs) const { return (nowNs - m_startNs) / 1000000; }
    qint64 droppedPayloads() const { return m_dropped.load(std::memory_order_relaxed); }
    QString failure() const;
    qint64 offsetMs(qint64 atNs) const { return atNs > m_startNs ? (atNs - m_startNs) / 1000000 : 0; }

private:
    struct Item
    {
        bool audio = false;
        bool line = false;
        QByteArray payload;
        QJsonObject fields;
        qint64 atNs = 0;
    };
    void process(const Item &item);
    void sampleReceipts(); // the active banner's receipt counts, when they changed
    void message(const QJsonObject &msg, qint64 atNs);
    void audio(const QByteArray &payload, qint64 atNs);
    void addPacket(const QByteArray &packet);
    void fillSilenceUntil(qint64 samples);
    void writeLine(QJsonObject line, qint64 atNs);
    bool flush();
    void fail(const QString &reason);
    void setFormat(const QJsonObject &format);

    Hub *m_hub;
    RecordingInfo m_info;
    const Options m_options;
    qint64 m_startNs = 0;

    QMutex m_inboxMutex;
    QList<Item> m_inbox;

    // Recorder thread only
    std::unique_ptr<StreamFeed> m_feed;
    std::unique_ptr<OggOpusWriter> m_writer;
    std::unique_ptr<StreamDecoder> m_decoder;
    std::unique_ptr<OpusFrameEncoder> m_encoder;
    QByteArray m_silence;          // one 20 ms Opus packet of silence
    QFile m_ogg;
    QFile m_timeline;
    QByteArray m_pendingLines;
    QJsonObject m_lastReceipts; // the last banner receipts line's counts (a new line when they change)
    bool m_opus = false;
    bool m_speakerLive = false;
    bool m_joinSaidAtAttach = false; // live when the feed was attached: its own join may echo
    qint64 m_lastAudioNs = 0;
    qint64 m_lastFlushNs = 0;
    qint64 m_lastCountNs = 0;
    bool m_failed = false;
    bool m_finished = false;

    mutable QMutex m_failureMutex;
    QString m_failure;
    std::atomic<qint64> m_bytes{0}, m_samples{0}, m_dropped{0};
};

} // namespace onair
