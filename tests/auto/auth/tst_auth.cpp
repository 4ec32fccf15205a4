// Tokens (HS256, JWT-compatible), the server secret, and who may do what over WebSocket.
#include "auth/auth.h"
#include "testsupport.h"

#include <QFile>
#include <QMessageAuthenticationCode>
#include <QTest>

using namespace onair;
using namespace onair::test;

namespace {
const QByteArray kSecret = "0123456789abcdef0123456789abcdef";

QByteArray tokenWith(Role role, qint64 exp, const QStringList &streams = {}, const QByteArray &secret = kSecret)
{
    TokenClaims c;
    c.sub = QStringLiteral("alice");
    c.role = role;
    c.streams = streams;
    c.iat = 1000;
    c.exp = exp;
    return mintToken(c, secret);
}
// A token with this exact payload JSON, signed with kSecret (as only the server could).
QByteArray signedPayload(const char *json)
{
    constexpr auto b64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
    const QByteArray input = QByteArray(R"({"alg":"HS256","typ":"JWT"})").toBase64(b64) + '.' + QByteArray(json).toBase64(b64);
    return input + '.' + QMessageAuthenticationCode::hash(input, kSecret, QCryptographicHash::Sha256).toBase64(b64);
}
} // namespace

class TestAuth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void verify_data();
    void verify();
    void speakerScope_data();
    void speakerScope();
    void constantTimeCompare();
    void secretFileIsCreatedPrivate();
    void durations_data();
    void durations();
    void websocketAccess_data();
    void websocketAccess();
    void listenerTokenRequired();
};

void TestAuth::verify_data()
{
    const qint64 now = 2000;
    const QByteArray good = tokenWith(Role::Admin, now + 60);
    QList<QByteArray> parts = good.split('.');
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("reason");
    QTest::addRow("valid") << good << true << QString();
    QTest::addRow("expired") << tokenWith(Role::Admin, now - 1) << false << QStringLiteral("token expired");
    QTest::addRow("other-secret") << tokenWith(Role::Admin, now + 60, {}, "another-secret-another-secret!!") << false
                                  << QStringLiteral("bad signature");
    QTest::addRow("tampered-payload")
        << QByteArray(parts[0] + '.' + QByteArray(R"({"sub":"alice","role":"admin","exp":99999999})").toBase64(
               QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals) + '.' + parts[2])
        << false << QStringLiteral("bad signature");
    QTest::addRow("alg-none") << QByteArray(QByteArray(R"({"alg":"none"})").toBase64(QByteArray::Base64UrlEncoding) + '.' + parts[1] + '.')
                              << false << QStringLiteral("bad signature");
    QTest::addRow("two-parts") << QByteArray(parts[0] + '.' + parts[1]) << false << QStringLiteral("malformed token");
    QTest::addRow("empty") << QByteArray() << false << QStringLiteral("no token");
    QTest::addRow("garbage") << QByteArray("not.a.token") << false << QStringLiteral("bad signature");
    QTest::addRow("huge") << QByteArray(10000, 'a') << false << QStringLiteral("token too long");
    // Found by tests/fuzz/fuzz_token: a signed token whose exp does not fit qint64 was converted
    // anyway (undefined behaviour); now refused.
    QTest::addRow("exp-out-of-range") << signedPayload(R"({"sub":"l","role":"listener","exp":1.8e64})") << false
                                      << QStringLiteral("token exp or iat out of range");
    QTest::addRow("iat-out-of-range") << signedPayload(R"({"sub":"l","role":"listener","exp":3000,"iat":-1e300})") << false
                                      << QStringLiteral("token exp or iat out of range");
}

void TestAuth::verify()
{
    QFETCH(QByteArray, token);
    QFETCH(bool, valid);
    QFETCH(QString, reason);
    QString error;
    const auto claims = verifyToken(token, kSecret, &error, 2000);
    QCOMPARE(claims.has_value(), valid);
    QCOMPARE(error, reason);
    if (valid) {
        QCOMPARE(claims->sub, QStringLiteral("alice"));
        QCOMPARE(claims->role, Role::Admin);
        QCOMPARE(claims->exp, 2060);
    }
}

