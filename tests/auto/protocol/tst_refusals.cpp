// The refusal table and admit() (protocol/refusals.h): every refusal of an incoming connection
// decided in one place, and answered per channel with the same status, code, close code and
// text the clients have always seen (docs/protocol.md).
#include "protocol/refusals.h"

#include <QTest>

using namespace onair;

Q_DECLARE_METATYPE(onair::Denial)
Q_DECLARE_METATYPE(onair::Channel)
Q_DECLARE_METATYPE(onair::Refusal)
Q_DECLARE_METATYPE(onair::Admission)

class TestRefusals : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void admitDecides_data();
    void admitDecides();
    void table_data();
    void table();
    void names();
    void headRefusals_data();
    void headRefusals();
};

namespace {
// Facts for a route, all limits free; the rows change one or two of them.
Admission facts(WsRoute::Kind kind)
{
    Admission a;
    a.kind = kind;
    a.streamId = QStringLiteral("main");
    a.routeError = QStringLiteral("bad id");
    a.maxListeners = 7;
    a.maxStreams = 3;
    a.maxConnections = 100;
    return a;
}
} // namespace

void TestRefusals::admitDecides_data()
{
    QTest::addColumn<Admission>("facts");
    QTest::addColumn<bool>("admitted");
    QTest::addColumn<Denial>("denial");
    QTest::addColumn<QString>("detail");

    const auto with = [](WsRoute::Kind k, auto change) {
        Admission a = facts(k);
        change(a);
        return a;
    };
    const auto none = [](Admission &) {};
    QTest::newRow("listen free") << facts(WsRoute::Listen) << true << Denial::NotFound << QString();
    QTest::newRow("speak free") << facts(WsRoute::Speak) << true << Denial::NotFound << QString();
    QTest::newRow("events") << facts(WsRoute::Events) << true << Denial::NotFound << QString();
    QTest::newRow("legacy at stream limit")
        << with(WsRoute::Legacy, [](Admission &a) { a.atStreamLimit = true; }) << true << Denial::NotFound << QString();
    QTest::newRow("unknown") << with(WsRoute::Unknown, none) << false << Denial::NotFound << QString();
    QTest::newRow("invalid id") << facts(WsRoute::Invalid) << false << Denial::InvalidStreamId << QStringLiteral("bad id");
    QTest::newRow("unknown format") << with(WsRoute::Invalid, [](Admission &a) { a.unknownFormat = true; }) << false
                                    << Denial::UnknownFormat << QStringLiteral("bad id");
    QTest::newRow("method first") << with(WsRoute::Invalid, [](Admission &a) { a.methodAllowed = false; }) << false
                                  << Denial::MethodNotAllowed << QString();
    QTest::newRow("plain request") << with(WsRoute::Listen, [](Admission &a) { a.upgrade = false; }) << false
                                   << Denial::UpgradeRequired << QString();
    QTest::newRow("route before upgrade") << with(WsRoute::Unknown, [](Admission &a) { a.upgrade = false; }) << false
                                          << Denial::NotFound << QString();
    QTest::newRow("bad token") << with(WsRoute::Listen, [](Admission &a) {
        a.credentials = Denied{Denial::Unauthorized, QStringLiteral("expired")};
        a.streamFull = true;
    }) << false << Denial::Unauthorized << QStringLiteral("expired");
    QTest::newRow("speaker present") << with(WsRoute::Speak, [](Admission &a) { a.speakerPresent = true; }) << false
                                     << Denial::StreamTaken << QStringLiteral("main");
    QTest::newRow("listener ignores speaker") << with(WsRoute::Listen, [](Admission &a) { a.speakerPresent = true; })
                                              << true << Denial::NotFound << QString();
    QTest::newRow("stream full") << with(WsRoute::Listen, [](Admission &a) {
        a.streamFull = true;
        a.atStreamLimit = true;
    }) << false << Denial::StreamFull << QStringLiteral("7");
    QTest::newRow("speaker ignores full") << with(WsRoute::Speak, [](Admission &a) { a.streamFull = true; }) << true
                                          << Denial::NotFound << QString();
    QTest::newRow("too many streams") << with(WsRoute::Speak, [](Admission &a) { a.atStreamLimit = true; }) << false
                                      << Denial::TooManyStreams << QStringLiteral("3");
    QTest::newRow("events at stream limit") << with(WsRoute::Events, [](Admission &a) { a.atStreamLimit = true; })
                                            << false << Denial::TooManyStreams << QStringLiteral("3");
    QTest::newRow("no connection slot") << with(WsRoute::Legacy, [](Admission &a) { a.connectionFree = false; })
                                        << false << Denial::ServerFull << QStringLiteral("100");
}

