// The control room's banner panel (issue 19) under QT_QPA_PLATFORM=offscreen, against real
// WebSocket clients on loopback: live receipts and the not-dismissed list, "Alert again"
// reaching only the clients that did not dismiss the banner, and templates kept in QSettings.
#include "bannerpanel.h"
#include "enginehost.h"
#include "testsupport.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace onair;
using namespace onair::test;

namespace {
int countOfType(const WsClient &c, const QString &type)
{
    return int(std::count_if(c.json.cbegin(), c.json.cend(),
                             [&](const QJsonObject &o) { return o.value(QLatin1String("type")).toString() == type; }));
}
} // namespace

class TestBannerPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        qputenv("XDG_CONFIG_HOME", m_dir->filePath(QStringLiteral("config")).toUtf8()); // fresh QSettings
        EngineConfig c = testConfig();
        c.dataDir = m_dir->filePath(QStringLiteral("data"));
        m_host = std::make_unique<EngineHost>(c);
        QString error;
        QVERIFY2(m_host->start(&error), qPrintable(error));
        m_panel = std::make_unique<BannerPanel>(m_host.get());
        connect(m_host.get(), &EngineHost::snapshotReady, m_panel.get(), &BannerPanel::setSnapshot);
        m_panel->resize(420, 600);
        m_panel->show();
    }
    void cleanup()
    {
        m_panel.reset();
        m_host.reset();
        m_dir.reset();
    }
    void everyControlIsNamed();
    void receiptsAndAlertAgain();
    void templatesRoundTrip();

private:
    QUrl listenUrl(const QString &clientId) const
    {
        QUrl u = m_host->baseUrl();
        u.setScheme(QStringLiteral("ws"));
        u.setPath(QStringLiteral("/ws/listen/main"));
        u.setQuery(QStringLiteral("client_id=") + clientId);
        return u;
    }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<EngineHost> m_host;
    std::unique_ptr<BannerPanel> m_panel;
};

void TestBannerPanel::everyControlIsNamed()
{
    const QList<QWidget *> all = m_panel->findChildren<QWidget *>();
    int checked = 0;
    for (QWidget *w : all) {
        const bool control = qobject_cast<QAbstractButton *>(w) || qobject_cast<QComboBox *>(w)
                             || qobject_cast<QPlainTextEdit *>(w) || qobject_cast<QListWidget *>(w);
        if (!control || w->parent()->inherits("QComboBox"))
            continue;
        const auto *b = qobject_cast<QAbstractButton *>(w);
        QVERIFY2(!w->accessibleName().isEmpty() || (b && !b->text().isEmpty()), w->metaObject()->className());
        ++checked;
    }
    QVERIFY(checked >= 12);
    QVERIFY(m_panel->sizeHint().width() <= 600); // the side column of a 1366x768 window
}

void TestBannerPanel::receiptsAndAlertAgain()
{
    std::vector<std::unique_ptr<WsClient>> c;
    for (const char *who : {"ann", "bob", "cas"}) {
        c.push_back(std::make_unique<WsClient>());
        QVERIFY(c.back()->openAndWaitConnected(listenUrl(QLatin1String(who))));
    }
    QVERIFY(!m_panel->alertAgainButton()->isEnabled());
    m_panel->textEdit()->setPlainText(QStringLiteral("Lunch is served in hall A"));
    QTest::mouseClick(m_panel->sendButton(), Qt::LeftButton);
    for (auto &client : c)
        QVERIFY(client->waitJsonType(QStringLiteral("new_broadcast")));
    const QString id = c[0]->lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("broadcast")).toObject()
                           .value(QLatin1String("id")).toString();
    for (int i : {0, 1})
        c[size_t(i)]->socket.sendTextMessage(QStringLiteral(R"({"type":"broadcast_seen","broadcast_id":"%1"})").arg(id));
    c[2]->socket.sendTextMessage(QStringLiteral(R"({"type":"acknowledge_broadcast","broadcast_id":"%1"})").arg(id));
    QVERIFY(c[2]->waitJsonType(QStringLiteral("broadcast_acknowledged")));
    QTRY_COMPARE(m_panel->countsLabel()->text(), QStringLiteral("Delivered 3 · seen 2 · dismissed 1"));
    QTRY_COMPARE(m_panel->notDismissedList()->count(), 2);
    QCOMPARE(m_panel->notDismissedList()->item(0)->text(), QStringLiteral("ann"));
    QCOMPARE(m_panel->notDismissedList()->item(1)->text(), QStringLiteral("bob"));
    QVERIFY(m_panel->alertAgainButton()->isEnabled());
    QTest::mouseClick(m_panel->alertAgainButton(), Qt::LeftButton);
    for (int i : {0, 1}) {
        QTRY_COMPARE(countOfType(*c[size_t(i)], QStringLiteral("new_broadcast")), 2);
        QCOMPARE(c[size_t(i)]->lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("repeat")).toBool(), true);
    }
    quietPeriod(500);
    QCOMPARE(countOfType(*c[2], QStringLiteral("new_broadcast")), 1);
    // Everyone dismisses it: nobody left to alert.
    for (int i : {0, 1})
        c[size_t(i)]->socket.sendTextMessage(QStringLiteral(R"({"type":"acknowledge_broadcast","broadcast_id":"%1"})").arg(id));
    QTRY_COMPARE(m_panel->countsLabel()->text(), QStringLiteral("Delivered 3 · seen 2 · dismissed 3"));
    QTRY_VERIFY(!m_panel->alertAgainButton()->isEnabled());
    QCOMPARE(m_panel->notDismissedList()->count(), 0);
}

void TestBannerPanel::templatesRoundTrip()
{
    m_panel->textEdit()->setPlainText(QStringLiteral("Fire drill at 14:00"));
    m_panel->typeCombo()->setCurrentIndex(m_panel->typeCombo()->findData(QStringLiteral("alert")));
    m_panel->expiryCombo()->setCurrentIndex(m_panel->expiryCombo()->findData(900));
    m_panel->saveTemplate(QStringLiteral("Fire drill"));
    m_panel->textEdit()->clear();
    m_panel->typeCombo()->setCurrentIndex(0);
    m_panel->expiryCombo()->setCurrentIndex(0);
    // Kept in QSettings: a new panel (a restarted control room) has it.
    BannerPanel other(m_host.get());
    QCOMPARE(other.templateNames(), QStringList{QStringLiteral("Fire drill")});
    QVERIFY(other.applyTemplate(QStringLiteral("Fire drill")));
    QCOMPARE(other.textEdit()->toPlainText(), QStringLiteral("Fire drill at 14:00"));
    QCOMPARE(other.typeCombo()->currentData().toString(), QStringLiteral("alert"));
    QCOMPARE(other.expiryCombo()->currentData().toInt(), 900);
    QVERIFY(other.sendButton()->isEnabled());
    other.deleteTemplate(QStringLiteral("Fire drill"));
    QVERIFY(m_panel->templateNames().isEmpty());
    QVERIFY(!m_panel->applyTemplate(QStringLiteral("Fire drill")));
}

QTEST_MAIN(TestBannerPanel)
#include "tst_bannerpanel.moc"
