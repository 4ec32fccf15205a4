#include "streaming/playerstreams.h"

#include "core/clock.h"
#include "fanout/hub.h"
#include "streaming/mp3playeroutput.h"
#include "streaming/oggplayeroutput.h"

#include <QJsonObject>
#include <QThread>
#include <QTimer>

namespace onair {

namespace {
constexpr int kTickMs = 20; // the silence filler's pace (one Opus frame)
}

PlayerStreams::PlayerStreams(Hub *hub, const PlayerOptions &options) : m_hub(hub), m_options(options) {}

PlayerStreams::~PlayerStreams()
{
    stop();
}

void PlayerStreams::start()
{
    if (m_thread)
        return;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("onair-players"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(m_context, [this] {
        m_timer = new QTimer(m_context);
        m_timer->setTimerType(Qt::PreciseTimer);
        m_timer->setInterval(kTickMs);
        QObject::connect(m_timer, &QTimer::timeout, m_context, [this] { tick(); });
    }, Qt::BlockingQueuedConnection);
}

void PlayerStreams::stop()
{
    if (!m_thread)
        return;
    {
        QMutexLocker lock(&m_mutex);
        for (const Entry &e : std::as_const(m_outputs)) {
            m_hub->removeTap(e.output->stream(), e.output.get());
            e.output->setContext(nullptr);
        }
        m_outputs.clear();
    }
    QMetaObject::invokeMethod(m_context, [this] {
        delete m_timer;
        m_timer = nullptr;
    }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_context;
    m_context = nullptr;
    delete m_thread;
    m_thread = nullptr;
}

std::shared_ptr<PlayerRendition> PlayerStreams::acquire(const std::shared_ptr<StreamState> &stream, PlayerFormat format)
{
    QMutexLocker lock(&m_mutex);
    if (!m_context)
        return nullptr;
    Entry &e = m_outputs[{stream.get(), int(format)}];
    if (!e.output) {
        if (format == PlayerFormat::Ogg) {
            const int channels = m_hub->format(stream).value(QLatin1String("channels")).toInt(1);
            e.output = std::make_shared<OggPlayerOutput>(m_hub, stream, m_options, channels);
        } else {
            e.output = std::make_shared<Mp3PlayerOutput>(m_hub, stream, m_options);
        }
        e.output->setContext(m_context);
        m_hub->addTap(stream, e.output);
        QMetaObject::invokeMethod(m_context, [this] {
            if (m_timer && !m_timer->isActive())
                m_timer->start();
            tick(); // the first silence (or nothing) at once, not a tick later
        }, Qt::QueuedConnection);
    }
    ++e.refs;
    return e.output;
}

void PlayerStreams::release(const std::shared_ptr<PlayerRendition> &rendition)
{
    const auto output = std::dynamic_pointer_cast<PlayerOutput>(rendition);
    if (!output)
        return;
    QMutexLocker lock(&m_mutex);
    const auto it = m_outputs.find({output->stream().get(), int(output->format())});
    if (it == m_outputs.end() || it->output != output)
        return;
    if (--it->refs > 0)
        return;
    m_hub->removeTap(output->stream(), output.get());
    output->setContext(nullptr);
    m_outputs.erase(it);
}

void PlayerStreams::tick()
{
    QList<std::shared_ptr<PlayerOutput>> outputs;
    {
        QMutexLocker lock(&m_mutex);
        outputs.reserve(m_outputs.size());
        for (const Entry &e : std::as_const(m_outputs))
            outputs.append(e.output);
    }
    if (outputs.isEmpty()) {
        if (m_timer)
            m_timer->stop();
        return;
    }
    const qint64 now = monotonicNs();
    for (const auto &o : std::as_const(outputs))
        o->tick(now);
}

QJsonArray PlayerStreams::outputsJson() const
{
    QMutexLocker lock(&m_mutex);
    QJsonArray out;
    for (const Entry &e : std::as_const(m_outputs)) {
        const PlayerOutput &o = *e.output;
        out.append(QJsonObject{{QStringLiteral("stream"), o.stream()->id},
                               {QStringLiteral("format"), QLatin1String(playerFormatName(o.format()))},
                               {QStringLiteral("players"), e.refs},
                               {QStringLiteral("chunks"), o.chunksOut()},
                               {QStringLiteral("bytes"), o.bytesOut()},
                               {QStringLiteral("silence_ms"), o.silenceMs()},
                               {QStringLiteral("cpu_ms"), double(o.cpuNs() / 1000) / 1000.0}});
    }
    return out;
}

int PlayerStreams::outputCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_outputs.size());
}

} // namespace onair
