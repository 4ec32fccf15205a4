// Topic subscriptions on /ws/events (seed 003): filtering across several clients and topics,
// REST publishing, stream lifecycle events, and refusals.
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace onair;
using namespace onair::test;

namespace {
QStringList eventTopics(const WsClient &c)
{
    QStringList out;
    for (const QJsonObject &o : c.json) {
        if (o.value(QLatin1String("type")).toString() == QLatin1String("event"))
            out.append(o.value(QLatin1String("topic")).toString() + u'=' + o.value(QLatin1String("data")).toObject()
                           .value(QLatin1String("n")).toVariant().toString());
    }
    return out;
}
} // namespace

class TestTopics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        m_admin = bearer(m_server->token(Role::Admin));
    }
    void cleanup() { m_server.reset(); }
    void subscriptionFiltering();
    void publishRejects_data();
    void publishRejects();
    void invalidSubscriptionsChangeNothing();
    void streamLifecycleEvents();

private:
    HttpReply publish(const QString &topic, int n, const QByteArray &auth)
    {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("topic"), topic},
                                                          {QStringLiteral("data"), QJsonObject{{QStringLiteral("n"), n}}}})
                                    .toJson(QJsonDocument::Compact);
        return httpSend(m_server->port(), "POST", QStringLiteral("/api/publish"), body, auth);
    }
    std::unique_ptr<TestServer> m_server;
    QByteArray m_admin;
};

void TestTopics::subscriptionFiltering()
{
    WsClient project, conversation, everything, both, none;
    for (WsClient *c : {&project, &conversation, &everything, &both, &none})
        QVERIFY(c->openAndWaitConnected(m_server->ws(QStringLiteral("/ws/events"))));
    QVERIFY(project.subscribe({QStringLiteral("project:456")}));
    QVERIFY(conversation.subscribe({QStringLiteral("conversation:123")}));
    QVERIFY(everything.subscribe({QStringLiteral("all")}));
    QVERIFY(both.subscribe({QStringLiteral("all"), QStringLiteral("project:456")}));
    QCOMPARE(both.lastJsonOfType(QStringLiteral("subscribed")).value(QLatin1String("topics")).toArray().size(), 2);

    QCOMPARE(publish(QStringLiteral("project:456"), 1, m_admin).status, 202);
    QCOMPARE(publish(QStringLiteral("conversation:123"), 2, m_admin).status, 202);
    QCOMPARE(publish(QStringLiteral("project:999"), 3, m_admin).status, 202);
    QCOMPARE(publish(QStringLiteral("file_events"), 4, m_admin).status, 202);
    QTRY_COMPARE(everything.json.size(), 1 + 1 + 4); // connected, subscribed, 4 events
    quietPeriod(); // events for the wrong subscribers would arrive now
    QCOMPARE(eventTopics(project), QStringList{QStringLiteral("project:456=1")});
    QCOMPARE(eventTopics(conversation), QStringList{QStringLiteral("conversation:123=2")});
    QCOMPARE(eventTopics(everything).size(), 4);
    QCOMPARE(eventTopics(both).size(), 4); // "all" + a topic: each event once
    QVERIFY(eventTopics(none).isEmpty());

    project.socket.sendTextMessage(QStringLiteral(R"({"type":"unsubscribe","topics":["project:456"]})"));
    QVERIFY(project.waitJsonType(QStringLiteral("unsubscribed")));
    QCOMPARE(publish(QStringLiteral("project:456"), 5, m_admin).status, 202);
    QTRY_COMPARE(eventTopics(both).size(), 5);
    quietPeriod(); // nothing more after unsubscribing
    QCOMPARE(eventTopics(project).size(), 1);
}

void TestTopics::publishRejects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("auth"); // 0 none, 1 admin, 2 speaker
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addRow("no-token") << QByteArray(R"({"topic":"project:1","data":{}})") << 0 << 401 << QStringLiteral("unauthorized");
    QTest::addRow("speaker") << QByteArray(R"({"topic":"project:1","data":{}})") << 2 << 403 << QStringLiteral("forbidden");
    QTest::addRow("bad-topic") << QByteArray(R"({"topic":"Project:1","data":{}})") << 1 << 400 << QStringLiteral("invalid_topic");
    QTest::addRow("no-topic") << QByteArray(R"({"data":{}})") << 1 << 400 << QStringLiteral("invalid_topic");
    QTest::addRow("topic-traversal") << QByteArray(R"({"topic":"project:../x","data":{}})") << 1 << 400 << QStringLiteral("invalid_topic");
    QTest::addRow("data-string") << QByteArray(R"({"topic":"project:1","data":"x"})") << 1 << 400 << QStringLiteral("invalid_data");
    QTest::addRow("invalid-json") << QByteArray(R"({"topic")") << 1 << 400 << QStringLiteral("invalid_json");
}

