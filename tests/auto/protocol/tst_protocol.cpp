// Pure protocol pieces: stream ids, endpoint routes, server frame encoding, control messages.
#include "protocol/controlmessages.h"
#include "protocol/streamid.h"
#include "protocol/wsframe.h"
#include "protocol/wsroute.h"

#include <QJsonDocument>
#include <QTest>

using namespace onair;

class TestProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void streamId_data();
    void streamId();
    void route_data();
    void route();
    void serverFrame_data();
    void serverFrame();
    void clientMessage_data();
    void clientMessage();
    void audioFormat_data();
    void audioFormat();
};

void TestProtocol::streamId_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");
    QTest::addRow("simple") << QStringLiteral("main") << true;
    QTest::addRow("all-allowed-chars") << QStringLiteral("Room_B-2.en") << true;
    QTest::addRow("one-char") << QStringLiteral("a") << true;
    QTest::addRow("64-chars") << QString(64, u'x') << true;
    QTest::addRow("65-chars") << QString(65, u'x') << false;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("space") << QStringLiteral("a b") << false;
    QTest::addRow("slash") << QStringLiteral("a/b") << false;
    QTest::addRow("dot-dot") << QStringLiteral("..") << false;
    QTest::addRow("dot") << QStringLiteral(".") << false;
    QTest::addRow("unicode") << QStringLiteral("kanaal-\u00e9") << false;
    QTest::addRow("tilde-internal") << QStringLiteral("~probe") << false;
    QTest::addRow("percent") << QStringLiteral("a%20b") << false;
}

void TestProtocol::streamId()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    QCOMPARE(isValidStreamId(id), valid);
    QCOMPARE(streamIdError(id).isEmpty(), valid);
}

void TestProtocol::route_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("streamId");
    QTest::addRow("legacy") << QStringLiteral("/ws") << int(WsRoute::Legacy) << QString();
    QTest::addRow("speak") << QStringLiteral("/ws/speak/test-1") << int(WsRoute::Speak) << QStringLiteral("test-1");
    QTest::addRow("listen") << QStringLiteral("/ws/listen/test-2") << int(WsRoute::Listen) << QStringLiteral("test-2");
    QTest::addRow("listen-empty-id") << QStringLiteral("/ws/listen/") << int(WsRoute::Invalid) << QString();
    QTest::addRow("listen-nested") << QStringLiteral("/ws/listen/a/b") << int(WsRoute::Invalid) << QStringLiteral("a/b");
    QTest::addRow("traversal") << QStringLiteral("/ws/listen/../x") << int(WsRoute::Invalid) << QStringLiteral("../x");
    QTest::addRow("unknown") << QStringLiteral("/ws/shout/x") << int(WsRoute::Unknown) << QString();
    QTest::addRow("trailing-slash-legacy") << QStringLiteral("/ws/") << int(WsRoute::Unknown) << QString();
    QTest::addRow("root") << QStringLiteral("/") << int(WsRoute::Unknown) << QString();
}

void TestProtocol::route()
{
    QFETCH(QString, path);
    QFETCH(int, kind);
    QFETCH(QString, streamId);
    const WsRoute r = parseWsRoute(path);
    QCOMPARE(int(r.kind), kind);
    QCOMPARE(r.streamId, streamId);
    QCOMPARE(r.error.isEmpty(), kind != int(WsRoute::Invalid));
}

void TestProtocol::serverFrame_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("headerSize");
    QTest::addRow("empty") << 0 << 2;
    QTest::addRow("125") << 125 << 2;
    QTest::addRow("126") << 126 << 4;
    QTest::addRow("160-audio") << 160 << 4;
    QTest::addRow("65535") << 65535 << 4;
    QTest::addRow("65536") << 65536 << 10;
}

