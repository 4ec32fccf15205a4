#pragma once

// Shared helpers of the OnAir tests: an in-process engine on a free loopback port, a
// recording WebSocket client, and the one raw client (HTTP, and WebSocket frames built by hand)
// that every suite uses, tst_hostile included. Everything runs over real sockets.

#include "auth/auth.h"
#include "banners/banner.h"
#include "engine/engine.h"
#include "audio/opuscodec.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QSet>
#include <QTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QTcpSocket>
#include <QUrl>
#include <QTemporaryDir>
#include <QWebSocket>

#include <functional>
#include <memory>

namespace onair::test {

EngineConfig testConfig();
// Spins the event loop for `ms` on purpose, before checking that something did NOT happen
// (no message, no second copy, no close): there is no event to wait for. Never use it to wait
// for something that should happen; use QTRY_* / QSignalSpy::wait / the clients' wait* calls.
void quietPeriod(int ms = 100);
// The one rule for a tool a test needs that the machine may lack: the test skips, naming it,
// and carries the CTest label needs-<tool> (tests/CMakeLists.txt). scripts/deps.sh test
// installs them all, and .ci/run fails on any skipped test. `tool` is "postgresql" (the
// PostgreSQL 15 server that scripts/pg-test-server.sh runs, or $ONAIR_PG_BIN), else a program
// looked up on the PATH. Empty when it is there, else the reason to skip.
QString missingTool(const QString &tool);
#define ONAIR_SKIP_WITHOUT(tool)                                                               \
    do {                                                                                       \
        const QString onairMissing = onair::test::missingTool(QStringLiteral(tool));            \
        if (!onairMissing.isEmpty())                                                           \
            QSKIP(qPrintable(onairMissing));                                                   \
    } while (false)
// A loopback TCP port nobody listens on right now (for servers the tests start themselves).
quint16 freePort();
// An info banner by "admin", created `secondsAgo` seconds ago (store tests).
Banner makeBanner(const QString &message, int secondsAgo = 0);
// The onair-server binary next to the tests (CTest sets ONAIR_SERVER_BIN).
QString serverBinary();
// The source tree (CTest sets ONAIR_SOURCE_DIR; else found from this file's own path), for
// helper scripts such as scripts/pg-test-server.sh.
QString sourceDir();
// Starts onair-server with `args` (plus --port 0) and returns the port from its
// "OnAir listening on" line, or 0.
quint16 startServerProcess(QProcess &process, const QStringList &args);

// A throwaway redis-server on a loopback port: no persistence. start() waits for PING.
class RedisServer
{
public:
    explicit RedisServer(quint16 port) : m_port(port) {}
    ~RedisServer() { kill(); }
    bool start(const QStringList &extraArgs = {});
    // SIGKILL, as a crash would: the sockets close, nothing is said.
    void kill();
    QByteArray cli(const QStringList &args) const;
    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("redis://127.0.0.1:%1").arg(m_port); }

private:
    quint16 m_port;
    QStringList m_extraArgs;
    QProcess m_proc;
};

class TestServer
{
public:
    // Starts an engine on a free port; without a dataDir in `config` it gets a fresh
    // temporary one (removed with the server).
    explicit TestServer(EngineConfig config = testConfig(), ProcessorFactory factory = {},
                        InterpretationBackends backends = {});
    ~TestServer();
    Engine &engine() { return *m_engine; }
    quint16 port() const { return m_engine->port(); }
    QUrl ws(const QString &path) const;

    QString dataDir() const { return m_engine->config().dataDir; }
    // A token signed with this server's secret.
    QByteArray token(Role role, const QString &sub = QStringLiteral("tester"), const QStringList &streams = {},
                     qint64 ttlSecs = 3600) const;

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Engine> m_engine;
};

// A WebSocket client that records everything it receives.
class WsClient final : public QObject
{
    Q_OBJECT
public:
    WsClient();
    ~WsClient() override;
    bool open(const QUrl &url, int timeoutMs = 5000);
    // Opens and waits for the server's first JSON message ("connected").
    bool openAndWaitConnected(const QUrl &url, int timeoutMs = 5000);
    bool waitBinary(int count, int timeoutMs = 5000);
    bool waitJsonType(const QString &type, int timeoutMs = 5000);
    bool waitDisconnected(int timeoutMs = 5000);
    QJsonObject lastJsonOfType(const QString &type) const;
    // /ws/events: subscribes and waits for the server's "subscribed".
    bool subscribe(const QStringList &topics);

    QWebSocket socket;
    QList<QByteArray> binary;
    QList<QJsonObject> json;
    QStringList texts;
    bool disconnected = false;
    int closeCode = -1;
    QString closeReason;
};

// /ws/events: the offsets of the kept events a client received from message `from` on, per
// topic, in arrival order; and the offsets from..to (issue 18's tests).
QHash<QString, QList<qint64>> eventOffsets(const WsClient &c, qsizetype from = 0);
QList<qint64> offsetRange(qint64 from, qint64 to);

// A speaker on /ws/speak/{id} (the players' and cluster tests): a sine tone in real time,
// 20 ms frames, Opus (32 kb/s) or 48 kHz mono s16le PCM, `amplitude` the peak (full scale 1).
class ToneSpeaker final : public QObject
{
    Q_OBJECT
public:
    ToneSpeaker(const QUrl &speakUrl, double hz, bool opus = true, double amplitude = 0.25);
    bool ok() const { return m_ok; }
    void stop();
    qint64 framesSent() const { return m_sent; } // 20 ms frames sent so far
    WsClient &client() { return m_client; }      // its socket and what the server answered
    QSet<QByteArray> sentPackets; // Opus packets as sent

private:
    void send();

