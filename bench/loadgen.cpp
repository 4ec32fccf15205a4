// onair-loadgen: drives thousands of WebSocket listeners and a speaker per stream against an
// OnAir server from one process, and reports loss, latency and the server's memory per
// connection. A benchmark tool, not a test: see docs/benchmarks.md.
//
// It speaks the minimum of RFC 6455 itself (a fixed handshake, unmasked server frames in,
// masked frames out) on raw non-blocking sockets with epoll: a QWebSocket per connection would
// cost the load generator more CPU than the server it measures on this 2-core machine.
#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Options
{
    std::string host = "127.0.0.1";
    int port = 8765;
    int speakerPort = 0;           // replicas: speakers here (0 = --port)
    std::vector<int> listenerPorts; // replicas: listeners spread over these (empty = --port)
    int listeners = 1000;
    int streams = 1;
    int rate = 50;          // frames per second per stream
    int size = 160;         // payload bytes (>= 16)
    double duration = 10;   // measured seconds
    double warmup = 2;      // seconds sent before measuring
    int serverPid = 0;
    bool idle = false;      // only connect and hold, then report memory
    double hold = 3;        // idle: seconds to hold
    int maxInflight = 256;  // concurrent handshakes
    std::string prefix = "bench";
    bool events = false;    // connect to /ws/events (subscribing to file_events) instead of listening
    int banners = 0;        // post this many banners (needs --token) and time their delivery
    std::string token;      // admin token for --banners
    std::string watchDir;   // write --files files here (a directory the server --watch-es)
    int files = 0;
    double gap = 0.2;       // seconds between banners / files
};

enum class State { Connecting, Handshake, Open, Closed };

struct Conn
{
    int fd = -1;
    int stream = 0;
    bool speaker = false;
    bool http = false;  // a REST request: its answer is read and dropped
    State state = State::Connecting;
    std::string in;     // unparsed input
    std::string out;    // unsent output
};

Options g;
std::vector<Conn> conns;
std::vector<uint32_t> latUs;          // latencies of measured frames, microseconds
std::vector<uint64_t> sentPerStream;  // measured frames sent per stream
std::vector<int> listenersPerStream;
uint64_t received = 0, receivedMeasured = 0, closedByServer = 0, connectFailures = 0, pongs = 0;
std::vector<int64_t> markSentNs;   // banner / file k: when it was posted or written
std::vector<uint32_t> markLatUs;   // delivery latencies of banners / file events
uint64_t markReceived = 0;
int64_t measureFromSeq = 0, measureToSeq = 0; // [from, to) frame seqs that count
int epfd = -1;

long rssKiB(int pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "VmRSS:", 6) == 0) {
            kib = std::strtol(line + 6, nullptr, 10);
            break;
        }
    }
    std::fclose(f);
    return kib;
}