void TestTopics::publishRejects()
{
    QFETCH(QByteArray, body);
    QFETCH(int, auth);
    QFETCH(int, status);
    QFETCH(QString, error);
    WsClient all;
    QVERIFY(all.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/events"))));
    QVERIFY(all.subscribe({QStringLiteral("all")}));
    const QByteArray headers = auth == 1 ? m_admin : auth == 2 ? bearer(m_server->token(Role::Speaker)) : QByteArray();
    const HttpReply r = httpSend(m_server->port(), "POST", QStringLiteral("/api/publish"), body, headers);
    QCOMPARE(r.status, status);
    QCOMPARE(r.json().value(QLatin1String("error")).toString(), error);
    quietPeriod(); // a refused publish reaches nobody
    QVERIFY(eventTopics(all).isEmpty());
}

void TestTopics::invalidSubscriptionsChangeNothing()
{
    WsClient c;
    QVERIFY(c.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/events"))));
    QVERIFY(c.subscribe({QStringLiteral("project:1")}));
    c.socket.sendTextMessage(QStringLiteral(R"({"type":"subscribe","topics":["project:2","bad topic"]})"));
    QVERIFY(c.waitJsonType(QStringLiteral("error")));
    QCOMPARE(c.lastJsonOfType(QStringLiteral("error")).value(QLatin1String("error")).toString(), QStringLiteral("invalid_topic"));
    c.socket.sendTextMessage(QStringLiteral(R"({"type":"subscribe","topics":"project:3"})"));
    QTRY_COMPARE(c.json.size(), 4);
    QCOMPARE(publish(QStringLiteral("project:2"), 1, m_admin).status, 202); // not subscribed: all or nothing
    QCOMPARE(publish(QStringLiteral("project:1"), 2, m_admin).status, 202);
    QTRY_COMPARE(eventTopics(c).size(), 1);
    QCOMPARE(eventTopics(c).first(), QStringLiteral("project:1=2"));
    WsClient listener; // subscriptions belong to the events channel
    QVERIFY(listener.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
    listener.socket.sendTextMessage(QStringLiteral(R"({"type":"subscribe","topics":["all"]})"));
    QVERIFY(listener.waitJsonType(QStringLiteral("error")));
}

void TestTopics::streamLifecycleEvents()
{
    WsClient watcher;
    QVERIFY(watcher.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/events"))));
    QVERIFY(watcher.subscribe({QStringLiteral("stream:main")}));
    auto has = [&watcher](const QString &event, int listeners = -1) {
        for (const QJsonObject &o : watcher.json) {
            const QJsonObject d = o.value(QLatin1String("data")).toObject();
            if (o.value(QLatin1String("topic")).toString() == QLatin1String("stream:main")
                && d.value(QLatin1String("event")).toString() == event
                && (listeners < 0 || d.value(QLatin1String("listeners")).toInt() == listeners))
                return true;
        }
        return false;
    };
    {
        WsClient s;
        QVERIFY(s.openAndWaitConnected(m_server->ws(QStringLiteral("/ws/speak/main"))));
        QTRY_VERIFY(has(QStringLiteral("speaker_joined")));
        std::vector<std::unique_ptr<WsClient>> ls;
        for (int i = 0; i < 5; ++i) {
            ls.push_back(std::make_unique<WsClient>());
            QVERIFY(ls.back()->openAndWaitConnected(m_server->ws(QStringLiteral("/ws/listen/main"))));
        }
        QTRY_VERIFY(has(QStringLiteral("listeners"), 5));
    }
    QTRY_VERIFY(has(QStringLiteral("speaker_left")));
    QTRY_VERIFY(has(QStringLiteral("listeners"), 0));
    int counts = 0; // throttled: far fewer count events than the 10 joins and leaves
    for (const QJsonObject &o : watcher.json)
        counts += o.value(QLatin1String("data")).toObject().value(QLatin1String("event")).toString() == QLatin1String("listeners");
    QVERIFY2(counts < 10, qPrintable(QString::number(counts)));
}

QTEST_GUILESS_MAIN(TestTopics)
#include "tst_topics.moc"
