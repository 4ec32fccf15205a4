// Human interpreters benchmark (issue 21), from outside a running onair-server on loopback:
//   - floor → booth: a frame spoken on /ws/speak/<floor> → at an interpreter's headphones
//     (/ws/listen/<floor>), the server's part of the booth's mouth-to-ear;
//   - interpreter → listener: /ws/speak/<floor>~nl → a listener of <floor>~nl;
//   - the gap at a hand-over (the interpreter on air sends hand_over, the partner connects):
//     the listener's time between the last frame of the one and the first of the other;
//   - the gaps at fallback switches: the interpreter leaves (→ the floor's own audio, the
//     channel declared with fallback "original") and comes back (→ the person).
// Frames are 20 ms of 48 kHz mono PCM whose first bytes carry (source tag, sequence, send
// time), so a listener knows whose frame it has and when it left. Prints one JSON object.
//
// usage: onair-channelbench --port P [--floor main] [--seconds 10] [--switches 20]
#include "benchstats.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QWebSocket>
#include <QtEndian>

#include <cstdio>
#include <memory>

namespace {

QElapsedTimer g_clock;
constexpr int kFrameBytes = 1920; // 20 ms, 48 kHz mono s16le

// A speaker sending tagged PCM frames every 20 ms (paced by the clock, not the timer).
class Sender : public QObject
{
public:
    Sender(const QUrl &url, char tag) : m_tag(tag)
    {
        connect(&ws, &QWebSocket::connected, this, [this] {
            ws.sendTextMessage(QStringLiteral(R"({"type":"hello","format":{"codec":"pcm","sample_rate":48000,"channels":1,"sample_format":"s16le","frame_ms":20}})"));
            m_start = g_clock.elapsed();
            m_timer.start(2);
        });
        connect(&m_timer, &QTimer::timeout, this, &Sender::tick);
        m_timer.setTimerType(Qt::PreciseTimer);
        ws.open(url);
    }
    void stop()
    {
        m_timer.stop();
        ws.close();
    }
    QWebSocket ws;

private:
    void tick()
    {
        while ((m_seq + 1) * 20 <= g_clock.elapsed() - m_start) {
            QByteArray f(kFrameBytes, '\0');
            f[0] = m_tag;
            qToLittleEndian<qint64>(m_seq++, f.data() + 1);
            qToLittleEndian<qint64>(g_clock.elapsed(), f.data() + 9);
            ws.sendBinaryMessage(f);
        }
    }
    const char m_tag;
    QTimer m_timer;
    qint64 m_start = 0, m_seq = 0;
};

struct Arrival
{
    char tag;
    qint64 sentMs, atMs;
};

// A listener that keeps (tag, send time, arrival time) of every frame.
class Receiver : public QObject
{
public:
    explicit Receiver(const QUrl &url)
    {
        connect(&ws, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &f) {
            if (f.size() >= 17)
                frames.append({f[0], qFromLittleEndian<qint64>(f.constData() + 9), g_clock.elapsed()});
        });
        ws.open(url);
    }
    QWebSocket ws;
    QList<Arrival> frames;
};

