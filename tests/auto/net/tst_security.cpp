// Issue 7's own checks: the request-head vetting, Origin allow-list, per-address rate limits,
// TLS (HTTPS + WSS on one port, with a certificate made by the engine, checked by Qt's and
// curl's TLS clients), slow TLS listeners, and tokens never reaching the log.
#include "testsupport.h"

#include "net/acceptor.h"
#include "fanout/hub.h"
#include "core/metrics.h"
#include "net/ratelimit.h"
#include "cluster/redisbus.h"
#include "net/tls.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QMutex>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

using namespace onair;
using namespace onair::test;

namespace {
QMutex g_logMutex;
QByteArray g_log;
QtMessageHandler g_previous = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log += QByteArray(ctx.category ? ctx.category : "") + ' ' + msg.toUtf8() + '\n';
    }
    if (g_previous && type != QtDebugMsg)
        g_previous(type, ctx, msg);
}

struct Tls
{
    QTemporaryDir dir;
    QString cert, key;
    QSslConfiguration client;
};

std::unique_ptr<Tls> makeTls()
{
    auto t = std::make_unique<Tls>();
    t->cert = t->dir.filePath(QStringLiteral("cert.pem"));
    t->key = t->dir.filePath(QStringLiteral("key.pem"));
    QString err;
    if (!makeSelfSignedCertificate(t->cert, t->key, {QStringLiteral("onair.test")}, 30, &err)) {
        qWarning() << err;
        return nullptr;
    }
    t->client = QSslConfiguration::defaultConfiguration();
    t->client.setCaCertificates(QSslCertificate::fromPath(t->cert));
    return t;
}

// One HTTPS request over a verifying TLS client; status 0 when the handshake failed.
HttpReply httpsRequest(quint16 port, const QSslConfiguration &cfg, const QByteArray &request, QString *tlsError = nullptr)
{
    QSslSocket s;
    s.setSslConfiguration(cfg);
    s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    HttpReply r;
    // The engine shares this thread: spin the event loop, never block in waitFor*.
    if (!QTest::qWaitFor([&] { return s.isEncrypted() || s.state() == QAbstractSocket::UnconnectedState; }, 5000)
        || !s.isEncrypted()) {
        if (tlsError)
            *tlsError = s.errorString();
        return r;
    }
    s.write(request);
    return readAnswerUntilClosed(s, 8000);
}

QByteArray headerOf(const HttpReply &r, const QByteArray &name)
{
    for (const QByteArray &line : r.head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}
} // namespace

class TestSecurity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestHeads_data();
    void requestHeads();
    void origins_data();
    void origins();
    void rateLimiterBuckets();
    void refusedHeadsOverTheWire();
    void keepAliveRequestsAreVettedToo();
    void slowRequestsTimeOut();
    void originAllowList();
    void connectionRateLimit();
    void adminRateLimit();
    void httpsAndWssOnOnePort();
    void curlVerifiesTheCertificate();
    void slowTlsListenerIsClosed();
    void tlsFilesAreChecked();
    void tokensNeverLogged();
    void redisPassword();
};

