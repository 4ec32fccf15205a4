#include "monitor/streamwatch.h"

#include "audio/streamdecoder.h"
#include "core/clock.h"
#include "core/logging.h"
#include "fanout/cluster.h"
#include "fanout/hub.h"
#include "fanout/streamfeed.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <cmath>

namespace onair {

namespace {
constexpr int kTickMs = 250;        // payloads are decoded this often
constexpr int kTicksPerJudge = 4;   // the hearing and the warnings: once a second
constexpr int kMaxInbox = 400;      // payloads waiting for the watch thread (8 s of 20 ms frames)
} // namespace

QJsonObject StreamWatchStatus::toJson() const
{
    QJsonArray warnings;
    if (unheard)
        warnings.append(QStringLiteral("nobody_hearing"));
    if (silent)
        warnings.append(QStringLiteral("input_silent"));
    return {{QStringLiteral("live"), live},
            {QStringLiteral("hearing"), hearing.toJson()},
            {QStringLiteral("level_dbfs"), levelKnown ? QJsonValue(std::round(levelDbfs * 10) / 10) : QJsonValue()},
            {QStringLiteral("warnings"), warnings}};
}

// A local speaker's input: its payloads, handed from the publishing thread to the watch's.
class StreamWatch::Level
{
public:
    Level(Hub *hub, const QString &stream)
        : m_feed(hub, stream, [inbox = m_inbox](bool audio, const QByteArray &payload) {
              QMutexLocker lock(&inbox->mutex);
              if (inbox->items.size() < kMaxInbox)
                  inbox->items.append({audio, payload});
          }),
          m_hub(hub)
    {
        refresh();
    }

    void refresh()
    {
        if (m_feed.refresh() && m_feed.state())
            m_decoder.setFormat(m_hub->format(m_feed.state()));
    }

    // Decodes what arrived; adds to the current second's sum of squares.
    void drain()
    {
        QList<QPair<bool, QByteArray>> items;
        {
            QMutexLocker lock(&m_inbox->mutex);
            items.swap(m_inbox->items);
        }
        for (const auto &[audio, payload] : std::as_const(items)) {
            if (!audio) {
                const QJsonObject m = QJsonDocument::fromJson(payload).object();
                if (m.value(QLatin1String("type")).toString() == QLatin1String("format"))
                    m_decoder.setFormat(m.value(QLatin1String("format")).toObject());
                continue;
            }
            const QByteArray pcm = m_decoder.decode(payload);
            const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
            for (qsizetype i = 0, n = pcm.size() / 2; i < n; ++i)
                m_sumSquares += double(s[i]) * s[i];
            m_samples += pcm.size() / 2;
        }
    }

