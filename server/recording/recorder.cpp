#include "recording/recorder.h"

#include "audio/opuscodec.h"
#include "audio/streamdecoder.h"
#include "core/clock.h"
#include "fanout/bannerdesk.h"
#include "fanout/cluster.h"
#include "fanout/hub.h"
#include "fanout/streamfeed.h"
#include "streaming/oggopuswriter.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <utility>

namespace onair {

namespace {
constexpr qint64 kMsNs = 1000000;
constexpr int kRate = 48000;
constexpr int kSilenceSamples = 960; // 20 ms
// Without audio for this long (nobody on air / a speaker on air whose audio stalled), the
// recording fills silence as time passes. A stall's late audio then comes after the fill.
constexpr qint64 kFillAfterNs = 200 * kMsNs;
constexpr qint64 kFillAfterLiveNs = 1000 * kMsNs;
// Audio arriving this far behind the clock (the first packet after a gap): silence first, so
// the packet lands where the timeline says it happened.
constexpr qint64 kCatchUpSamples = 300 * kRate / 1000;
// No audio for this long before a packet: it is the first after a gap.
constexpr qint64 kGapNs = 100 * kMsNs;

QByteArray opusSilence()
{
    OpusFrameEncoder enc;
    OpusSettings s;
    s.bitrate = 16000;
    s.inbandFec = false;
    QString error;
    QByteArray silence;
    if (enc.open(s, &error)) {
        const QByteArray zeros(kSilenceSamples * 2, '\0');
        for (int i = 0; i < 3; ++i) {
            const QList<QByteArray> packets = enc.encode(zeros);
            if (!packets.isEmpty())
                silence = packets.constLast();
        }
    }
    return silence;
}

QString isoUtc(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

// Writes all of `data` to `f` (opened Unbuffered) with write(2), so that a refusal comes with
// the system's reason ("No space left on device"), which QFile reports as "Unknown error".
bool writeAll(QFile &f, const QByteArray &data, QString *why)
{
    const char *p = data.constData();
    qint64 left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(f.handle(), p, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *why = QString::fromLocal8Bit(std::strerror(n < 0 ? errno : ENOSPC));
            return false;
        }
        p += n;
        left -= n;
    }
    return true;
}
} // namespace

Recorder::Recorder(Hub *hub, RecordingInfo info, const Options &options)
    : m_hub(hub), m_info(std::move(info)), m_options(options)
{
}

Recorder::~Recorder()
{
    if (!m_finished)
        finish(QStringLiteral("finished"), QString());
}

bool Recorder::open(QString *error)
{
    const QFileInfo fi(m_info.path);
    if (!QDir().mkpath(fi.absolutePath())) {
        *error = QStringLiteral("cannot create the directory %1").arg(fi.absolutePath());
        return false;
    }
    m_ogg.setFileName(m_info.path);
    m_timeline.setFileName(m_info.timelinePath());
    // Unbuffered: a write the disk refuses fails here, not later in a flush nobody checks.
    if (!m_ogg.open(QIODevice::WriteOnly | QIODevice::NewOnly | QIODevice::Unbuffered)) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_info.path, m_ogg.errorString());
        return false;
    }
    if (!m_timeline.open(QIODevice::WriteOnly | QIODevice::NewOnly | QIODevice::Unbuffered)) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_timeline.fileName(), m_timeline.errorString());
        m_ogg.close();
        m_ogg.remove();
        return false;
    }
    m_startNs = monotonicNs();
    m_lastFlushNs = m_lastCountNs = m_startNs;
    m_silence = opusSilence();
    m_decoder = std::make_unique<StreamDecoder>();
    m_feed = std::make_unique<StreamFeed>(m_hub, m_info.stream, [this](bool audio, const QByteArray &payload) {
        postPayload(audio, payload);
    });
    m_feed->refresh();
    QJsonObject format;
    if (m_feed->state()) {
        format = m_hub->format(m_feed->state());
        m_speakerLive = m_hub->speakerLive(m_feed->state());
        m_joinSaidAtAttach = m_speakerLive;
    }
    const int channels = format.value(QLatin1String("channels")).toInt(1);
    m_writer = std::make_unique<OggOpusWriter>(int(QRandomGenerator::global()->bounded(1, 0x7fffffff)), channels, 312,
                                               m_info.stream + QLatin1Char(' ') + isoUtc(m_info.start));
    m_lastAudioNs = m_speakerLive ? m_startNs : 0;
    writeLine({{QStringLiteral("type"), QStringLiteral("start")},
               {QStringLiteral("stream_id"), m_info.stream},
               {QStringLiteral("id"), m_info.id},
               {QStringLiteral("started_at"), isoUtc(m_info.start)},
               {QStringLiteral("replica"), m_info.replica},
               {QStringLiteral("speaker_live"), m_speakerLive}},
              m_startNs);
    setFormat(format);
    QString why;
    if (!writeAll(m_ogg, m_writer->headers(), &why)) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_info.path, why);
        return false;
    }
    m_bytes.store(m_writer->headers().size());
    if (!flush()) {
        *error = failure();
        return false;
    }
    return true;
}