void TestSecurity::requestHeads_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("upgrade");
    QTest::newRow("get") << QByteArray("GET /health HTTP/1.1\r\nHost: a\r\n\r\n") << 0 << false;
    QTest::newRow("upgrade") << QByteArray("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\nOrigin: http://a\r\n\r\n") << 0 << true;
    QTest::newRow("body ok") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 100\r\n\r\n") << 0 << false;
    QTest::newRow("body too big") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 100000\r\n\r\n") << 413 << false;
    QTest::newRow("huge length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") << 400 << false;
    QTest::newRow("negative length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400 << false;
    QTest::newRow("two lengths") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") << 400 << false;
    QTest::newRow("chunked") << QByteArray("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") << 411 << false;
    QTest::newRow("http2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\n") << 505 << false;
    QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << 400 << false;
    QTest::newRow("absolute target") << QByteArray("GET http://evil/ HTTP/1.1\r\n\r\n") << 400 << false;
    QTest::newRow("bare LF header") << QByteArray("GET / HTTP/1.1\r\nHost: a\n\r\n") << 400 << false;
    QTest::newRow("folded") << QByteArray("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n") << 400 << false;
    QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nHost a\r\n\r\n") << 400 << false;
    QTest::newRow("space in name") << QByteArray("GET / HTTP/1.1\r\nHo st: a\r\n\r\n") << 400 << false;
    QTest::newRow("NUL in value") << QByteArray("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 30) << 400 << false;
    QTest::newRow("NUL in target") << QByteArray("GET /a\0b HTTP/1.1\r\n\r\n", 22) << 400 << false;
    QTest::newRow("lowercase method ok") << QByteArray("get / HTTP/1.1\r\n\r\n") << 0 << false;
}

void TestSecurity::requestHeads()
{
    QFETCH(QByteArray, head);
    QFETCH(int, status);
    QFETCH(bool, upgrade);
    const HeadVerdict v = checkRequestHead(head, 16 * 1024);
    QCOMPARE(v.status, status);
    if (status == 0)
        QCOMPARE(v.upgrade, upgrade);
    else
        QVERIFY(!v.code.isEmpty() && !v.message.isEmpty());
}

void TestSecurity::origins_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<bool>("ok");
    const QStringList none;
    QTest::newRow("same") << QByteArray("http://192.168.1.5:8765") << QByteArray("192.168.1.5:8765") << none << true;
    QTest::newRow("same https default port") << QByteArray("https://radio.example") << QByteArray("radio.example") << none << true;
    QTest::newRow("tls proxy in front") << QByteArray("https://radio.example") << QByteArray("radio.example:443") << none << true;
    QTest::newRow("case") << QByteArray("http://Radio.Example:8765") << QByteArray("radio.example:8765") << none << true;
    QTest::newRow("other host") << QByteArray("http://evil.example:8765") << QByteArray("radio.example:8765") << none << false;
    QTest::newRow("other port") << QByteArray("http://localhost:3000") << QByteArray("localhost:8765") << none << false;
    QTest::newRow("suffix trick") << QByteArray("http://radio.example.evil.example") << QByteArray("radio.example") << none << false;
    QTest::newRow("null") << QByteArray("null") << QByteArray("radio.example") << none << false;
    QTest::newRow("file") << QByteArray("file://") << QByteArray("radio.example") << none << false;
    QTest::newRow("userinfo") << QByteArray("http://radio.example@evil.example") << QByteArray("radio.example") << none << false;
    // Found by tests/fuzz/fuzz_http: a fragment or query after the same host:port was accepted.
    QTest::newRow("fragment") << QByteArray("http://127.0.0.1:8765#") << QByteArray("127.0.0.1:8765") << none << false;
    QTest::newRow("query") << QByteArray("http://127.0.0.1:8765?x") << QByteArray("127.0.0.1:8765") << none << false;
    QTest::newRow("own userinfo") << QByteArray("http://a@127.0.0.1:8765") << QByteArray("127.0.0.1:8765") << none << false;
    QTest::newRow("empty userinfo") << QByteArray("http://@127.0.0.1:8765") << QByteArray("127.0.0.1:8765") << none << false;
    QTest::newRow("no host header") << QByteArray("http://radio.example") << QByteArray() << none << false;
    QTest::newRow("listed") << QByteArray("https://app.example") << QByteArray("radio.example")
                            << QStringList{QStringLiteral("https://app.example")} << true;
    QTest::newRow("listed other scheme") << QByteArray("http://app.example") << QByteArray("radio.example")
                                         << QStringList{QStringLiteral("https://app.example")} << false;
    QTest::newRow("star") << QByteArray("http://anything.example") << QByteArray("radio.example")
                          << QStringList{QStringLiteral("*")} << true;
}

void TestSecurity::origins()
{
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, host);
    QFETCH(QStringList, allowed);
    QFETCH(bool, ok);
    QCOMPARE(originAllowed(origin, host, allowed), ok);
}