double cpuSeconds(int pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char buf[2048];
    const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char *p = std::strrchr(buf, ')');
    if (!p)
        return -1;
    unsigned long utime = 0, stime = 0;
    // fields after ')' : state(3) ... utime(14) stime(15)
    int field = 2;
    for (const char *q = p + 1; *q && field < 15; ++q) {
        if (*q == ' ') {
            ++field;
            if (field == 14)
                utime = std::strtoul(q + 1, nullptr, 10);
            if (field == 15)
                stime = std::strtoul(q + 1, nullptr, 10);
        }
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

double selfCpuSeconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void flushOut(Conn &c)
{
    while (!c.out.empty()) {
        const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c.out.erase(0, size_t(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            epoll_event ev{EPOLLIN | EPOLLOUT, {}};
            ev.data.u32 = uint32_t(&c - conns.data());
            epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &ev);
        }
        return;
    }
}

// A masked client frame with a zero mask key (allowed; the payload stays as it is).
void queueFrame(Conn &c, uint8_t opcode, const char *data, size_t len)
{
    char h[14];
    size_t n = 0;
    h[n++] = char(0x80 | opcode);
    if (len < 126) {
        h[n++] = char(0x80 | len);
    } else if (len <= 0xFFFF) {
        h[n++] = char(0x80 | 126);
        h[n++] = char((len >> 8) & 0xFF);
        h[n++] = char(len & 0xFF);
    } else {
        h[n++] = char(0x80 | 127);
        for (int i = 7; i >= 0; --i)
            h[n++] = char((uint64_t(len) >> (8 * i)) & 0xFF);
    }
    std::memset(h + n, 0, 4);
    n += 4;
    c.out.append(h, n);
    c.out.append(data, len);
    flushOut(c);
}

void startConnect(size_t i)
{
    Conn &c = conns[i];
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
        std::perror("socket");
        std::exit(1);
    }
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    const int port = c.speaker ? (g.speakerPort ? g.speakerPort : g.port)
                               : (g.listenerPorts.empty() ? g.port : g.listenerPorts[i % g.listenerPorts.size()]);
    a.sin_port = htons(uint16_t(port));
    inet_pton(AF_INET, g.host.c_str(), &a.sin_addr);
    const int r = ::connect(c.fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    if (r < 0 && errno != EINPROGRESS) {
        ++connectFailures;
        ::close(c.fd);
        c.fd = -1;
        c.state = State::Closed;
        return;
    }
    char path[160];
    if (g.events)
        std::snprintf(path, sizeof path, "/ws/events");
    else
        std::snprintf(path, sizeof path, "/ws/%s/%s-%d", c.speaker ? "speak" : "listen", g.prefix.c_str(), c.stream);
    char req[512];
    const int n = std::snprintf(req, sizeof req,
                                "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                                path, g.host.c_str(), g.port);
    c.out.assign(req, size_t(n));
    c.state = State::Handshake;
    epoll_event ev{EPOLLIN | EPOLLOUT, {}};
    ev.data.u32 = uint32_t(i);
    epoll_ctl(epfd, EPOLL_CTL_ADD, c.fd, &ev);
}

void closeConn(Conn &c, bool byServer)
{
    if (c.state == State::Closed)
        return;
    if (c.state != State::Open)
        ++connectFailures;
    else if (byServer)
        ++closedByServer;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    c.state = State::Closed;
}

void onFrame(Conn &c, uint8_t opcode, const char *p, size_t len, int64_t now)
{
    if (opcode == 0x1 && !markSentNs.empty()) {
        // new_broadcast with "bench-mark-K" in its message, or a file event for bench-mark-K
        const std::string_view text(p, len);
        const size_t at = text.find("bench-mark-");
        if (at != std::string_view::npos && (text.find("new_broadcast") != std::string_view::npos
                                              || text.find("\"file_events\"") != std::string_view::npos)) {
            const long k = std::strtol(p + at + 11, nullptr, 10);
            if (k >= 0 && size_t(k) < markSentNs.size() && markSentNs[size_t(k)] > 0) {
                markLatUs.push_back(uint32_t((now - markSentNs[size_t(k)]) / 1000));
                ++markReceived;
            }
        }
        return;
    }
    if (opcode == 0x2 && len >= 16) {
        int64_t sent = 0, seq = 0;
        std::memcpy(&sent, p, 8);
        std::memcpy(&seq, p + 8, 8);
        ++received;
        if (seq >= measureFromSeq && seq < measureToSeq) {
            ++receivedMeasured;
            latUs.push_back(uint32_t(std::min<int64_t>((now - sent) / 1000, UINT32_MAX)));
        }
    } else if (opcode == 0x9) {
        queueFrame(c, 0xA, p, len); // pong
        ++pongs;
    } else if (opcode == 0x8) {
        closeConn(c, true);
    }
}

// Parses complete frames from [p, p+n); returns the bytes consumed.
size_t parseFrames(Conn &c, const char *p, size_t n, int64_t now)
{
    size_t pos = 0;
    while (c.state == State::Open && n - pos >= 2) {
        const auto *h = reinterpret_cast<const uint8_t *>(p + pos);
        uint64_t len = h[1] & 0x7F;
        size_t hl = 2;
        if (len == 126) {
            if (n - pos < 4)
                break;
            len = (uint64_t(h[2]) << 8) | h[3];
            hl = 4;
        } else if (len == 127) {
            if (n - pos < 10)
                break;
            len = 0;
            for (int k = 2; k < 10; ++k)
                len = (len << 8) | h[k];
            hl = 10;
        }
        if (n - pos < hl + len)
            break;
        onFrame(c, h[0] & 0x0F, p + pos + hl, size_t(len), now);
        pos += hl + size_t(len);
    }
    return pos;
}

void onReadable(size_t i)
{
    Conn &c = conns[i];
    static char buf[1 << 18];
    for (;;) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            closeConn(c, true);
            return;
        }
        if (n < 0)
            return;
        const int64_t now = nowNs();
        const char *p = buf;
        size_t len = size_t(n);
        if (c.http)
            continue; // the REST answer: not needed
        if (c.state == State::Handshake) {
            c.in.append(p, len);
            const size_t end = c.in.find("\r\n\r\n");
            if (end == std::string::npos)
                continue;
            if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
                closeConn(c, false);
                return;
            }
            c.in.erase(0, end + 4);
            c.state = State::Open;
            if (g.events) {
                static const char sub[] = R"({"type":"subscribe","topics":["file_events"]})";
                queueFrame(c, 0x1, sub, sizeof sub - 1);
            }
            const size_t used = parseFrames(c, c.in.data(), c.in.size(), now);
            c.in.erase(0, used);
        } else if (c.in.empty()) {
            // Common case: whole frames straight from the receive buffer, no copy.
            const size_t used = parseFrames(c, p, len, now);
            if (used < len && c.state == State::Open)
                c.in.assign(p + used, len - used);
        } else {
            c.in.append(p, len);
            const size_t used = parseFrames(c, c.in.data(), c.in.size(), now);
            c.in.erase(0, used);
        }
        if (c.state != State::Open || size_t(n) < sizeof buf)
            return;
    }
}

