// onair-historybench --mode cost: closed-loop REST publishers and one events client against
// one running server; completed publishes per second and publish -> event latency (see
// historybench.cpp). The same measurement with and without --no-history shows what storing
// every event before it is sent costs.
#include "historybench.h"

#include "engine/engine.h"
#include "fanout/hub.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QWebSocket>

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace histbench {

namespace {

class CostBench
{
public:
    explicit CostBench(const Options &o) : m_o(o) {}
    int run(QCoreApplication &app);

private:
    struct Slot
    {
        std::unique_ptr<HttpConn> http;
        qint64 seq = 0;
        qint64 sentUs = 0;
        bool answered = false, received = false;
    };
    bool startEngine();
    bool subscribe(QCoreApplication &app);
    void send(int i);
    void maybeComplete(int i);
    void onEvent(const QJsonObject &o);

    Options m_o;
    QTemporaryDir m_dir;
    std::unique_ptr<onair::Engine> m_engine; // --in-process
    QWebSocket m_sub;
    std::vector<Slot> m_slots;
    qint64 m_startUs = 0, m_windowStartUs = 0, m_windowEndUs = 0;
    bool m_running = true;
    qint64 m_completed = 0, m_failed = 0, m_foreign = 0;
    std::vector<double> m_latencyMs, m_ackMs;
};

// --in-process: the engine onair-server runs, in this process, on a free loopback port; SQLite
// in a fresh directory or the PostgreSQL of --database.
bool CostBench::startEngine()
{
    onair::EngineConfig c;
    c.port = 0;
    c.bindAddress = QHostAddress::LocalHost;
    c.dataDir = m_dir.path();
    c.databaseUrl = m_o.database;
    c.history = m_o.history;
    m_engine = std::make_unique<onair::Engine>(c);
    QString error;
    if (!m_engine->start(&error)) {
        std::fprintf(stderr, "engine: %s\n", qPrintable(error));
        return false;
    }
    m_o.port = m_engine->port();
    return true;
}

bool CostBench::subscribe(QCoreApplication &app)
{
    bool subscribed = false;
    QObject::connect(&m_sub, &QWebSocket::textMessageReceived, &app, [this, &subscribed](const QString &text) {
        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
        if (o.value(QLatin1String("type")).toString() == QLatin1String("subscribed"))
            subscribed = true;
        else
            onEvent(o);
    });
    QObject::connect(&m_sub, &QWebSocket::connected, &app, [this] {
        QStringList topics;
        for (int t = 0; t < m_o.topics; ++t)
            topics.append(topicName(t));
        m_sub.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                                                         {QStringLiteral("topics"), QJsonArray::fromStringList(topics)}})
                                                    .toJson(QJsonDocument::Compact)));
    });
    m_sub.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/events").arg(m_o.port)));
    QElapsedTimer t;
    t.start();
    while (!subscribed && t.elapsed() < 10000)
        app.processEvents(QEventLoop::AllEvents, 50);
    return subscribed;
}

void CostBench::send(int i)
{
    Slot &s = m_slots[size_t(i)];
    ++s.seq;
    s.answered = s.received = false;
    s.sentUs = monoUs();
    const QString topic = topicName(i % m_o.topics);
    const QJsonObject data{{QStringLiteral("s"), i}, {QStringLiteral("q"), s.seq}};
    const qint64 seq = s.seq;
    if (m_engine) { // the Hub takes it at once: what follows is history (or not) and the fan-out
        m_engine->hub()->publishTopic(topic, data);
        s.answered = true;
        return;
    }
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("topic"), topic}, {QStringLiteral("data"), data}})
                                .toJson(QJsonDocument::Compact);
    s.http->post("/api/publish", body, m_o.token.toUtf8(), [this, i, seq](int status, bool) {
        Slot &slot = m_slots[size_t(i)];
        if (slot.seq != seq)
            return;
        if (status != 202) {
            ++m_failed;
            QTimer::singleShot(10, [this, i] {
                if (m_running)
                    send(i);
            });
            return;
        }
        slot.answered = true;
        if (slot.sentUs >= m_windowStartUs && slot.sentUs < m_windowEndUs)
            m_ackMs.push_back(double(monoUs() - slot.sentUs) / 1000.0);
        maybeComplete(i);
    });
}