void TestSecurity::rateLimiterBuckets()
{
    QList<Subnet> exempt;
    QString err;
    QVERIFY(parseSubnets(QStringLiteral("10.0.0.0/8, ::1"), &exempt, &err));
    QCOMPARE(exempt.size(), 2);
    QVERIFY(!parseSubnets(QStringLiteral("10.0.0.0/8,nonsense"), &exempt, &err));
    QVERIFY(err.contains(QLatin1String("nonsense")));
    QVERIFY(parseSubnets(QStringLiteral("10.0.0.0/8"), &exempt, &err));

    RateLimiter limiter(2, 3, exempt); // 2/s, burst 3
    const QHostAddress a(QStringLiteral("192.0.2.1"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(limiter.take(a, 1000), 0);
    QCOMPARE(limiter.take(a, 1000), 1);   // Retry-After: 1 s
    QCOMPARE(limiter.take(a, 1400), 1);   // 0.8 of a token back: not yet
    QCOMPARE(limiter.take(a, 1500), 0);   // one token after 500 ms at 2/s
    QVERIFY(limiter.take(a, 1500) > 0);
    QCOMPARE(limiter.take(QHostAddress(QStringLiteral("192.0.2.2")), 1400), 0); // another address
    QCOMPARE(limiter.take(QHostAddress(QStringLiteral("::ffff:192.0.2.1")), 1400), 1); // same as v4
    for (int i = 0; i < 50; ++i)
        QCOMPARE(limiter.take(QHostAddress(QStringLiteral("10.1.2.3")), 1400), 0); // exempt
    // IPv6 counts per /64: a host cannot dodge the limit by rotating its interface id.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(limiter.take(QHostAddress(QStringLiteral("2001:db8:1:2::%1").arg(i + 1)), 5000), 0);
    QVERIFY(limiter.take(QHostAddress(QStringLiteral("2001:db8:1:2::99")), 5000) > 0);
    QCOMPARE(limiter.take(QHostAddress(QStringLiteral("2001:db8:1:3::1")), 5000), 0);
    QVERIFY(limiter.refused() >= 3);
    RateLimiter off(0, 1, {});
    for (int i = 0; i < 100; ++i)
        QCOMPARE(off.take(a, 0), 0);
}

void TestSecurity::refusedHeadsOverTheWire()
{
    EngineConfig c = testConfig();
    c.maxHeaderBytes = 2048;
    TestServer server(c);
    const quint16 port = server.port();
    struct Case
    {
        QByteArray request;
        int status;
        const char *code;
    } cases[] = {
        {"GET / HTTP/1.1\r\nX-Big: " + QByteArray(4000, 'a') + "\r\n\r\n", 431, "headers_too_large"},
        {"GET / HTTP/1.1\r\nX-Big: " + QByteArray(4000, 'a'), 431, "headers_too_large"}, // never ends
        {QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), 400, "bad_request"}, // TLS hello
        {QByteArray(64, '\xff') + "\r\n\r\n", 400, "bad_request"},
        {"POST /api/broadcasts HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n", 413, "body_too_large"},
        {"POST /api/broadcasts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 411, "length_required"},
        {"GET /health HTTP/3.0\r\n\r\n", 505, "http_version_not_supported"},
    };
    for (const Case &k : cases) {
        const HttpReply r = rawHttp(port, k.request, 5000);
        QCOMPARE(r.status, k.status);
        QCOMPARE(r.json().value(QLatin1String("error")).toString(), QString::fromLatin1(k.code));
        QVERIFY(r.head.contains("Connection: close"));
    }
    QCOMPARE(httpGet(port, QStringLiteral("/health")).status, 200);
    QVERIFY(server.engine().metrics()->refusals(Refusal::HeadersTooLarge) >= 2);
    QVERIFY(server.engine().metrics()->refusals(Refusal::BadRequest) >= 2);
}

void TestSecurity::keepAliveRequestsAreVettedToo()
{
    TestServer server;
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(s.waitForConnected(3000));
    // First request fine, second (same connection) announces a body over the limit.
    s.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += s.readAll()).contains("\"status\""), 5000);
    QVERIFY(got.startsWith("HTTP/1.1 200"));
    got.clear();
    s.write("POST /api/broadcasts HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT((got += s.readAll()).contains("body_too_large"), 5000);
    QVERIFY(got.startsWith("HTTP/1.1 413"));
    QTRY_VERIFY_WITH_TIMEOUT(s.state() != QAbstractSocket::ConnectedState || (s.readAll(), false), 5000);
}

void TestSecurity::slowRequestsTimeOut()
{
    EngineConfig c = testConfig();
    c.handshakeTimeoutMs = 600;
    c.requestTimeoutMs = 800;
    c.httpIdleTimeoutMs = 1000;
    TestServer server(c);
    // Slowloris: a head that never finishes.
    QTcpSocket slow;
    slow.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(slow.waitForConnected(3000));
    slow.write("GET / HTTP/1.1\r\nX-a: 1\r\n");
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += slow.readAll()).contains("request_timeout"), 5000);
    QVERIFY(got.startsWith("HTTP/1.1 408"));
    // A body that never finishes, on a second request of a keep-alive connection.
    QTcpSocket body;
    body.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(body.waitForConnected(3000));
    body.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    got.clear();
    QTRY_VERIFY_WITH_TIMEOUT((got += body.readAll()).contains("\"status\""), 5000);
    got.clear();
    body.write("POST /api/broadcasts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"mes");
    QTRY_VERIFY_WITH_TIMEOUT((got += body.readAll()).contains("request_timeout"), 5000);
    QVERIFY(got.startsWith("HTTP/1.1 408"));
    // An idle keep-alive connection is closed quietly.
    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(idle.waitForConnected(3000));
    idle.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    got.clear();
    QTRY_VERIFY_WITH_TIMEOUT((got += idle.readAll()).contains("\"status\""), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(idle.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(server.engine().metrics()->refusals(Refusal::RequestTimeout) >= 2);
}

void TestSecurity::originAllowList()
{
    EngineConfig c = testConfig();
    c.allowedOrigins = {QStringLiteral("https://app.example")};
    TestServer server(c);
    const quint16 port = server.port();
    auto upgradeWithOrigin = [port](const QByteArray &origin, const QByteArray &host) {
        QByteArray req = upgradeRequest("/ws/listen/main");
        req.replace(QByteArray("Host: 127.0.0.1\r\n"), QByteArray("Host: " + host + "\r\n"));
        if (!origin.isEmpty())
            req.replace(QByteArray("\r\n\r\n"), QByteArray("\r\nOrigin: " + origin + "\r\n\r\n"));
        return rawHttp(port, req, 3000);
    };
    const QByteArray self = "127.0.0.1:" + QByteArray::number(port);
    QVERIFY(upgradeRequest("/x").contains("Host: 127.0.0.1\r\n"));
    QCOMPARE(upgradeWithOrigin("http://" + self, self).status, 101);       // the server's own page
    QCOMPARE(upgradeWithOrigin({}, self).status, 101);                      // not a browser
    QCOMPARE(upgradeWithOrigin("https://app.example", self).status, 101);   // listed
    const HttpReply evil = upgradeWithOrigin("http://evil.example", self);
    QCOMPARE(evil.status, 403);
    QCOMPARE(evil.json().value(QLatin1String("error")).toString(), QStringLiteral("origin_not_allowed"));
    QCOMPARE(upgradeWithOrigin("null", self).status, 403);
    QCOMPARE(upgradeWithOrigin("http://localhost:1", self).status, 403);
    // A real browser-like client (QWebSocket sends Origin when asked to).
    QWebSocket ws(QStringLiteral("http://evil.example"));
    QSignalSpy closed(&ws, &QWebSocket::disconnected);
    ws.open(server.ws(QStringLiteral("/ws/listen/main")));
    QVERIFY(closed.wait(5000));
    QVERIFY(server.engine().metrics()->refusals(Refusal::OriginNotAllowed) >= 3);
    QCOMPARE(httpGet(port, QStringLiteral("/health")).status, 200);
}

void TestSecurity::connectionRateLimit()
{
    EngineConfig c = testConfig();
    c.connectRate = 2;
    c.connectBurst = 5;
    c.rateLimitExempt.clear(); // loopback is exempt by default
    TestServer server(c);
    int ok = 0, limited = 0;
    HttpReply last;
    for (int i = 0; i < 8; ++i) {
        const HttpReply r = httpGet(server.port(), QStringLiteral("/health"));
        if (r.status == 200)
            ++ok;
        else if (r.status == 429) {
            ++limited;
            last = r;
        }
    }
    QVERIFY2(ok >= 5 && ok <= 6, qPrintable(QString::number(ok))); // the burst (+1 refilled at most)
    QCOMPARE(ok + limited, 8);
    QCOMPARE(last.json().value(QLatin1String("error")).toString(), QStringLiteral("rate_limited"));
    QVERIFY(headerOf(last, "retry-after").toInt() >= 1);
    QCOMPARE(last.json().value(QLatin1String("retry_after")).toInt(), headerOf(last, "retry-after").toInt());
    // WebSocket upgrades count as connections too and get the same answer.
    QCOMPARE(rawHttp(server.port(), upgradeRequest("/ws/listen/main")).status, 429);
    QTest::qWait(1100); // two tokens back: the refill is time itself, nothing to wait on
    QCOMPARE(httpGet(server.port(), QStringLiteral("/health")).status, 200);
    QVERIFY(server.engine().metrics()->refusals(Refusal::RateLimited) >= 3);
}

void TestSecurity::adminRateLimit()
{
    EngineConfig c = testConfig();
    c.adminRate = 1;
    c.adminBurst = 3;
    c.rateLimitExempt.clear();
    TestServer server(c);
    const QByteArray admin = bearer(server.token(Role::Admin));
    QList<int> statuses;
    for (int i = 0; i < 5; ++i)
        statuses << httpGet(server.port(), QStringLiteral("/api/broadcasts/stats"), admin).status;
    QCOMPARE(statuses.mid(0, 3), (QList<int>{200, 200, 200}));
    QCOMPARE(statuses.at(4), 429);
    // Wrong tokens use up the same budget: guessing is slow too.
    const HttpReply r = httpGet(server.port(), QStringLiteral("/api/broadcasts/stats"), bearer("garbage"));
    QCOMPARE(r.status, 429);
    QVERIFY(headerOf(r, "retry-after").toInt() >= 1);
    // Listener calls are not admin calls.
    QCOMPARE(httpGet(server.port(), QStringLiteral("/api/broadcasts/active")).status, 200);
}

void TestSecurity::httpsAndWssOnOnePort()
{
    const auto tls = makeTls();
    QVERIFY(tls);
    EngineConfig c = testConfig();
    c.tlsCertPath = tls->cert;
    c.tlsKeyPath = tls->key;
    // The 100 frames below arrive as one burst (64 KB). Through TLS the encrypted bytes wait in
    // QSslSocket until the worker's event loop flushes them, so the default 32 KB soft limit
    // may rightly skip audio to live; this test is about TLS carrying every byte in order.
    c.slowSoftBytes = 4 * 1024 * 1024;
    c.slowHardBytes = 8 * 1024 * 1024;
    TestServer server(c);
    QVERIFY(server.engine().secure());
    QCOMPARE(server.engine().baseUrl().scheme(), QStringLiteral("https"));
    QCOMPARE(server.engine().tlsFingerprint(), certificateFingerprint(QSslCertificate::fromPath(tls->cert).first()));
    QCOMPARE(server.engine().tlsFingerprint().size(), 32 * 3 - 1);

    const HttpReply health = httpsRequest(server.port(), tls->client,
                                          "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QCOMPARE(health.status, 200);
    QVERIFY(health.body.contains("\"tls\":true"));
    const HttpReply page = httpsRequest(server.port(), tls->client,
                                        "GET /listen/main HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("<html"));

    // A client that does not trust the certificate fails the handshake.
    QString why;
    QCOMPARE(httpsRequest(server.port(), QSslConfiguration::defaultConfiguration(), "GET / HTTP/1.1\r\n\r\n", &why).status, 0);
    QVERIFY(!why.isEmpty());
    // Plain HTTP on the TLS port is for listening only (--plain-http on, the default): reading
    // works, a change is refused in clear text, and the server carries on.
    const HttpReply plain = rawHttp(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
    QCOMPARE(plain.status, 200);
    const HttpReply plainChange = httpSend(server.port(), "POST", QStringLiteral("/api/broadcasts"), R"({"message":"x"})");
    QCOMPARE(plainChange.status, 403);
    QCOMPARE(plainChange.json().value(QLatin1String("error")).toString(), QStringLiteral("https_required"));

    // WSS: a speaker and a listener through TLS, frames byte-identical and in order.
    WsClient listener;
    listener.socket.setSslConfiguration(tls->client);
    const QUrl base(QStringLiteral("wss://127.0.0.1:%1").arg(server.port()));
    QVERIFY(listener.openAndWaitConnected(base.resolved(QUrl(QStringLiteral("/ws/listen/main")))));
    WsClient speaker;
    speaker.socket.setSslConfiguration(tls->client);
    QVERIFY(speaker.open(base.resolved(QUrl(QStringLiteral("/ws/speak/main")))));
    QList<QByteArray> sent;
    for (int i = 0; i < 100; ++i) {
        QByteArray f(640, char(i));
        f.prepend(QByteArray::number(i).rightJustified(4, '0'));
        sent << f;
        speaker.socket.sendBinaryMessage(f);
    }
    QVERIFY2(listener.waitBinary(100, 10000),
             qPrintable(QStringLiteral("%1 of 100 frames").arg(listener.binary.size())));
    QCOMPARE(listener.binary, sent);
    QVERIFY(listener.socket.sslConfiguration().sessionCipher().isNull() == false);
}

void TestSecurity::curlVerifiesTheCertificate()
{
    ONAIR_SKIP_WITHOUT("curl");
    const QString curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
    const auto tls = makeTls();
    QVERIFY(tls);
    EngineConfig c = testConfig();
    c.tlsCertPath = tls->cert;
    c.tlsKeyPath = tls->key;
    TestServer server(c);
    auto run = [&](const QStringList &args, QByteArray *out) {
        QProcess p;
        p.start(curl, args);
        if (!p.waitForStarted(3000))
            return -1;
        QSignalSpy finished(&p, &QProcess::finished); // spins the event loop: the engine answers on this thread
        if (p.state() != QProcess::NotRunning && !finished.wait(30000))
            return -1;
        *out = p.readAllStandardOutput();
        return p.exitCode();
    };
    QByteArray out;
    const QString url = QStringLiteral("https://127.0.0.1:%1/health").arg(server.port());
    QCOMPARE(run({QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("10"), QStringLiteral("--cacert"), tls->cert,
                  QStringLiteral("-w"), QStringLiteral("\n%{http_code} %{ssl_verify_result}"), url}, &out), 0);
    QVERIFY2(out.endsWith("200 0"), out.constData());
    QVERIFY(out.contains("\"tls\":true"));
    // The same under the name from the certificate's subjectAltName.
    QCOMPARE(run({QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("10"), QStringLiteral("--cacert"), tls->cert,
                  QStringLiteral("--resolve"), QStringLiteral("onair.test:%1:127.0.0.1").arg(server.port()),
                  QStringLiteral("https://onair.test:%1/health").arg(server.port())}, &out), 0);
    // Without the certificate as CA curl refuses (exit 60: peer certificate cannot be authenticated).
    QCOMPARE(run({QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("10"), url}, &out), 60);
}

void TestSecurity::slowTlsListenerIsClosed()
{
    const auto tls = makeTls();
    QVERIFY(tls);
    EngineConfig c = testConfig();
    c.tlsCertPath = tls->cert;
    c.tlsKeyPath = tls->key;
    c.slowSoftBytes = 16 * 1024;
    c.slowHardBytes = 256 * 1024;
    c.slowGraceMs = 500;
    TestServer server(c);
    // A TLS listener that stops reading after the handshake: its backlog is encrypted bytes
    // waiting in the socket, which must count as backlog (else it grows without bound).
    QSslSocket stuck;
    stuck.setSslConfiguration(tls->client);
    stuck.setReadBufferSize(4096);
    stuck.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    stuck.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.port());
    QTRY_VERIFY_WITH_TIMEOUT(stuck.isEncrypted(), 5000);
    stuck.write(upgradeRequest("/ws/listen/main"));
    QTRY_VERIFY_WITH_TIMEOUT(stuck.bytesAvailable() > 0, 5000);
    WsClient speaker;
    speaker.socket.setSslConfiguration(tls->client);
    QVERIFY(speaker.open(QUrl(QStringLiteral("wss://127.0.0.1:%1/ws/speak/main").arg(server.port()))));
    const QByteArray frame(8000, 'x');
    QTimer speaking; // the speaker keeps sending until the stuck listener is closed
    connect(&speaking, &QTimer::timeout, this, [&] { speaker.socket.sendBinaryMessage(frame); });
    speaking.start(5);
    QTRY_VERIFY_WITH_TIMEOUT(server.engine().metrics()->refusals(Refusal::SlowConsumer) > 0, 15000);
    speaking.stop();
    QCOMPARE(server.engine().metrics()->refusals(Refusal::SlowConsumer), 1);
}

void TestSecurity::tlsFilesAreChecked()
{
    const auto tls = makeTls();
    const auto other = makeTls();
    QVERIFY(tls && other);
    QString err;
    QVERIFY(loadTlsConfiguration(tls->cert, tls->key, &err));
    QVERIFY(!loadTlsConfiguration(tls->cert, other->key, &err));
    QVERIFY2(err.contains(QLatin1String("does not belong")), qPrintable(err));
    QVERIFY(!loadTlsConfiguration(tls->cert, tls->dir.filePath(QStringLiteral("missing.pem")), &err));
    QVERIFY(!loadTlsConfiguration(tls->key, tls->key, &err)); // a key is not a certificate
    QVERIFY(QFile(tls->key).permissions() & QFileDevice::ReadOwner);
    QVERIFY(!(QFile(tls->key).permissions() & QFileDevice::ReadOther));
    const QSslCertificate cert = QSslCertificate::fromPath(tls->cert).first();
    const QList<QString> dns = cert.subjectAlternativeNames().values(QSsl::DnsEntry);
    const QList<QString> ips = cert.subjectAlternativeNames().values(QSsl::IpAddressEntry);
    QVERIFY(dns.contains(QStringLiteral("localhost")));
    QVERIFY(dns.contains(QStringLiteral("onair.test")));
    QVERIFY(ips.contains(QStringLiteral("127.0.0.1")));
    EngineConfig c = testConfig();
    c.tlsCertPath = tls->cert;
    c.tlsKeyPath = other->key;
    c.dataDir = tls->dir.path();
    Engine engine(c);
    QVERIFY(!engine.start(&err));
    QVERIFY(err.contains(QLatin1String("--tls-key")));
}

void TestSecurity::tokensNeverLogged()
{
    QLoggingCategory::setFilterRules(QStringLiteral("onair.*=true\nqt.*=false"));
    g_previous = qInstallMessageHandler(captureLog);
    {
        EngineConfig c = testConfig();
        c.openSpeakers = false;
        TestServer server(c);
        const QByteArray admin = server.token(Role::Admin);
        const QByteArray speaker = server.token(Role::Speaker, QStringLiteral("presenter"), {QStringLiteral("main")});
        const QByteArray forged = speaker.left(speaker.size() - 6) + "AAAAAA";
        WsClient s;
        QVERIFY(s.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/main?token=") + QString::fromLatin1(speaker))));
        WsClient bad;
        bad.open(server.ws(QStringLiteral("/ws/speak/other?token=") + QString::fromLatin1(forged)));
        QVERIFY(bad.waitDisconnected());
        QCOMPARE(httpSend(server.port(), "POST", QStringLiteral("/api/broadcasts"), R"({"message":"hi"})", bearer(admin)).status, 201);
        QCOMPARE(httpGet(server.port(), QStringLiteral("/api/broadcasts/stats"), bearer(forged)).status, 401);
        QCOMPARE(httpGet(server.port(), QStringLiteral("/api/broadcasts/stats?token=") + QString::fromLatin1(admin)).status, 401);
        quietPeriod(300); // late log lines (the workers' threads) would be written now
        QMutexLocker lock(&g_logMutex);
        QVERIFY2(g_log.size() > 200, g_log.constData()); // the debug log was on and wrote something
        for (const QByteArray &t : {admin, speaker, forged}) {
            const QByteArray signature = t.mid(t.lastIndexOf('.') + 1);
            QVERIFY2(!g_log.contains(t) && !g_log.contains(signature), g_log.constData());
        }
    }
    qInstallMessageHandler(g_previous);
    QLoggingCategory::setFilterRules(QString());
}

void TestSecurity::redisPassword()
{
    // Replicas authenticate to a Redis with requirepass; a wrong password is a clear degraded
    // reason, and the password shows up nowhere.
    ONAIR_SKIP_WITHOUT("redis-server");
    RedisServer redis(freePort());
    QVERIFY2(redis.start({QStringLiteral("--requirepass"), QStringLiteral("s3cret-pw")}),
             "redis-server (scripts/deps.sh test installs it)");
    const quint16 port = redis.port();
    EngineConfig good = testConfig();
    good.redisUrl = QStringLiteral("redis://:s3cret-pw@127.0.0.1:%1").arg(port);
    good.redisRetryMaxMs = 300;
    EngineConfig bad = good;
    bad.redisUrl = QStringLiteral("redis://:wrong-pw@127.0.0.1:%1").arg(port);
    {
        TestServer a(good);
        TestServer b(bad);
        QTRY_VERIFY_WITH_TIMEOUT(a.engine().bus()->connected(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(b.engine().degradedReasons().join(u' ').contains(QLatin1String("AUTH refused")), 5000);
        QVERIFY(!b.engine().bus()->connected());
        const HttpReply full = httpGet(b.port(), QStringLiteral("/health/full"));
        QVERIFY(!full.body.contains("wrong-pw") && !full.body.contains("s3cret"));
        QVERIFY(httpGet(a.port(), QStringLiteral("/health")).body.contains("\"cluster\":\"connected\""));
    }
}

QTEST_GUILESS_MAIN(TestSecurity)
#include "tst_security.moc"
