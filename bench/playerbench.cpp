// onair-playerbench: standard players under load. One speaker sends a 440 Hz tone as Opus (20 ms
// frames, real time) over /ws/speak/{stream}; N HTTP players read /stream/{stream}.mp3 and M
// read .ogg on raw non-blocking sockets with epoll (a thread of their own). Reports, over the
// measured window: audio each player got against real time (loss), Ogg page-number gaps, the
// delay from the speaker's send to an Ogg player's receipt of that very packet, the server's CPU
// and RSS per player, and this process's own CPU (the machine has 2 cores: both share them).
// A benchmark tool, not a test: see docs/benchmarks.md.
#include "benchstats.h"
#include "audio/opuscodec.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QWebSocket>

#include <ogg/ogg.h>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Player
{
    int fd = -1;
    bool ogg = false;
    bool headDone = false;
    std::string head;
    int64_t bytes = 0, bytesMeasured = 0;
    ogg_sync_state sync{};
    ogg_stream_state stream{};
    bool streamInit = false;
    int64_t lastPage = -1;
    int64_t pageGaps = 0;
    int64_t samplesMeasured = 0;
};

std::mutex g_sentMutex;
QHash<QByteArray, int64_t> g_sentAt; // Opus packet -> when the speaker sent it
std::atomic<bool> g_measuring{false}, g_stop{false};
std::vector<double> g_delaysMs;       // reader thread only until joined