void Recorder::postPayload(bool audio, const QByteArray &payload)
{
    QMutexLocker lock(&m_inboxMutex);
    if (m_inbox.size() >= m_options.maxQueue) {
        m_inbox.removeFirst();
        m_dropped.fetch_add(1, std::memory_order_relaxed);
    }
    Item item;
    item.audio = audio;
    item.payload = payload;
    item.atNs = monotonicNs();
    m_inbox.append(std::move(item));
}

void Recorder::postLine(const QJsonObject &line, qint64 atNs)
{
    QMutexLocker lock(&m_inboxMutex);
    Item item;
    item.line = true;
    item.fields = line;
    item.atNs = atNs;
    m_inbox.append(std::move(item)); // lines are few: never dropped
}

QString Recorder::failure() const
{
    QMutexLocker lock(&m_failureMutex);
    return m_failure;
}

void Recorder::fail(const QString &reason)
{
    if (m_failed)
        return;
    m_failed = true;
    QMutexLocker lock(&m_failureMutex);
    m_failure = reason;
}

bool Recorder::tick(qint64 nowNs)
{
    if (m_failed || m_finished)
        return !m_failed;
    // The feed's tap is on every stream the hub makes for the id from its first payload: the
    // speaker's "speaker_joined" and "format" come as messages, in order with the audio.
    m_feed->refresh();
    QList<Item> batch;
    {
        QMutexLocker lock(&m_inboxMutex);
        batch.swap(m_inbox);
    }
    for (const Item &item : std::as_const(batch))
        process(item);
    if (nowNs - m_lastAudioNs > (m_speakerLive ? kFillAfterLiveNs : kFillAfterNs))
        fillSilenceUntil((nowNs - m_startNs) * kRate / 1000000000);
    if (nowNs - m_lastCountNs >= 1000 * kMsNs) {
        m_lastCountNs += 1000 * kMsNs;
        ClusterLink *cluster = m_hub->cluster();
        const int count = m_hub->listenersOf(m_info.stream) + (cluster ? cluster->remoteListeners(m_info.stream) : 0);
        writeLine({{QStringLiteral("type"), QStringLiteral("listeners")}, {QStringLiteral("count"), count}},
                  m_lastCountNs);
        sampleReceipts();
    }
    if (nowNs - m_lastFlushNs >= qint64(m_options.flushMs) * kMsNs) {
        m_lastFlushNs = nowNs;
        flush();
    }
    return !m_failed;
}

void Recorder::sampleReceipts()
{
    const QJsonObject counts = m_options.banners ? m_options.banners->activeReceiptCounts() : QJsonObject();
    if (counts.isEmpty() || counts == m_lastReceipts)
        return;
    m_lastReceipts = counts;
    QJsonObject line{{QStringLiteral("type"), QStringLiteral("banner")}, {QStringLiteral("event"), QStringLiteral("receipts")}};
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it)
        line.insert(it.key(), it.value());
    writeLine(line, m_lastCountNs);
}

void Recorder::process(const Item &item)
{
    if (item.line) {
        writeLine(item.fields, item.atNs);
        return;
    }
    // A speaker seen live when the feed was attached may have been published a moment later
    // too: that "speaker_joined", if it is the feed's first word, is the same join.
    const bool firstWord = std::exchange(m_joinSaidAtAttach, false);
    if (item.audio) {
        audio(item.payload, item.atNs);
        return;
    }
    const QJsonObject msg = QJsonDocument::fromJson(item.payload).object();
    if (firstWord && msg.value(QLatin1String("type")).toString() == QLatin1String("speaker_joined"))
        return;
    message(msg, item.atNs);
}