    // The RMS level (dBFS) since the last call; nullopt when no audio arrived.
    std::optional<double> takeLevel()
    {
        if (m_samples == 0)
            return std::nullopt;
        const double rms = std::sqrt(m_sumSquares / double(m_samples)) / 32768.0;
        m_sumSquares = 0;
        m_samples = 0;
        return rms > 1e-6 ? 20.0 * std::log10(rms) : -120.0;
    }

private:
    struct Inbox
    {
        QMutex mutex;
        QList<QPair<bool, QByteArray>> items;
    };
    std::shared_ptr<Inbox> m_inbox = std::make_shared<Inbox>();
    StreamFeed m_feed;
    Hub *m_hub;
    StreamDecoder m_decoder;
    double m_sumSquares = 0;
    qint64 m_samples = 0;
};

StreamWatch::StreamWatch(Hub *hub, const EngineConfig &config) : m_hub(hub), m_config(config)
{
    m_thread.setObjectName(QStringLiteral("onair-watch"));
}

StreamWatch::~StreamWatch() { stop(); }

void StreamWatch::start()
{
    if (m_thread.isRunning())
        return;
    moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(this, [this] {
        m_timer = new QTimer(this);
        m_timer->setInterval(kTickMs);
        connect(m_timer, &QTimer::timeout, this, &StreamWatch::tick);
        m_timer->start();
    });
}

void StreamWatch::stop()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(this, [this] {
        delete m_timer;
        m_timer = nullptr;
        m_levels.clear(); // the feeds detach on the thread that made them
        moveToThread(nullptr);
    }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QList<StreamWatchStatus> StreamWatch::status() const
{
    QMutexLocker lock(&m_mutex);
    return m_status;
}

void StreamWatch::tick()
{
    for (const auto &level : std::as_const(m_levels))
        level->drain();
    if (++m_ticks % kTicksPerJudge == 0)
        measure();
}

void StreamWatch::measure()
{
    const qint64 now = monotonicMs();
    QHash<QString, HearingCounts> hearing = m_hub->hearing();
    QList<StreamWatchStatus> out;
    QStringList live;
    for (const StreamSnapshot &snap : m_hub->snapshot()) {
        StreamWatchStatus s;
        s.stream = snap.id;
        s.live = snap.speakerLive && m_hub->hasLocalSpeaker(snap.id);
        s.hearing = hearing.value(snap.id);
        if (ClusterLink *link = m_hub->cluster())
            s.hearing.merge(link->remoteHearing(snap.id));
        if (s.live)
            live.append(snap.id);
        if (const auto level = m_levels.value(snap.id)) {
            if (const std::optional<double> db = level->takeLevel()) {
                s.levelKnown = true;
                s.levelDbfs = *db;
            }
        }
        judge(s, now);
        out.append(s);
    }
    updateFeeds(live);
    QMutexLocker lock(&m_mutex);
    m_status = out;
}

void StreamWatch::updateFeeds(const QStringList &live)
{
    for (auto it = m_levels.begin(); it != m_levels.end();) {
        if (!live.contains(it.key()))
            it = m_levels.erase(it);
        else
            ++it;
    }
    if (m_config.warnSilenceS <= 0)
        return;
    for (const QString &id : live) {
        auto &level = m_levels[id];
        if (!level)
            level = std::make_shared<Level>(m_hub, id);
        else
            level->refresh();
    }
}

void StreamWatch::judge(StreamWatchStatus &s, qint64 now)
{
    auto follow = [&](bool condition, int limitS, QHash<QString, qint64> &since, QHash<QString, bool> &raised,
                      const QString &kind, qint64 *forMs, bool *warn, const QString &riseText) {
        if (!condition || limitS <= 0) {
            since.remove(s.stream);
            if (raised.take(s.stream)) {
                qCInfo(lcEngine).noquote() << "stream" << s.stream << "warning cleared:" << kind;
                Q_EMIT warningChanged(s.stream, kind, false, QString());
            }
            return;
        }
        const qint64 start = since.value(s.stream, now);
        since.insert(s.stream, start);
        *forMs = now - start;
        *warn = *forMs >= qint64(limitS) * 1000;
        if (*warn && !raised.value(s.stream)) {
            raised.insert(s.stream, true);
            qCWarning(lcEngine).noquote() << "stream" << s.stream << riseText;
            Q_EMIT warningChanged(s.stream, kind, true, riseText);
        }
    };
    const bool nobody = s.live && s.hearing.count(HearingState::Playing) == 0;
    follow(nobody, m_config.warnUnheardS, m_unheardSince, m_unheardRaised, QStringLiteral("nobody_hearing"),
           &s.unheardMs, &s.unheard,
           QStringLiteral("is on air but nobody has heard it for %1 s").arg(m_config.warnUnheardS));
    // No audio at all counts as silence too (a muted or stalled input).
    const bool quiet = s.live && (!s.levelKnown || s.levelDbfs < m_config.silenceThresholdDbfs);
    follow(quiet, m_config.warnSilenceS, m_silentSince, m_silentRaised, QStringLiteral("input_silent"),
           &s.silentMs, &s.silent,
           QStringLiteral("is on air but its input has been silent (below %1 dBFS) for %2 s")
               .arg(m_config.silenceThresholdDbfs).arg(m_config.warnSilenceS));
}

} // namespace onair