void pump(int timeoutMs)
{
    epoll_event evs[1024];
    const int n = epoll_wait(epfd, evs, 1024, timeoutMs);
    for (int k = 0; k < n; ++k) {
        const size_t i = evs[k].data.u32;
        Conn &c = conns[i];
        if (c.state == State::Closed)
            continue;
        if (evs[k].events & (EPOLLERR | EPOLLHUP)) {
            closeConn(c, c.state == State::Open);
            continue;
        }
        if (evs[k].events & EPOLLOUT) {
            flushOut(c);
            if (c.out.empty()) {
                epoll_event ev{EPOLLIN, {}};
                ev.data.u32 = uint32_t(i);
                epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &ev);
            }
        }
        if (evs[k].events & EPOLLIN)
            onReadable(i);
    }
}

size_t countState(State s, bool speakers)
{
    size_t n = 0;
    for (const Conn &c : conns)
        n += (c.state == s && c.speaker == speakers) ? 1 : 0;
    return n;
}

void connectAll(bool speakers)
{
    size_t next = 0;
    const int64_t deadline = nowNs() + int64_t(120e9);
    std::vector<size_t> todo;
    for (size_t i = 0; i < conns.size(); ++i)
        if (conns[i].speaker == speakers)
            todo.push_back(i);
    while (nowNs() < deadline) {
        size_t inflight = 0;
        for (size_t i : todo)
            inflight += conns[i].state == State::Handshake ? 1 : 0;
        while (next < todo.size() && inflight < size_t(g.maxInflight)) {
            startConnect(todo[next++]);
            ++inflight;
        }
        if (next == todo.size() && inflight == 0)
            break;
        pump(10);
    }
}

double pct(std::vector<uint32_t> &v, double q)
{
    if (v.empty())
        return 0;
    const size_t k = std::min(v.size() - 1, size_t(q * double(v.size())));
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return v[k] / 1000.0;
}