void TestProtocol::serverFrame()
{
    QFETCH(int, size);
    QFETCH(int, headerSize);
    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char(i * 7);
    const QByteArray f = buildServerFrame(WsOpcode::Binary, payload);
    QCOMPARE(f.size(), headerSize + size);
    QCOMPARE(quint8(f[0]), quint8(0x82));          // FIN + binary
    QCOMPARE(quint8(f[1]) & 0x80, 0);               // server frames are unmasked
    quint64 len = quint8(f[1]) & 0x7F;
    if (len == 126)
        len = (quint64(quint8(f[2])) << 8) | quint8(f[3]);
    else if (len == 127) {
        len = 0;
        for (int i = 2; i < 10; ++i)
            len = (len << 8) | quint8(f[i]);
    }
    QCOMPARE(len, quint64(size));
    QCOMPARE(f.mid(headerSize), payload);
    QCOMPARE(quint8(buildServerFrame(WsOpcode::Text, "x")[0]), quint8(0x81));
}

void TestProtocol::clientMessage_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("error");
    QTest::addRow("bare-ping") << QByteArray("ping") << QStringLiteral("ping") << QString();
    QTest::addRow("json-ping") << QByteArray(R"({"type":"ping"})") << QStringLiteral("ping") << QString();
    QTest::addRow("hello") << QByteArray(R"({"type":"hello","format":{}})") << QStringLiteral("hello") << QString();
    QTest::addRow("garbage") << QByteArray("{not json") << QString() << QStringLiteral("invalid_json");
    QTest::addRow("array") << QByteArray("[1,2]") << QString() << QStringLiteral("not_an_object");
    QTest::addRow("no-type") << QByteArray(R"({"a":1})") << QString() << QStringLiteral("missing_type");
    QTest::addRow("type-number") << QByteArray(R"({"type":5})") << QString() << QStringLiteral("missing_type");
    QTest::addRow("empty") << QByteArray() << QString() << QStringLiteral("invalid_json");
    QTest::addRow("deep-nesting") << QByteArray(100000, '[') << QString() << QStringLiteral("invalid_json");
}

void TestProtocol::clientMessage()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, type);
    QFETCH(QString, error);
    const ParsedMessage m = parseClientMessage(input);
    QCOMPARE(m.errorCode, error);
    QCOMPARE(m.type, type);
    QCOMPARE(m.errorMessage.isEmpty(), error.isEmpty());
}

void TestProtocol::audioFormat_data()
{
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<bool>("valid");
    QTest::addRow("pcm-defaults") << QByteArray(R"({"codec":"pcm"})") << true;
    QTest::addRow("pcm-full") << QByteArray(R"({"codec":"pcm","sample_rate":48000,"channels":1,"sample_format":"s16le","frame_ms":20})") << true;
    QTest::addRow("opus") << QByteArray(R"({"codec":"opus","sample_rate":48000,"channels":1,"frame_ms":10,"bitrate":32000})") << true;
    QTest::addRow("opus-44100") << QByteArray(R"({"codec":"opus","sample_rate":44100})") << false;
    QTest::addRow("mp3") << QByteArray(R"({"codec":"mp3"})") << false;
    QTest::addRow("no-codec") << QByteArray(R"({"sample_rate":48000})") << false;
    QTest::addRow("channels-3") << QByteArray(R"({"codec":"pcm","channels":3})") << false;
    QTest::addRow("rate-string") << QByteArray(R"({"codec":"pcm","sample_rate":"48000"})") << false;
    QTest::addRow("frame-7ms") << QByteArray(R"({"codec":"pcm","frame_ms":7})") << false;
    QTest::addRow("sample-format-u8") << QByteArray(R"({"codec":"pcm","sample_format":"u8"})") << false;
    QTest::addRow("bitrate-tiny") << QByteArray(R"({"codec":"opus","bitrate":100})") << false;
    QTest::addRow("not-object") << QByteArray(R"("pcm")") << false;
}

void TestProtocol::audioFormat()
{
    QFETCH(QByteArray, format);
    QFETCH(bool, valid);
    const QJsonDocument d = QJsonDocument::fromJson("{\"f\":" + format + "}");
    QJsonObject normalized;
    const QString err = validateAudioFormat(d.object().value(QLatin1String("f")), &normalized);
    QCOMPARE(err.isEmpty(), valid);
    if (valid) {
        QVERIFY(normalized.contains(QLatin1String("codec")));
        QCOMPARE(normalized.value(QLatin1String("sample_rate")).toInt() > 0, true);
        QVERIFY(normalized.contains(QLatin1String("channels")));
    } else {
        QVERIFY(normalized.isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