void waitMs(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

bool waitFor(const std::function<bool()> &cond, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!cond()) {
        if (t.elapsed() > ms)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

QList<double> latencies(const QList<Arrival> &frames, char tag, qsizetype from = 0)
{
    QList<double> out;
    for (qsizetype i = from; i < frames.size(); ++i)
        if (frames[i].tag == tag)
            out.append(double(frames[i].atMs - frames[i].sentMs));
    return out;
}

// The listener's silence between the last `a` frame and the first `b` frame after index `from`.
double gap(const QList<Arrival> &frames, char a, char b, qsizetype from)
{
    qint64 lastA = -1;
    for (qsizetype i = from; i < frames.size(); ++i) {
        if (frames[i].tag == a)
            lastA = frames[i].atMs;
        else if (frames[i].tag == b && lastA >= 0)
            return double(frames[i].atMs - lastA);
    }
    return -1;
}

// Where a switch's search starts: a few frames back, so the last frame before it is in view
// (a switch on loopback often lands within one frame interval of the request).
qsizetype recent(const QList<Arrival> &frames)
{
    return qMax<qsizetype>(0, frames.size() - 3);
}

QJsonObject summary(const QList<double> &list)
{
    const std::vector<double> v(list.cbegin(), list.cend());
    return QJsonObject{{QStringLiteral("n"), qint64(v.size())}, {QStringLiteral("p50"), quantile(v, 0.5)},
                       {QStringLiteral("p99"), quantile(v, 0.99)}, {QStringLiteral("max"), quantile(v, 1.0)}};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto arg = [&](const QString &name, const QString &def) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : def;
    };
    const int port = arg(QStringLiteral("--port"), QStringLiteral("0")).toInt();
    const QString floor = arg(QStringLiteral("--floor"), QStringLiteral("main"));
    const int seconds = arg(QStringLiteral("--seconds"), QStringLiteral("10")).toInt();
    const int switches = arg(QStringLiteral("--switches"), QStringLiteral("20")).toInt();
    const QString base = QStringLiteral("ws://127.0.0.1:%1").arg(port);
    const QString channel = floor + QStringLiteral("~nl");
    g_clock.start();

    // The channel falls back to the floor's own audio (declared; the server runs --open-speakers
    // and the bench is given an admin token in ONAIR_ADMIN_TOKEN).
    QNetworkAccessManager nam;
    QNetworkRequest put(QUrl(QStringLiteral("http://127.0.0.1:%1/api/streams/%2/channels/nl").arg(port).arg(floor)));
    put.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    put.setRawHeader("Authorization", "Bearer " + qgetenv("ONAIR_ADMIN_TOKEN"));
    QNetworkReply *reply = nam.put(put, QByteArray(R"({"fallback":"original"})"));
    if (!waitFor([reply] { return reply->isFinished(); }, 5000) || reply->error() != QNetworkReply::NoError) {
        std::fprintf(stderr, "PUT channel failed: %s\n", qPrintable(reply->errorString()));
        return 1;
    }

    Sender floorSpeaker(QUrl(base + QStringLiteral("/ws/speak/") + floor), 'F');
    Receiver booth(QUrl(base + QStringLiteral("/ws/listen/") + floor));
    Receiver listener(QUrl(base + QStringLiteral("/ws/listen/") + channel));
    waitMs(1000);
    auto interpreter = std::make_unique<Sender>(QUrl(base + QStringLiteral("/ws/speak/") + channel), 'A');
    waitMs(seconds * 1000);
    const QList<double> floorToBooth = latencies(booth.frames, 'F');
    const QList<double> interpreterToListener = latencies(listener.frames, 'A');

    // Hand-overs: A hands over, B connects and takes it; then B hands over to a new A…
    QList<double> handOvers;
    char on = 'A';
    for (int i = 0; i < switches; ++i) {
        interpreter->ws.sendTextMessage(QStringLiteral(R"({"type":"hand_over"})"));
        waitMs(200);
        const char next = on == 'A' ? 'B' : 'A';
        const qsizetype from = recent(listener.frames);
        auto partner = std::make_unique<Sender>(QUrl(base + QStringLiteral("/ws/speak/") + channel), next);
        waitFor([&] { return gap(listener.frames, on, next, from) >= 0; }, 3000);
        waitMs(300);
        handOvers.append(gap(listener.frames, on, next, from));
        if (qEnvironmentVariableIsSet("ONAIR_BENCH_VERBOSE"))
        {
            QByteArray tags;
            for (qsizetype k = from; k < listener.frames.size(); ++k)
                tags.append(listener.frames[k].tag);
            std::fprintf(stderr, "hand-over %d %c->%c: %.0f ms (%s)\n", i, on, next, handOvers.constLast(), tags.constData());
        }
        interpreter->stop();
        interpreter = std::move(partner);
        on = next;
    }
    // Fallback switches: the person leaves (→ the floor), comes back (→ the person).
    QList<double> toFallback, toPerson;
    for (int i = 0; i < switches; ++i) {
        qsizetype from = recent(listener.frames);
        interpreter->stop();
        waitFor([&] { return gap(listener.frames, on, 'F', from) >= 0; }, 3000);
        toFallback.append(gap(listener.frames, on, 'F', from));
        waitMs(300);
        from = recent(listener.frames);
        interpreter = std::make_unique<Sender>(QUrl(base + QStringLiteral("/ws/speak/") + channel), on);
        waitFor([&] { return gap(listener.frames, 'F', on, from) >= 0; }, 3000);
        toPerson.append(gap(listener.frames, 'F', on, from));
        waitMs(300);
    }
    interpreter->stop();
    floorSpeaker.stop();
    const QJsonObject out{{QStringLiteral("floor_to_booth_ms"), summary(floorToBooth)},
                          {QStringLiteral("interpreter_to_listener_ms"), summary(interpreterToListener)},
                          {QStringLiteral("hand_over_gap_ms"), summary(handOvers)},
                          {QStringLiteral("to_fallback_gap_ms"), summary(toFallback)},
                          {QStringLiteral("to_person_gap_ms"), summary(toPerson)}};
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return 0;
}