void CostBench::onEvent(const QJsonObject &o)
{
    if (o.value(QLatin1String("type")).toString() != QLatin1String("event"))
        return;
    const QJsonObject d = o.value(QLatin1String("data")).toObject();
    const int i = d.value(QLatin1String("s")).toInt(-1);
    if (i < 0 || i >= int(m_slots.size()) || qint64(d.value(QLatin1String("q")).toDouble()) != m_slots[size_t(i)].seq) {
        ++m_foreign;
        return;
    }
    Slot &s = m_slots[size_t(i)];
    s.received = true;
    const qint64 now = monoUs();
    if (s.sentUs >= m_windowStartUs && now < m_windowEndUs) {
        m_latencyMs.push_back(double(now - s.sentUs) / 1000.0);
        ++m_completed;
    }
    maybeComplete(i);
}

void CostBench::maybeComplete(int i)
{
    const Slot &s = m_slots[size_t(i)];
    if (s.answered && s.received && m_running)
        send(i);
}

int CostBench::run(QCoreApplication &app)
{
    if (m_o.inProcess && !startEngine())
        return 1;
    if (m_o.inProcess)
        m_o.serverPid = int(QCoreApplication::applicationPid()); // CPU: engine and bench together
    if (!subscribe(app)) {
        std::fprintf(stderr, "the events client did not subscribe on port %d\n", m_o.port);
        return 1;
    }
    for (int i = 0; i < m_o.concurrency; ++i)
        m_slots.push_back({std::make_unique<HttpConn>(m_o.port)});
    m_startUs = monoUs();
    m_windowStartUs = m_startUs + qint64(m_o.warmup * 1e6);
    m_windowEndUs = m_windowStartUs + qint64(m_o.duration * 1e6);
    qint64 cpu0 = 0;
    bool inWindow = false;
    for (int i = 0; i < m_o.concurrency; ++i)
        send(i);
    while (monoUs() < m_windowEndUs) {
        app.processEvents(QEventLoop::AllEvents, 20);
        if (!inWindow && monoUs() >= m_windowStartUs) {
            inWindow = true;
            cpu0 = cpuTicks(m_o.serverPid);
        }
    }
    const qint64 cpu1 = cpuTicks(m_o.serverPid);
    m_running = false;
    const double cpuPct = 100.0 * double(cpu1 - cpu0) / double(sysconf(_SC_CLK_TCK)) / m_o.duration;
    const QJsonObject lat = stats(m_latencyMs), ack = stats(m_ackMs);
    const double perS = double(m_completed) / m_o.duration;
    std::printf("%s, %d publisher(s): %.0f publishes/s completed, publish -> event p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                "202 p50 %.2f ms, p99 %.2f ms; CPU %.0f %% (%s); failed %lld\n",
                m_engine ? "Hub, in process" : "REST", m_o.concurrency, perS, lat.value(QLatin1String("p50")).toDouble(),
                lat.value(QLatin1String("p99")).toDouble(), lat.value(QLatin1String("max")).toDouble(),
                ack.value(QLatin1String("p50")).toDouble(), ack.value(QLatin1String("p99")).toDouble(), cpuPct,
                m_engine ? "engine + bench" : "onair-server", m_failed);
    const QJsonObject out{{QStringLiteral("mode"), QStringLiteral("cost")},     {QStringLiteral("concurrency"), m_o.concurrency},
                          {QStringLiteral("path"), m_o.inProcess ? QStringLiteral("hub") : QStringLiteral("rest")},
                          {QStringLiteral("per_s"), perS},                      {QStringLiteral("publish_to_event_ms"), lat},
                          {QStringLiteral("accepted_ms"), ack},                  {QStringLiteral("server_cpu_pct"), cpuPct},
                          {QStringLiteral("failed"), m_failed},                  {QStringLiteral("foreign_events"), m_foreign}};
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    return m_completed > 0 ? 0 : 1;
}

} // namespace

int runCost(QCoreApplication &app, const Options &o)
{
    if (o.token.isEmpty() && !o.inProcess) {
        std::fprintf(stderr, "--mode cost needs --token (an admin token of --port's server)\n");
        return 2;
    }
    CostBench bench(o);
    return bench.run(app);
}

} // namespace histbench
