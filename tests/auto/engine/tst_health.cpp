// /health, /health/connections, /health/full and /metrics report the right numbers for a
// known set of connections.
#include "testsupport.h"

#include <QJsonArray>
#include <QTest>

using namespace onair;
using namespace onair::test;

class TestHealth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void liveness();
    void connectionsAndMetricsMatchKnownClients();
    void fullSelfTestProbesEveryWorker();
    void fullHealthShowsOpenCircuit();
};

void TestHealth::liveness()
{
    TestServer server;
    const HttpReply r = httpGet(server.port(), QStringLiteral("/health"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QLatin1String("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(r.json().value(QLatin1String("version")).toString(), QStringLiteral(ONAIR_VERSION));
    QVERIFY(r.json().value(QLatin1String("uptime_seconds")).toDouble() >= 0);
}

void TestHealth::connectionsAndMetricsMatchKnownClients()
{
    TestServer server;
    WsClient a1, a2, a3, b1, sa;
    QVERIFY(a1.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/alpha"))));
    QVERIFY(a2.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/alpha"))));
    QVERIFY(a3.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/alpha"))));
    QVERIFY(b1.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/beta"))));
    QVERIFY(sa.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/alpha"))));
    for (int i = 0; i < 10; ++i)
        sa.socket.sendBinaryMessage(QByteArray(100, 'z'));
    QVERIFY(a3.waitBinary(10));
    QVERIFY(a1.waitBinary(10) && a2.waitBinary(10));

    const QJsonObject j = httpGet(server.port(), QStringLiteral("/health/connections")).json();
    const QJsonArray streams = j.value(QLatin1String("streams")).toArray();
    QCOMPARE(streams.size(), 2);
    const QJsonObject alpha = streams.at(0).toObject();
    QCOMPARE(alpha.value(QLatin1String("stream_id")).toString(), QStringLiteral("alpha"));
    QCOMPARE(alpha.value(QLatin1String("listeners")).toInt(), 3);
    QCOMPARE(alpha.value(QLatin1String("speaker")).toObject().value(QLatin1String("live")).toBool(), true);
    QCOMPARE(alpha.value(QLatin1String("frames_in")).toInt(), 10);
    QCOMPARE(alpha.value(QLatin1String("frames_out")).toInt(), 30);
    QCOMPARE(alpha.value(QLatin1String("bytes_in")).toInt(), 1000);
    QCOMPARE(alpha.value(QLatin1String("drops")).toInt(), 0);
    QVERIFY(alpha.value(QLatin1String("fanout_p99_ms")).toDouble() > 0); // per stream, not just overall
    const QJsonObject beta = streams.at(1).toObject();
    QCOMPARE(beta.value(QLatin1String("listeners")).toInt(), 1);
    QCOMPARE(beta.value(QLatin1String("speaker")).toObject().value(QLatin1String("live")).toBool(), false);
    const QJsonObject totals = j.value(QLatin1String("totals")).toObject();
    QCOMPARE(totals.value(QLatin1String("listeners")).toInt(), 4);
    QCOMPARE(totals.value(QLatin1String("speakers")).toInt(), 1);
    QCOMPARE(totals.value(QLatin1String("connections")).toInt(), 5);
    QCOMPARE(totals.value(QLatin1String("streams")).toInt(), 2);

    const HttpReply m = httpGet(server.port(), QStringLiteral("/metrics"));
    QCOMPARE(m.status, 200);
    QVERIFY(m.head.contains("text/plain"));
    auto value = [&m](const QByteArray &name) {
        for (const QByteArray &line : m.body.split('\n')) {
            if (line.startsWith(QByteArray(name + ' ')))
                return line.mid(name.size() + 1).toLongLong();
        }
        return qint64(-1);
    };
    QCOMPARE(value("onair_listeners"), 4);
    QCOMPARE(value("onair_speakers"), 1);
    QCOMPARE(value("onair_connections"), 5);
    QCOMPARE(value("onair_frames_in_total"), 10);
    QCOMPARE(value("onair_frames_out_total"), 30);
    QCOMPARE(value("onair_streams"), 2);
    QCOMPARE(value("onair_stream_listeners{stream=\"alpha\"}"), 3);
    QVERIFY(value("onair_fanout_latency_seconds_count") >= 10);
    QCOMPARE(value("onair_refusals_total{reason=\"stream_taken\"}"), 0);

    // After everyone leaves the numbers return to zero.
    for (auto *c : {&a1, &a2, &a3, &b1, &sa})
        c->socket.close();
    QTRY_COMPARE(server.engine().hub()->connections(), 0);
    const QJsonObject after = httpGet(server.port(), QStringLiteral("/health/connections")).json();
    QCOMPARE(after.value(QLatin1String("streams")).toArray().size(), 0);
}

void TestHealth::fullSelfTestProbesEveryWorker()
{
    EngineConfig c = testConfig();
    c.workers = 3;
    TestServer server(c);
    const HttpReply r = httpGet(server.port(), QStringLiteral("/health/full"));
    QCOMPARE(r.status, 200);
    const QJsonObject j = r.json();
    QCOMPARE(j.value(QLatin1String("status")).toString(), QStringLiteral("ok"));
    const QJsonObject hub = j.value(QLatin1String("components")).toObject().value(QLatin1String("hub")).toObject();
    QCOMPARE(hub.value(QLatin1String("probe_ok")).toBool(), true);
    QCOMPARE(hub.value(QLatin1String("workers_answered")).toInt(), 3);
    QVERIFY(hub.value(QLatin1String("probe_rtt_ms")).toDouble() > 0);
    // The probe is internal: it shows up in no stream list and no traffic counter.
    QCOMPARE(httpGet(server.port(), QStringLiteral("/health/connections")).json()
                 .value(QLatin1String("streams")).toArray().size(), 0);
    QCOMPARE(server.engine().metrics()->framesOut.load(), 0);
}

namespace {
class AlwaysFails final : public AudioProcessor
{
public:
    QString name() const override { return QStringLiteral("always-fails"); }
    bool process(const QByteArray &, QByteArray *, QString *e) override
    {
        *e = QStringLiteral("broken on purpose");
        return false;
    }
};
} // namespace

void TestHealth::fullHealthShowsOpenCircuit()
{
    EngineConfig c = testConfig();
    c.pipelineRetries = 0;
    c.breakerThreshold = 2;
    c.breakerCooldownMs = 60000;
    TestServer server(c, [](const QString &) { return std::make_unique<AlwaysFails>(); });
    WsClient l, s;
    QVERIFY(l.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
    QVERIFY(s.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/main"))));
    for (int i = 0; i < 5; ++i)
        s.socket.sendBinaryMessage("frame" + QByteArray::number(i));
    QVERIFY(l.waitBinary(5));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(l.binary[i], "frame" + QByteArray::number(i)); // fallback: the original audio
    const QJsonObject j = httpGet(server.port(), QStringLiteral("/health/full")).json();
    QCOMPARE(j.value(QLatin1String("status")).toString(), QStringLiteral("degraded"));
    QCOMPARE(j.value(QLatin1String("components")).toObject().value(QLatin1String("pipeline")).toObject()
                 .value(QLatin1String("circuits_open")).toInt(), 1);
    const QJsonObject stream = httpGet(server.port(), QStringLiteral("/health/connections")).json()
                                   .value(QLatin1String("streams")).toArray().at(0).toObject();
    QCOMPARE(stream.value(QLatin1String("pipeline")).toObject().value(QLatin1String("circuit")).toString(),
             QStringLiteral("open"));
    QCOMPARE(stream.value(QLatin1String("pipeline")).toObject().value(QLatin1String("mode")).toString(),
             QStringLiteral("processed"));
}

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