void TestRefusals::admitDecides()
{
    QFETCH(Admission, facts);
    QFETCH(bool, admitted);
    QFETCH(Denial, denial);
    QFETCH(QString, detail);
    const std::optional<Denied> d = admit(facts);
    QCOMPARE(!d.has_value(), admitted);
    if (d) {
        QCOMPARE(d->denial, denial);
        QCOMPARE(d->detail, detail);
    }
}

void TestRefusals::table_data()
{
    QTest::addColumn<Denial>("denial");
    QTest::addColumn<Channel>("channel");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("detail2");
    QTest::addColumn<Refusal>("counted");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("code");
    QTest::addColumn<int>("closeCode");
    QTest::addColumn<int>("retryAfter");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, Denial d, Channel c, const char *detail, Refusal counted, int status,
                        const QByteArray &code, int close, int retry, const char *message) {
        const QStringList details = QString::fromUtf8(detail).split(u'|'); // "stream|replica" for a %2
        QTest::newRow(name) << d << c << details.value(0) << details.value(1) << counted << status << code << close << retry
                            << QString::fromUtf8(message);
    };
    using D = Denial;
    using C = Channel;
    using R = Refusal;
    const char *none = "";
    // A refused WebSocket upgrade, answered by the router (tst_endpoints, tst_limits).
    row("upgrade not found", D::NotFound, C::Upgrade, none, R::UnknownPath, 404, "not_found", 0, 0, "no such endpoint");
    row("upgrade invalid", D::InvalidStreamId, C::Upgrade, "bad id", R::InvalidStreamId, 400, "invalid_stream_id", 0, 0, "bad id");
    row("upgrade required", D::UpgradeRequired, C::Upgrade, none, R::Count, 426, "upgrade_required", 0, 0,
        "this endpoint speaks WebSocket only");
    row("upgrade taken", D::StreamTaken, C::Upgrade, "main", R::StreamTaken, 409, "stream_taken", 0, 0,
        "stream 'main' already has a speaker");
    row("upgrade full", D::StreamFull, C::Upgrade, "7", R::MaxListeners, 503, "stream_full", 0, 0,
        "stream has the maximum of 7 listeners");
    row("upgrade streams", D::TooManyStreams, C::Upgrade, "3", R::MaxStreams, 503, "too_many_streams", 0, 0,
        "the server has the maximum of 3 streams");
    row("upgrade server full", D::ServerFull, C::Upgrade, "100", R::MaxConnections, 503, "server_full", 0, 0,
        "the server has the maximum of 100 connections; retry later");
    // A player's /stream/… request, answered by the acceptor (tst_players).
    row("player method", D::MethodNotAllowed, C::Player, none, R::BadRequest, 405, "method_not_allowed", 0, 0,
        "players GET (or HEAD) a stream");
    row("player invalid", D::InvalidStreamId, C::Player, "bad id", R::InvalidStreamId, 400, "invalid_stream_id", 0, 0, "bad id");
    row("player format", D::UnknownFormat, C::Player, "unknown format", R::InvalidStreamId, 400, "unknown_format", 0, 0,
        "unknown format");
    row("player token", D::Unauthorized, C::Player, "expired", R::Unauthorized, 401, "unauthorized", 0, 0,
        "unauthorized: expired");
    row("player token required", D::TokenRequired, C::Player, none, R::Unauthorized, 401, "unauthorized", 0, 0,
        "this server requires a token to listen: add ?token=…");
    row("player full", D::StreamFull, C::Player, "7", R::MaxListeners, 503, "stream_full", 0, 5, "stream full: max 7 listeners");
    row("player streams", D::TooManyStreams, C::Player, "3", R::MaxStreams, 503, "too_many_streams", 0, 5,
        "too many streams: max 3");
    row("player server full", D::ServerFull, C::Player, "100", R::MaxConnections, 503, "max_connections", 0, 5,
        "the server has the maximum of 100 connections");
    // After the WebSocket handshake: a close frame (the fan-out worker).
    row("socket unknown", D::NotFound, C::Socket, none, R::UnknownPath, 0, "", 1008, 0, "unknown path");
    row("socket invalid", D::InvalidStreamId, C::Socket, "bad id", R::InvalidStreamId, 0, "", 1008, 0, "invalid stream id: bad id");
    row("socket unauthorized", D::Unauthorized, C::Socket, "speaking needs a speaker token", R::Unauthorized, 0, "", 1008, 0,
        "unauthorized: speaking needs a speaker token");
    row("socket token required", D::TokenRequired, C::Socket, none, R::Unauthorized, 0, "", 1008, 0,
        "unauthorized: this server requires a token to listen");
    row("socket forbidden", D::Forbidden, C::Socket, "this token may not speak here", R::Forbidden, 0, "", 1008, 0,
        "forbidden: this token may not speak here");
    row("socket taken", D::StreamTaken, C::Socket, "main", R::StreamTaken, 0, "", 4409, 0,
        "stream taken: 'main' already has a speaker");
    row("socket taken on replica", D::TakenOnReplica, C::Socket, "main|r2", R::StreamTaken, 0, "", 4409, 0,
        "stream taken: 'main' has a speaker on replica r2");
    row("socket full", D::StreamFull, C::Socket, "7", R::MaxListeners, 0, "", 1013, 0, "stream full: max 7 listeners");
    row("socket streams", D::TooManyStreams, C::Socket, "3", R::MaxStreams, 0, "", 1013, 0, "too many streams: max 3");
    // No row for the channel: answered as an unknown endpoint there.
    row("socket upgrade required", D::UpgradeRequired, C::Socket, none, R::UnknownPath, 0, "", 1008, 0, "unknown path");
    row("upgrade forbidden", D::Forbidden, C::Upgrade, "x", R::UnknownPath, 404, "not_found", 0, 0, "no such endpoint");
}