void TestAuth::speakerScope_data()
{
    QTest::addColumn<int>("role");
    QTest::addColumn<QStringList>("streams");
    QTest::addColumn<QString>("stream");
    QTest::addColumn<bool>("may");
    QTest::addRow("speaker-any") << int(Role::Speaker) << QStringList() << QStringLiteral("main") << true;
    QTest::addRow("speaker-listed") << int(Role::Speaker) << QStringList{QStringLiteral("main")} << QStringLiteral("main") << true;
    QTest::addRow("speaker-other") << int(Role::Speaker) << QStringList{QStringLiteral("main")} << QStringLiteral("b") << false;
    QTest::addRow("admin") << int(Role::Admin) << QStringList{QStringLiteral("x")} << QStringLiteral("main") << true;
    QTest::addRow("listener") << int(Role::Listener) << QStringList() << QStringLiteral("main") << false;
}

void TestAuth::speakerScope()
{
    QFETCH(int, role);
    QFETCH(QStringList, streams);
    QFETCH(QString, stream);
    QFETCH(bool, may);
    QString e;
    const auto c = verifyToken(tokenWith(Role(role), 5000, streams), kSecret, &e, 2000);
    QVERIFY(c);
    QCOMPARE(c->streams, streams);
    QCOMPARE(c->maySpeakOn(stream), may);
}

void TestAuth::constantTimeCompare()
{
    QVERIFY(constantTimeEquals("abc", "abc"));
    QVERIFY(!constantTimeEquals("abc", "abd"));
    QVERIFY(!constantTimeEquals("abc", "abcd"));
    QVERIFY(constantTimeEquals(QByteArray(), QByteArray()));
}

void TestAuth::secretFileIsCreatedPrivate()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("secret.key"));
    QString error;
    const QByteArray s1 = loadOrCreateSecret(path, &error);
    QVERIFY2(s1.size() >= 32, qPrintable(error));
    QCOMPARE(QFile(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther),
             QFileDevice::Permissions());
    QCOMPARE(loadOrCreateSecret(path, &error), s1); // stable across restarts
    QTemporaryDir other;
    QVERIFY(loadOrCreateSecret(other.filePath(QStringLiteral("secret.key")), &error) != s1);
}

void TestAuth::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("secs");
    QTest::addRow("hours") << QStringLiteral("8h") << qint64(28800);
    QTest::addRow("minutes") << QStringLiteral("30m") << qint64(1800);
    QTest::addRow("days") << QStringLiteral("2d") << qint64(172800);
    QTest::addRow("seconds") << QStringLiteral("90") << qint64(90);
    QTest::addRow("zero") << QStringLiteral("0h") << qint64(-1);
    QTest::addRow("junk") << QStringLiteral("soon") << qint64(-1);
    // Found by tests/fuzz/fuzz_token: n * unit overflowed qint64 (undefined behaviour).
    QTest::addRow("overflow-minutes") << QStringLiteral("222222222222222222m") << qint64(-1);
    QTest::addRow("overflow-days") << QStringLiteral("9223372036854775807d") << qint64(-1);
    QTest::addRow("1000-years") << QStringLiteral("366000d") << kMaxDurationSecs;
    QTest::addRow("over-1000-years") << QStringLiteral("366001d") << qint64(-1);
}

void TestAuth::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, secs);
    QCOMPARE(parseDurationSecs(text), secs);
}