double cpuSecondsOf(int pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> parts = f.readAll().split(')').value(1).trimmed().split(' ');
    // Fields after "(comm)": state is index 0, utime 11, stime 12 (in clock ticks).
    return (parts.value(11).toDouble() + parts.value(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
}

double rssMbOf(int pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return 0;
}

double selfCpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void onOggBytes(Player &p, const char *data, size_t n, int64_t t)
{
    char *buf = ogg_sync_buffer(&p.sync, long(n));
    memcpy(buf, data, n);
    ogg_sync_wrote(&p.sync, long(n));
    ogg_page og;
    while (ogg_sync_pageout(&p.sync, &og) == 1) {
        const int64_t no = ogg_page_pageno(&og);
        if (p.lastPage >= 0 && no != p.lastPage + 1 && g_measuring)
            p.pageGaps += no - p.lastPage - 1;
        p.lastPage = no;
        if (!p.streamInit) {
            ogg_stream_init(&p.stream, ogg_page_serialno(&og));
            p.streamInit = true;
        }
        ogg_stream_pagein(&p.stream, &og);
        ogg_packet op;
        while (ogg_stream_packetout(&p.stream, &op) == 1) {
            if (op.bytes < 8 || !g_measuring)
                continue;
            const QByteArray packet(reinterpret_cast<const char *>(op.packet), int(op.bytes));
            if (packet.startsWith("OpusHead") || packet.startsWith("OpusTags"))
                continue;
            p.samplesMeasured += 960;
            std::lock_guard<std::mutex> lock(g_sentMutex);
            const auto it = g_sentAt.constFind(packet);
            if (it != g_sentAt.cend())
                g_delaysMs.push_back(double(t - *it) / 1e6);
        }
    }
}

void readerThread(std::vector<Player> *players, const std::string &request0Mp3, const std::string &request0Ogg, int port)
{
    const int ep = epoll_create1(0);
    for (size_t i = 0; i < players->size(); ++i) {
        Player &p = (*players)[i];
        p.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(uint16_t(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connect(p.fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        epoll_event ev{};
        ev.events = EPOLLOUT | EPOLLIN;
        ev.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_ADD, p.fd, &ev);
        ogg_sync_init(&p.sync);
        if (i % 100 == 99)
            usleep(50000); // under the server's default connect rate burst per address
    }
    std::vector<bool> sent(players->size(), false);
    std::vector<epoll_event> events(1024);
    std::vector<char> buf(65536);
    while (!g_stop) {
        const int n = epoll_wait(ep, events.data(), int(events.size()), 50);
        const int64_t t = nowNs();
        for (int k = 0; k < n; ++k) {
            const size_t i = events[size_t(k)].data.u64;
            Player &p = (*players)[i];
            if (!sent[i] && (events[size_t(k)].events & EPOLLOUT)) {
                const std::string &req = p.ogg ? request0Ogg : request0Mp3;
                if (write(p.fd, req.data(), req.size()) == ssize_t(req.size())) {
                    sent[i] = true;
                    epoll_event ev{};
                    ev.events = EPOLLIN;
                    ev.data.u64 = i;
                    epoll_ctl(ep, EPOLL_CTL_MOD, p.fd, &ev);
                }
            }
            if (!(events[size_t(k)].events & EPOLLIN))
                continue;
            for (;;) {
                const ssize_t r = read(p.fd, buf.data(), buf.size());
                if (r <= 0)
                    break;
                size_t off = 0;
                if (!p.headDone) {
                    p.head.append(buf.data(), size_t(r));
                    const size_t end = p.head.find("\r\n\r\n");
                    if (end == std::string::npos)
                        continue;
                    p.headDone = true;
                    const std::string rest = p.head.substr(end + 4);
                    p.bytes += int64_t(rest.size());
                    if (p.ogg)
                        onOggBytes(p, rest.data(), rest.size(), t);
                    continue;
                }
                p.bytes += r - int64_t(off);
                if (g_measuring)
                    p.bytesMeasured += r;
                if (p.ogg)
                    onOggBytes(p, buf.data(), size_t(r), t);
            }
        }
    }
    for (Player &p : *players) {
        close(p.fd);
        ogg_sync_clear(&p.sync);
        if (p.streamInit)
            ogg_stream_clear(&p.stream);
    }
    close(ep);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int port = 8765, mp3 = 1000, ogg = 1000, serverPid = 0, mp3Kbps = 64;
    double warmup = 3, duration = 10;
    QString streamId = QStringLiteral("bench");
    for (int i = 1; i < argc; ++i) {
        const QByteArray a = argv[i];
        auto next = [&] { return i + 1 < argc ? QByteArray(argv[++i]) : QByteArray(); };
        if (a == "--port") port = next().toInt();
        else if (a == "--mp3") mp3 = next().toInt();
        else if (a == "--ogg") ogg = next().toInt();
        else if (a == "--server-pid") serverPid = next().toInt();
        else if (a == "--duration") duration = next().toDouble();
        else if (a == "--warmup") warmup = next().toDouble();
        else if (a == "--mp3-kbps") mp3Kbps = next().toInt();
        else if (a == "--stream") streamId = QString::fromLatin1(next());
        else {
            std::puts("usage: onair-playerbench [--port P] [--mp3 N] [--ogg M] [--server-pid PID] [--duration S] [--warmup S]\n"
                      "  (start onair-server with --open-speakers)");
            return a == "--help" ? 0 : 2;
        }
    }
    onair::OpusFrameEncoder enc;
    QString err;
    if (!enc.open(onair::OpusSettings{}, &err)) {
        std::fprintf(stderr, "opus: %s\n", qPrintable(err));
        return 1;
    }
    QWebSocket speaker;
    QElapsedTimer clock;
    qint64 sentFrames = 0, n = 0;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, &tick, [&] {
        while (sentFrames * 20 <= clock.elapsed()) {
            QByteArray pcm(1920, Qt::Uninitialized);
            auto *s = reinterpret_cast<qint16 *>(pcm.data());
            for (int i = 0; i < 960; ++i, ++n)
                s[i] = qint16(std::lround(8000 * std::sin(2 * M_PI * 440 * double(n) / 48000)));
            for (const QByteArray &packet : enc.encode(pcm)) {
                {
                    std::lock_guard<std::mutex> lock(g_sentMutex);
                    g_sentAt.insert(packet, nowNs());
                }
                speaker.sendBinaryMessage(packet);
            }
            ++sentFrames;
        }
    });
    QObject::connect(&speaker, &QWebSocket::connected, &speaker, [&] {
        speaker.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("hello")},
                                                                            {QStringLiteral("format"), enc.format()}})
                                                      .toJson(QJsonDocument::Compact)));
        clock.start();
        tick.start(5);
    });
    speaker.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/speak/%2").arg(port).arg(streamId)));

    std::vector<Player> players(size_t(mp3 + ogg));
    for (int i = 0; i < ogg; ++i)
        players[size_t(mp3 + i)].ogg = true;
    const std::string host = "Host: 127.0.0.1:" + std::to_string(port) + "\r\nUser-Agent: onair-playerbench\r\n\r\n";
    const std::string reqMp3 = "GET /stream/" + streamId.toStdString() + ".mp3 HTTP/1.1\r\n" + host;
    const std::string reqOgg = "GET /stream/" + streamId.toStdString() + ".ogg HTTP/1.1\r\n" + host;
    const double rssBefore = serverPid ? rssMbOf(serverPid) : 0;
    std::thread reader(readerThread, &players, reqMp3, reqOgg, port);

    double cpu0 = 0, self0 = 0, rssLoaded = 0;
    int64_t t0 = 0;
    QTimer::singleShot(int(warmup * 1000) + (mp3 + ogg) / 2, &app, [&] {
        rssLoaded = serverPid ? rssMbOf(serverPid) : 0;
        cpu0 = serverPid ? cpuSecondsOf(serverPid) : 0;
        self0 = selfCpuSeconds();
        t0 = nowNs();
        g_measuring = true;
    });
    QTimer::singleShot(int((warmup + duration) * 1000) + (mp3 + ogg) / 2, &app, [&] {
        g_measuring = false;
        const double secs = double(nowNs() - t0) / 1e9;
        const double cpu = serverPid ? (cpuSecondsOf(serverPid) - cpu0) / secs * 100 : 0;
        const double self = (selfCpuSeconds() - self0) / secs * 100;
        g_stop = true;
        reader.join();
        std::vector<double> mp3Fraction, oggFraction;
        int64_t gaps = 0, connected = 0;
        for (const Player &p : players) {
            connected += p.headDone ? 1 : 0;
            if (p.ogg) {
                oggFraction.push_back(double(p.samplesMeasured) / 48000.0 / secs);
                gaps += p.pageGaps;
            } else {
                mp3Fraction.push_back(double(p.bytesMeasured) / (mp3Kbps * 125.0) / secs);
            }
        }
        std::printf("{\"mp3_players\":%d,\"ogg_players\":%d,\"connected\":%lld,\"seconds\":%.1f,"
                    "\"server_cpu_pct\":%.1f,\"loadgen_cpu_pct\":%.1f,\"server_rss_mb_before\":%.1f,\"server_rss_mb_loaded\":%.1f,"
                    "\"rss_kb_per_player\":%.1f,\"mp3_audio_per_second_p1\":%.3f,\"mp3_audio_per_second_p50\":%.3f,"
                    "\"ogg_audio_per_second_p1\":%.3f,\"ogg_audio_per_second_p50\":%.3f,\"ogg_page_gaps\":%lld,"
                    "\"ogg_delay_ms_p50\":%.1f,\"ogg_delay_ms_p99\":%.1f,\"ogg_delay_samples\":%zu}\n",
                    mp3, ogg, static_cast<long long>(connected), secs, cpu, self, rssBefore, rssLoaded,
                    (rssLoaded - rssBefore) * 1024.0 / double(std::max(1, mp3 + ogg)), quantile(mp3Fraction, 0.01),
                    quantile(mp3Fraction, 0.5), quantile(oggFraction, 0.01), quantile(oggFraction, 0.5),
                    static_cast<long long>(gaps), quantile(g_delaysMs, 0.5), quantile(g_delaysMs, 0.99), g_delaysMs.size());
        std::fflush(stdout);
        app.quit();
    });
    return app.exec();
}