void TestRefusals::table()
{
    QFETCH(Denial, denial);
    QFETCH(Channel, channel);
    QFETCH(QString, detail);
    QFETCH(QString, detail2);
    const RefusalAnswer a = refusalAnswer(channel, {denial, detail, detail2});
    QTEST(a.counted, "counted");
    QTEST(a.status, "status");
    QTEST(a.code, "code");
    QTEST(a.closeCode, "closeCode");
    QTEST(a.retryAfter, "retryAfter");
    QTEST(a.message, "message");
}

void TestRefusals::names()
{
    QCOMPARE(refusalName(Refusal::InvalidStreamId), "invalid_stream_id");
    QCOMPARE(refusalName(Refusal::MaxConnections), "max_connections");
    QCOMPARE(refusalName(Refusal::TlsHandshake), "tls_handshake");
    QCOMPARE(refusalName(Refusal::Count), "unknown");
    QSet<QByteArray> seen;
    for (int i = 0; i < int(Refusal::Count); ++i)
        seen.insert(refusalName(Refusal(i)));
    QCOMPARE(seen.size(), int(Refusal::Count)); // one Prometheus label per reason
}

void TestRefusals::headRefusals_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("code");
    QTest::addColumn<Refusal>("counted");
    QTest::newRow("origin") << 403 << QByteArray("origin_not_allowed") << Refusal::OriginNotAllowed;
    QTest::newRow("https required") << 403 << QByteArray("https_required") << Refusal::Forbidden;
    QTest::newRow("timeout") << 408 << QByteArray("request_timeout") << Refusal::RequestTimeout;
    QTest::newRow("body") << 413 << QByteArray("body_too_large") << Refusal::BodyTooLarge;
    QTest::newRow("rate") << 429 << QByteArray("rate_limited") << Refusal::RateLimited;
    QTest::newRow("head") << 431 << QByteArray("headers_too_large") << Refusal::HeadersTooLarge;
    QTest::newRow("syntax") << 400 << QByteArray("bad_request") << Refusal::BadRequest;
    QTest::newRow("chunked") << 411 << QByteArray("length_required") << Refusal::BadRequest;
    QTest::newRow("version") << 505 << QByteArray("http_version_not_supported") << Refusal::BadRequest;
}

void TestRefusals::headRefusals()
{
    QFETCH(int, status);
    QFETCH(QByteArray, code);
    QTEST(headRefusal(status, code), "counted");
}

QTEST_APPLESS_MAIN(TestRefusals)
#include "tst_refusals.moc"