    WsClient m_client;
    OpusFrameEncoder m_encoder;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_sent = 0;
    qint64 m_n = 0;
    double m_hz;
    bool m_opus;
    double m_amplitude;
    bool m_ok = false;
};

// ---- Raw clients: each byte on the wire is the one the test names ---------------------------

// An HTTP answer as it came over the wire.
struct HttpReply
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    bool closed = false; // the server ended the connection after answering (rawHttp)
    qint64 ms = 0;       // from the first byte sent to the answer (rawHttp)
    QJsonObject json() const;
    QByteArray header(const QByteArray &name) const;
};
// Whether `in` holds a whole answer: a head, and the body its Content-Length announces (or a 101).
bool haveHttpAnswer(const QByteArray &in);
HttpReply parseHttp(const QByteArray &in);

// Reads the answer to a "Connection: close" request from a Qt socket (TLS too) until the server
// closes it, spinning the event loop; on a timeout, what came.
HttpReply readAnswerUntilClosed(QAbstractSocket &socket, int timeoutMs);
// Connects a QTcpSocket to 127.0.0.1:port, spinning the event loop (the engine may share this thread).
bool connectLoopback(QTcpSocket &socket, quint16 port, int timeoutMs = 3000);

// A TCP connection to 127.0.0.1 over a plain POSIX socket: sends what it is given, reads into
// `in`. Every wait spins the Qt event loop in short slices, so the engine under test may share
// this thread (TestServer) or be another process (onair-server).
class RawConnection
{
public:
    RawConnection() = default;
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;
    ~RawConnection() { close(); }

    // `receiveBuffer` > 0: a small kernel buffer, for a client that stops reading.
    bool connectTo(quint16 port, int receiveBuffer = 0);
    // Sends everything, waiting up to 5 s for room; false when the peer is gone or never reads.
    bool send(const QByteArray &bytes);
    // Reads into `in` until pred(in) holds, the peer closes, or the time is up.
    bool readUntil(const std::function<bool(const QByteArray &)> &pred, int timeoutMs);
    // True when the peer ended the connection (FIN or RST) within the time.
    bool waitEof(int timeoutMs);
    // One read of what arrives within the time (or nothing).
    void readSome(int timeoutMs);
    void rst(); // an abortive close: RST instead of FIN
    void close();

    int fd = -1;
    QByteArray in;
    bool eof = false;
    bool reset = false;
};

// Sends `pieces` (with `gapMs` between them, when given) and reads the answer; with `waitClose`,
// also waits for the server to end the connection.
HttpReply rawHttp(quint16 port, const QList<QByteArray> &pieces, int timeoutMs = 5000, bool waitClose = false,
                  int gapMs = 0);
// Sends `request` verbatim and reads until the answer is complete (or the peer closes).
HttpReply rawHttp(quint16 port, const QByteArray &request, int timeoutMs = 5000, bool waitClose = false);
HttpReply httpGet(quint16 port, const QString &path, const QByteArray &extraHeaders = {});
// A request with a JSON (or any) body; extraHeaders are full "Name: value\r\n" lines.
HttpReply httpSend(quint16 port, const QByteArray &method, const QString &path, const QByteArray &body,
                   const QByteArray &extraHeaders = {}, const QByteArray &contentType = "application/json");
QByteArray bearer(const QByteArray &token);
// A WebSocket upgrade request for `target` (raw path, may be percent-encoded); Host names the
// port when one is given. extraHeaders are full "Name: value\r\n" lines.
QByteArray upgradeRequest(const QByteArray &target, quint16 port = 0, const QByteArray &extraHeaders = {});

// Opcodes as bytes, for frames built by hand (protocol/wsframe.h has the engine's WsOpcode).
enum : quint8 { OpCont = 0x0, OpText = 0x1, OpBinary = 0x2, OpClose = 0x8, OpPing = 0x9, OpPong = 0xA };
// One client frame, built by hand (masked unless told). `rsv` goes to bits 4..6 of the first byte.
QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool fin = true, bool masked = true, quint8 rsv = 0);
QByteArray closePayload(quint16 code, const QByteArray &reason = {});

struct RawFrame
{
    quint8 opcode;
    QByteArray payload;
};

// A WebSocket client on a RawConnection: performs the handshake, then does exactly what the
// test says (sends broken frames, stops reading, never answers pings or the close).
class RawWsClient : public RawConnection
{
public:
    // Connects and performs the handshake; the status of the answer (101 on success).
    int open(quint16 port, const QByteArray &target, const QByteArray &extraHeaders = {}, int receiveBuffer = 0);
    // The server's frames received so far.
    QList<RawFrame> frames() const;
    // Waits for a text frame that is a JSON object of this type.
    QJsonObject waitJson(const QString &type, int timeoutMs = 5000);
    QByteArray waitText(const QByteArray &text, int timeoutMs = 5000);
    // The server's close frame (code, reason), or -1 when there was none.
    int closeCode(QString *reason = nullptr) const;
    bool haveClose() const { return closeCode() != -1; }
    void clearFrames() { in.clear(); }
    HttpReply answer; // the handshake's answer
};

} // namespace onair::test