void TestAuth::websocketAccess_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("role"); // -1: no token, -2: bad token
    QTest::addColumn<QStringList>("streams");
    QTest::addColumn<QString>("outcome"); // "ok", "unauthorized", "forbidden"
    QTest::addRow("speak-no-token") << QStringLiteral("/ws/speak/main") << -1 << QStringList() << QStringLiteral("unauthorized");
    QTest::addRow("speak-bad-token") << QStringLiteral("/ws/speak/main") << -2 << QStringList() << QStringLiteral("unauthorized");
    QTest::addRow("speak-listener-token") << QStringLiteral("/ws/speak/main") << int(Role::Listener) << QStringList() << QStringLiteral("forbidden");
    QTest::addRow("speak-other-stream") << QStringLiteral("/ws/speak/main") << int(Role::Speaker) << QStringList{QStringLiteral("b")} << QStringLiteral("forbidden");
    QTest::addRow("speak-speaker") << QStringLiteral("/ws/speak/main") << int(Role::Speaker) << QStringList{QStringLiteral("main")} << QStringLiteral("ok");
    QTest::addRow("speak-admin") << QStringLiteral("/ws/speak/main") << int(Role::Admin) << QStringList() << QStringLiteral("ok");
    QTest::addRow("legacy-no-token") << QStringLiteral("/ws") << -1 << QStringList() << QStringLiteral("unauthorized");
    QTest::addRow("legacy-speaker") << QStringLiteral("/ws") << int(Role::Speaker) << QStringList() << QStringLiteral("ok");
    QTest::addRow("listen-open") << QStringLiteral("/ws/listen/main") << -1 << QStringList() << QStringLiteral("ok");
    QTest::addRow("listen-bad-token") << QStringLiteral("/ws/listen/main") << -2 << QStringList() << QStringLiteral("unauthorized");
    QTest::addRow("events-open") << QStringLiteral("/ws/events") << -1 << QStringList() << QStringLiteral("ok");
}

void TestAuth::websocketAccess()
{
    QFETCH(QString, path);
    QFETCH(int, role);
    QFETCH(QStringList, streams);
    QFETCH(QString, outcome);
    EngineConfig c = testConfig();
    c.openSpeakers = false;
    TestServer server(c);
    QString query;
    if (role == -2)
        query = QStringLiteral("?token=") + QString::fromLatin1(tokenWith(Role::Admin, 9999999999, {}, "wrong-secret-wrong-secret-wrong!"));
    else if (role >= 0)
        query = QStringLiteral("?token=") + QString::fromLatin1(server.token(Role(role), QStringLiteral("bob"), streams));
    WsClient client;
    client.socket.open(server.ws(path + query));
    if (outcome == QLatin1String("ok")) {
        QTRY_VERIFY(client.socket.state() == QAbstractSocket::ConnectedState);
        quietPeriod(); // an allowed client is not closed a moment later
        QVERIFY2(!client.disconnected, qPrintable(client.closeReason));
    } else {
        QVERIFY(client.waitDisconnected());
        QCOMPARE(client.closeCode, 1008);
        QVERIFY2(client.closeReason.startsWith(outcome + u':'), qPrintable(client.closeReason));
        QVERIFY(!server.engine().hub()->hasSpeaker(QStringLiteral("main")));
    }
}

void TestAuth::listenerTokenRequired()
{
    EngineConfig c = testConfig();
    c.requireListenerToken = true;
    TestServer server(c);
    WsClient anonymous;
    anonymous.socket.open(server.ws(QStringLiteral("/ws/listen/main")));
    QVERIFY(anonymous.waitDisconnected());
    QCOMPARE(anonymous.closeCode, 1008);
    WsClient withToken; // the token also travels as a header
    QNetworkRequest req(server.ws(QStringLiteral("/ws/listen/main")));
    req.setRawHeader("Authorization", "Bearer " + server.token(Role::Listener));
    withToken.socket.open(req);
    QVERIFY(withToken.waitJsonType(QStringLiteral("connected")));
    QCOMPARE(httpGet(server.port(), QStringLiteral("/api/broadcasts/active")).status, 401);
    QCOMPARE(httpGet(server.port(), QStringLiteral("/api/broadcasts/active"), bearer(server.token(Role::Listener))).status, 200);
}

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