void Recorder::message(const QJsonObject &msg, qint64 atNs)
{
    const QString type = msg.value(QLatin1String("type")).toString();
    if (type == QLatin1String("format")) {
        const QJsonObject format = msg.value(QLatin1String("format")).toObject();
        setFormat(format);
        writeLine({{QStringLiteral("type"), type}, {QStringLiteral("format"), format}}, atNs);
    } else if (type == QLatin1String("speaker_joined") || type == QLatin1String("speaker_left")) {
        m_speakerLive = type == QLatin1String("speaker_joined");
        if (m_speakerLive)
            setFormat({}); // until its hello says otherwise
        writeLine({{QStringLiteral("type"), type}}, atNs);
    }
}

void Recorder::setFormat(const QJsonObject &format)
{
    m_decoder->setFormat(format);
    m_opus = m_decoder->isOpus();
}

void Recorder::audio(const QByteArray &payload, qint64 atNs)
{
    // The first packet after a gap lands where it arrived; within speech, arrival jitter up to
    // kCatchUpSamples is not mistaken for a gap.
    const bool afterGap = atNs - m_lastAudioNs > kGapNs;
    m_lastAudioNs = atNs;
    const qint64 behind = (atNs - m_startNs) * kRate / 1000000000 - m_writer->granule();
    if (behind > (afterGap ? kSilenceSamples : kCatchUpSamples))
        fillSilenceUntil(m_writer->granule() + behind - kSilenceSamples);
    if (m_opus) {
        addPacket(payload);
        return;
    }
    if (!m_encoder) {
        m_encoder = std::make_unique<OpusFrameEncoder>();
        OpusSettings s;
        s.bitrate = m_options.opusBitrate;
        s.inbandFec = false; // nothing is lost between here and the file
        QString error;
        if (!m_encoder->open(s, &error)) {
            fail(QStringLiteral("the Opus encoder refused: %1").arg(error));
            return;
        }
    }
    const QList<QByteArray> packets = m_encoder->encode(m_decoder->decode(payload));
    for (const QByteArray &p : packets)
        addPacket(p);
}

void Recorder::addPacket(const QByteArray &packet)
{
    if (m_writer->addPacket(packet))
        m_samples.store(m_writer->granule(), std::memory_order_relaxed);
}

void Recorder::fillSilenceUntil(qint64 samples)
{
    if (m_silence.isEmpty())
        return;
    while (m_writer->granule() + kSilenceSamples <= samples)
        addPacket(m_silence);
}

void Recorder::writeLine(QJsonObject line, qint64 atNs)
{
    QJsonObject out{{QStringLiteral("t"), offsetMs(atNs)}};
    for (auto it = line.constBegin(); it != line.constEnd(); ++it)
        out.insert(it.key(), it.value());
    m_pendingLines += QJsonDocument(out).toJson(QJsonDocument::Compact);
    m_pendingLines += '\n';
}

bool Recorder::flush()
{
    if (m_failed)
        return false;
    const QByteArray pages = m_writer->flush();
    QString why;
    if (!pages.isEmpty() && !writeAll(m_ogg, pages, &why)) {
        fail(QStringLiteral("writing %1 failed: %2").arg(m_info.path, why));
        return false;
    }
    m_bytes.fetch_add(pages.size(), std::memory_order_relaxed);
    if (!m_pendingLines.isEmpty()) {
        // Whole lines in one write: after a crash the timeline is valid up to its last line.
        if (!writeAll(m_timeline, m_pendingLines, &why)) {
            fail(QStringLiteral("writing %1 failed: %2").arg(m_timeline.fileName(), why));
            return false;
        }
        m_pendingLines.clear();
    }
    return true;
}

RecordingInfo Recorder::finish(const QString &state, const QString &reason)
{
    RecordingInfo info = m_info;
    if (m_finished)
        return info;
    m_finished = true;
    m_feed.reset();
    if (m_writer) {
        QList<Item> batch;
        {
            QMutexLocker lock(&m_inboxMutex);
            batch.swap(m_inbox);
        }
        for (const Item &item : std::as_const(batch))
            process(item);
        QJsonObject end{{QStringLiteral("type"), QStringLiteral("end")},
                        {QStringLiteral("state"), m_failed ? QStringLiteral("failed") : state},
                        {QStringLiteral("duration_ms"), durationMs()}};
        if (!reason.isEmpty())
            end.insert(QStringLiteral("reason"), reason);
        writeLine(end, m_startNs + durationMs() * kMsNs);
        flush();
    }
    m_ogg.close();
    m_timeline.close();
    info.end = QDateTime::currentDateTimeUtc();
    info.durationMs = durationMs();
    info.bytes = QFileInfo(m_info.path).size(); // with what a failed write left behind
    info.state = m_failed ? QStringLiteral("failed") : state;
    info.reason = m_failed ? failure() : reason;
    return info;
}

} // namespace onair