void usage()
{
    std::puts("usage: onair-loadgen [--port P] [--host H] [--listeners N] [--streams K] [--rate R]\n"
              "         [--size S] [--duration SEC] [--warmup SEC] [--server-pid PID] [--idle]\n"
              "         [--hold SEC] [--max-inflight N] [--prefix NAME]\n"
              "         [--speaker-port P] [--listener-ports P1,P2,...]   (replicas)\n"
              "Start the server with --open-speakers (the speakers here carry no token).");
}

} // namespace

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> const char * {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--port") g.port = std::atoi(next());
        else if (a == "--speaker-port") g.speakerPort = std::atoi(next());
        else if (a == "--listener-ports") {
            std::string list = next();
            for (size_t pos = 0; pos < list.size();) {
                const size_t comma = list.find(',', pos);
                g.listenerPorts.push_back(std::atoi(list.substr(pos, comma - pos).c_str()));
                pos = comma == std::string::npos ? list.size() : comma + 1;
            }
        }
        else if (a == "--host") g.host = next();
        else if (a == "--listeners") g.listeners = std::atoi(next());
        else if (a == "--streams") g.streams = std::max(1, std::atoi(next()));
        else if (a == "--rate") g.rate = std::max(1, std::atoi(next()));
        else if (a == "--size") g.size = std::max(16, std::atoi(next()));
        else if (a == "--duration") g.duration = std::atof(next());
        else if (a == "--warmup") g.warmup = std::atof(next());
        else if (a == "--server-pid") g.serverPid = std::atoi(next());
        else if (a == "--idle") g.idle = true;
        else if (a == "--hold") g.hold = std::atof(next());
        else if (a == "--max-inflight") g.maxInflight = std::max(1, std::atoi(next()));
        else if (a == "--prefix") g.prefix = next();
        else if (a == "--events") g.events = true;
        else if (a == "--banners") g.banners = std::atoi(next());
        else if (a == "--token") g.token = next();
        else if (a == "--watch-dir") g.watchDir = next();
        else if (a == "--files") g.files = std::atoi(next());
        else if (a == "--gap") g.gap = std::atof(next());
        else { usage(); return a == "--help" ? 0 : 2; }
    }
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    conns.resize(size_t(g.listeners + (g.idle ? 0 : g.streams)));
    listenersPerStream.assign(size_t(g.streams), 0);
    sentPerStream.assign(size_t(g.streams), 0);
    for (int i = 0; i < g.listeners; ++i) {
        conns[size_t(i)].stream = i % g.streams;
        ++listenersPerStream[size_t(i % g.streams)];
    }
    if (!g.idle)
        for (int k = 0; k < g.streams; ++k) {
            conns[size_t(g.listeners + k)].stream = k;
            conns[size_t(g.listeners + k)].speaker = true;
        }

    const long rssBefore = g.serverPid ? rssKiB(g.serverPid) : -1;
    const int64_t t0 = nowNs();
    connectAll(false);
    const double connectSecs = double(nowNs() - t0) / 1e9;
    const size_t open = countState(State::Open, false);
    std::printf("listeners connected: %zu/%d in %.2f s (failures %" PRIu64 ")\n", open, g.listeners, connectSecs,
                connectFailures);

    if (g.banners > 0 || g.files > 0) {
        const int marks = std::max(g.banners, g.files);
        markSentNs.assign(size_t(marks), 0);
        markLatUs.reserve(size_t(marks) * size_t(open));
        for (int k = 0; k < 50; ++k)
            pump(10); // subscriptions settle
        for (int k = 0; k < marks; ++k) {
            const int64_t due = nowNs() + int64_t(g.gap * 1e9);
            if (g.banners > 0) {
                char body[128];
                const int bl = std::snprintf(body, sizeof body, R"({"message":"bench-mark-%d","type":"info"})", k);
                char req[1024];
                const int reqLen = std::snprintf(req, sizeof req,
                                             "POST /api/broadcasts HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                                             "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
                                             g.host.c_str(), g.token.c_str(), bl, body);
                conns.emplace_back();
                Conn &h = conns.back();
                h.http = true;
                h.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                sockaddr_in a{};
                a.sin_family = AF_INET;
                a.sin_port = htons(uint16_t(g.port));
                inet_pton(AF_INET, g.host.c_str(), &a.sin_addr);
                if (::connect(h.fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) {
                    fcntl(h.fd, F_SETFL, O_NONBLOCK);
                    h.state = State::Open;
                    epoll_event ev{EPOLLIN, {}};
                    ev.data.u32 = uint32_t(conns.size() - 1);
                    epoll_ctl(epfd, EPOLL_CTL_ADD, h.fd, &ev);
                    markSentNs[size_t(k)] = nowNs();
                    h.out.assign(req, size_t(reqLen));
                    flushOut(h);
                }
            } else {
                char path[4096];
                std::snprintf(path, sizeof path, "%s/bench-mark-%d.txt", g.watchDir.c_str(), k);
                markSentNs[size_t(k)] = nowNs();
                FILE *f = std::fopen(path, "w");
                if (f) {
                    std::fputs("hello\n", f);
                    std::fclose(f);
                }
            }
            for (int64_t now = nowNs(); now < due; now = nowNs())
                pump(int(std::max<int64_t>(1, (due - now) / 1000000)));
        }
        const int64_t drainUntil = nowNs() + int64_t(1e9);
        while (nowNs() < drainUntil)
            pump(20);
        std::vector<uint32_t> v = markLatUs;
        const uint64_t expected = uint64_t(marks) * open;
        std::printf("%s: %d x %zu clients, expected %" PRIu64 ", received %" PRIu64 " (%.2f%% lost)\n",
                    g.banners > 0 ? "banners" : "file events", marks, open, expected, markReceived,
                    expected ? 100.0 * double(int64_t(expected) - int64_t(markReceived)) / double(expected) : 0.0);
        std::printf("delivery ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", pct(v, 0.50), pct(v, 0.90), pct(v, 0.99),
                    v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()) / 1000.0);
        return 0;
    }

    if (g.idle) {
        const int64_t until = nowNs() + int64_t(g.hold * 1e9);
        while (nowNs() < until)
            pump(50);
        const long rssAfter = g.serverPid ? rssKiB(g.serverPid) : -1;
        std::printf("server RSS: %ld KiB before, %ld KiB with %zu idle listeners -> %.1f KiB per connection\n",
                    rssBefore, rssAfter, countState(State::Open, false),
                    open ? double(rssAfter - rssBefore) / double(open) : 0.0);
        std::printf("closed by server while holding: %" PRIu64 "\n", closedByServer);
        return 0;
    }

    connectAll(true);
    // Give the speakers' joins a moment to reach every worker.
    for (int k = 0; k < 20; ++k)
        pump(10);
    const long rssLoaded = g.serverPid ? rssKiB(g.serverPid) : -1;

    const int64_t interval = int64_t(1e9 / g.rate);
    const int64_t warmFrames = int64_t(g.warmup * g.rate);
    const int64_t totalFrames = warmFrames + int64_t(g.duration * g.rate);
    measureFromSeq = warmFrames;
    measureToSeq = totalFrames;
    latUs.reserve(size_t(double(totalFrames - warmFrames) * g.listeners));
    std::string payload(size_t(g.size), '\0');
    for (size_t j = 16; j < payload.size(); ++j)
        payload[j] = char(j);

    double serverCpu0 = g.serverPid ? cpuSeconds(g.serverPid) : 0, selfCpu0 = selfCpuSeconds();
    int64_t measureStartNs = 0;
    const int64_t start = nowNs();
    for (int64_t seq = 0; seq < totalFrames; ++seq) {
        const int64_t due = start + seq * interval;
        for (int64_t now = nowNs(); now < due; now = nowNs())
            pump(int(std::max<int64_t>(0, (due - now) / 1000000)));
        if (seq == warmFrames) {
            measureStartNs = nowNs();
            serverCpu0 = g.serverPid ? cpuSeconds(g.serverPid) : 0;
            selfCpu0 = selfCpuSeconds();
        }
        for (size_t i = size_t(g.listeners); i < conns.size(); ++i) {
            Conn &c = conns[i];
            if (c.state != State::Open)
                continue;
            const int64_t ts = nowNs();
            std::memcpy(payload.data(), &ts, 8);
            std::memcpy(payload.data() + 8, &seq, 8);
            queueFrame(c, 0x2, payload.data(), payload.size());
            if (seq >= warmFrames)
                ++sentPerStream[size_t(c.stream)];
        }
    }
    const int64_t sendEnd = nowNs();
    const double serverCpu1 = g.serverPid ? cpuSeconds(g.serverPid) : 0, selfCpu1 = selfCpuSeconds();
    const int64_t drainUntil = nowNs() + int64_t(2e9);
    while (nowNs() < drainUntil)
        pump(20);

    uint64_t expected = 0;
    for (int k = 0; k < g.streams; ++k)
        expected += sentPerStream[size_t(k)] * uint64_t(listenersPerStream[size_t(k)]);
    const double secs = double(sendEnd - measureStartNs) / 1e9;
    const double loss = expected ? 100.0 * double(int64_t(expected) - int64_t(receivedMeasured)) / double(expected) : 0;
    std::printf("streams %d, %d B frames at %d/s, measured %.1f s after %.1f s warm-up\n", g.streams, g.size, g.rate,
                secs, g.warmup);
    std::printf("frames expected %" PRIu64 ", received %" PRIu64 ", loss %.3f%%\n", expected, receivedMeasured, loss);
    std::vector<uint32_t> v = latUs;
    std::printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", pct(v, 0.50), pct(v, 0.90), pct(v, 0.99),
                v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()) / 1000.0);
    std::printf("delivered: %.0f messages/s\n", double(receivedMeasured) / secs);
    if (g.serverPid) {
        std::printf("server CPU: %.0f%% of one core; load generator CPU: %.0f%%\n",
                    100.0 * (serverCpu1 - serverCpu0) / secs, 100.0 * (selfCpu1 - selfCpu0) / secs);
        std::printf("server RSS: %ld KiB before, %ld KiB loaded -> %.1f KiB per connection\n", rssBefore, rssLoaded,
                    double(rssLoaded - rssBefore) / double(open + size_t(g.streams)));
    }
    std::printf("closed by server: %" PRIu64 ", pongs sent: %" PRIu64 "\n", closedByServer, pongs);
    return 0;
}
