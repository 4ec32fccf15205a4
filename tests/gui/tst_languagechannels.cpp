// The Interpretation tab's language channels (issue 21) under QT_QPA_PLATFORM=offscreen, with
// the real engine on loopback and real WebSocket clients: a declared channel listed with its
// language, who is on it, its level and listeners, the source following an interpreter who
// speaks on main~nl and leaves; the fallback picker changing what the engine stores (read back
// over REST); adding and removing channels, and bad input refused with a message; and the
// control room as a booth — on air on main~nl with the tone, handing over to a booth partner,
// then refused while the partner is on air.
#include "enginehost.h"
#include "interpretationpanel.h"
#include "languagechannelspanel.h"
#include "levelmeter.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "testsupport.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace onair;
using namespace onair::test;

namespace {
const QString kNl = QStringLiteral("main~nl");
using Col = LanguageChannelsPanel::Column;
} // namespace

class TestLanguageChannels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void declaredChannelFollowsItsInterpreter();
    void fallbackPickerChangesTheStoredFallback();
    void addAndRemove();
    void badInputIsRefusedWithAMessage_data();
    void badInputIsRefusedWithAMessage();
    void boothSpeaksHandsOverAndIsRefused();

private:
    LanguageChannelsPanel *panel() const { return m_window->interpretationPanel()->languageChannels(); }
    Engine *engine() const { return m_host->engine(); }
    quint16 port() const { return quint16(m_host->baseUrl().port()); }
    QUrl ws(const QString &path) const
    {
        QUrl u = m_host->baseUrl();
        u.setScheme(QStringLiteral("ws"));
        u.setPath(path);
        return u;
    }
    // The channel as GET /api/streams/main/channels has it (empty: not listed).
    QJsonObject restRow(const QString &channel) const
    {
        const QJsonArray rows = httpGet(port(), QStringLiteral("/api/streams/main/channels")).json().value(QLatin1String("channels")).toArray();
        for (const QJsonValue &v : rows) {
            if (v.toObject().value(QLatin1String("stream_id")).toString() == channel)
                return v.toObject();
        }
        return {};
    }
    void declare(const QString &channel, const QString &fallback)
    {
        QString error;
        QVERIFY2(engine()->setChannelFallback(channel, fallback, &error), qPrintable(error));
    }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LogModel> m_log;
    std::unique_ptr<EngineHost> m_host;
    std::unique_ptr<MainWindow> m_window;
};

void TestLanguageChannels::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    qputenv("XDG_CONFIG_HOME", m_dir->filePath(QStringLiteral("config")).toUtf8()); // fresh QSettings
    EngineConfig c = testConfig(); // --open-speakers: the interpreters need no token here
    c.dataDir = m_dir->filePath(QStringLiteral("data"));
    m_log = std::make_unique<LogModel>();
    m_host = std::make_unique<EngineHost>(c);
    QString error;
    QVERIFY2(m_host->start(&error), qPrintable(error));
    m_window = std::make_unique<MainWindow>(m_host.get(), m_log.get());
    m_window->resize(1366, 740);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->showLanguageChannels();
}

void TestLanguageChannels::cleanup()
{
    m_window.reset();
    m_host.reset();
    m_log.reset();
    m_dir.reset();
}

// Declared outside the panel (as over REST): listed, then a person, then the fallback again.
void TestLanguageChannels::declaredChannelFollowsItsInterpreter()
{
    ToneSpeaker floor(ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(floor.ok());
    declare(kNl, QStringLiteral("original"));
    LanguageChannelsPanel *p = panel();
    QVERIFY(p->isVisible());
    QTRY_VERIFY(p->rowOf(kNl) >= 0);
    QCOMPARE(p->cellText(kNl, Col::Channel), kNl);
    QCOMPARE(p->cellText(kNl, Col::Language), QStringLiteral("Dutch (nl)"));
    QCOMPARE(p->cellText(kNl, Col::Fallback), QStringLiteral("original"));
    QTRY_COMPARE(p->cellText(kNl, Col::OnAir), QStringLiteral("Original audio")); // no machine for Dutch: the floor, relayed

    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(ws(QStringLiteral("/ws/listen/main~nl"))));
    QTRY_COMPARE(p->cellText(kNl, Col::Listeners), QStringLiteral("1"));

    ToneSpeaker interpreter(ws(QStringLiteral("/ws/speak/main~nl")), 660, false);
    QVERIFY(interpreter.ok());
    QTRY_VERIFY2(p->cellText(kNl, Col::OnAir).startsWith(QLatin1String("Person (127.0.0.1:")), qPrintable(p->cellText(kNl, Col::OnAir)));
    QTRY_COMPARE(listener.lastJsonOfType(QStringLiteral("channel_source")).value(QLatin1String("source")).toString(), QStringLiteral("human"));
    // Its level, measured on this server: the tone's RMS (peak 0.25: about -15 dBFS).
    QTRY_VERIFY_WITH_TIMEOUT(p->cellText(kNl, Col::Level).endsWith(QLatin1String("dBFS")), 6000);
    const double db = p->cellText(kNl, Col::Level).section(u' ', 0, 0).replace(QChar(0x2212), u'-').toDouble();
    QVERIFY2(db > -25 && db < -8, qPrintable(p->cellText(kNl, Col::Level)));
    QCOMPARE(p->cellText(kNl, Col::Listeners), QStringLiteral("1"));

    interpreter.stop();
    QTRY_COMPARE(p->cellText(kNl, Col::OnAir), QStringLiteral("Original audio"));
    QTRY_COMPARE(listener.lastJsonOfType(QStringLiteral("channel_source")).value(QLatin1String("source")).toString(), QStringLiteral("original"));
}

void TestLanguageChannels::fallbackPickerChangesTheStoredFallback()
{
    ToneSpeaker floor(ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(floor.ok());
    declare(kNl, QStringLiteral("machine"));
    LanguageChannelsPanel *p = panel();
    QTRY_VERIFY(p->fallbackCombo(kNl));
    QComboBox *combo = p->fallbackCombo(kNl);
    QTRY_COMPARE(combo->currentData().toString(), QStringLiteral("machine"));
    QCOMPARE(combo->currentText(), QStringLiteral("Machine"));
    QTRY_COMPARE(p->cellText(kNl, Col::OnAir), QStringLiteral("Original audio")); // machine, where there is none: the floor

    // Machine → Original audio → Silence with the keyboard, as an operator would.
    combo->setFocus();
    QTest::keyClick(combo, Qt::Key_Down);
    QTest::keyClick(combo, Qt::Key_Down);
    QCOMPARE(combo->currentData().toString(), QStringLiteral("silence"));
    QTRY_COMPARE(restRow(kNl).value(QLatin1String("fallback")).toString(), QStringLiteral("silence"));
    QCOMPARE(engine()->languageChannels(QStringLiteral("main")).at(0).toObject().value(QLatin1String("fallback")).toString(),
             QStringLiteral("silence"));
    QTRY_COMPARE(p->cellText(kNl, Col::OnAir), QStringLiteral("Silence"));
    QTRY_COMPARE(restRow(kNl).value(QLatin1String("source")).toString(), QStringLiteral("silence"));
    QVERIFY2(p->messageLabel()->text().contains(QLatin1String("Silence")), qPrintable(p->messageLabel()->text()));

    QTest::keyClick(combo, Qt::Key_Up);
    QTRY_COMPARE(restRow(kNl).value(QLatin1String("fallback")).toString(), QStringLiteral("original"));
    QTRY_COMPARE(p->cellText(kNl, Col::OnAir), QStringLiteral("Original audio"));
    // The picker stays as chosen through the refreshes.
    QTest::qWait(1200);
    QCOMPARE(combo->currentData().toString(), QStringLiteral("original"));
}

void TestLanguageChannels::addAndRemove()
{
    LanguageChannelsPanel *p = panel();
    QVERIFY(!p->removeButton()->isEnabled()); // nothing selected
    p->streamEdit()->setText(QStringLiteral("main"));
    p->languageEdit()->setText(QStringLiteral("de"));
    QTest::mouseClick(p->addButton(), Qt::LeftButton);
    QTRY_VERIFY(p->rowOf(QStringLiteral("main~de")) >= 0);
    QTRY_VERIFY(restRow(QStringLiteral("main~de")).value(QLatin1String("declared")).toBool());
    QCOMPARE(restRow(QStringLiteral("main~de")).value(QLatin1String("fallback")).toString(), QStringLiteral("machine"));
    QCOMPARE(p->cellText(QStringLiteral("main~de"), Col::Language), QStringLiteral("German (de)"));
    QVERIFY2(p->messageLabel()->text().contains(QLatin1String("main~de added")), qPrintable(p->messageLabel()->text()));
    QVERIFY(p->languageEdit()->text().isEmpty());
    // Declared: the booth may pick it.
    QTRY_VERIFY(p->boothChannel()->findText(QStringLiteral("main~de")) >= 0);

    // The stream field empty: the speak bar's stream.
    m_window->streamEdit()->setText(QStringLiteral("hall"));
    p->streamEdit()->clear();
    p->languageEdit()->setText(QStringLiteral("FR")); // any case
    QTest::keyClick(p->languageEdit(), Qt::Key_Return);
    QTRY_VERIFY(p->rowOf(QStringLiteral("hall~fr")) >= 0);

    p->table()->selectRow(p->rowOf(QStringLiteral("main~de")));
    QVERIFY(p->removeButton()->isEnabled());
    QTest::mouseClick(p->removeButton(), Qt::LeftButton);
    QTRY_VERIFY(p->rowOf(QStringLiteral("main~de")) < 0); // no one speaks on it: gone
    QVERIFY(restRow(QStringLiteral("main~de")).isEmpty());
    QVERIFY2(p->messageLabel()->text().contains(QLatin1String("no longer offered")), qPrintable(p->messageLabel()->text()));
    QVERIFY(p->rowOf(QStringLiteral("hall~fr")) >= 0);
    QCOMPARE(engine()->languageChannels().size(), 1);
}

void TestLanguageChannels::badInputIsRefusedWithAMessage_data()
{
    QTest::addColumn<QString>("stream");
    QTest::addColumn<QString>("lang");
    QTest::addColumn<QString>("said");
    QTest::newRow("unknown language") << QStringLiteral("main") << QStringLiteral("xx") << QStringLiteral("'xx' is not a language code");
    QTest::newRow("a word, not a code") << QStringLiteral("main") << QStringLiteral("dutch") << QStringLiteral("'dutch' is not a language code");
    QTest::newRow("digits") << QStringLiteral("main") << QStringLiteral("n1") << QStringLiteral("'n1' is not a language code");
    QTest::newRow("tilde in the language") << QStringLiteral("main") << QStringLiteral("~nl") << QStringLiteral("is not a language code");
    QTest::newRow("no language") << QStringLiteral("main") << QString() << QStringLiteral("Type the channel's language");
    QTest::newRow("channel of a channel") << QStringLiteral("main~nl") << QStringLiteral("de") << QStringLiteral("is not a stream name");
    QTest::newRow("space in the stream") << QStringLiteral("main hall") << QStringLiteral("nl") << QStringLiteral("is not a stream name");
    QTest::newRow("65-character stream") << QString(64, u'a') + u'b' << QStringLiteral("nl") << QStringLiteral("is not a stream name");
}

void TestLanguageChannels::badInputIsRefusedWithAMessage()
{
    QFETCH(QString, stream);
    QFETCH(QString, lang);
    QFETCH(QString, said);
    LanguageChannelsPanel *p = panel();
    p->streamEdit()->setText(stream);
    p->languageEdit()->setText(lang);
    QTest::mouseClick(p->addButton(), Qt::LeftButton);
    QVERIFY(p->messageLabel()->isVisible());
    QVERIFY2(p->messageLabel()->text().contains(said), qPrintable(p->messageLabel()->text()));
    QVERIFY(p->messageLabel()->styleSheet().contains(QLatin1String("#e74c3c"))); // said as an error
    QVERIFY2(m_window->statusMessage()->text().contains(said), qPrintable(m_window->statusMessage()->text()));
    QCOMPARE(p->languageEdit()->text(), lang); // kept, to be corrected
    QTest::qWait(700);                         // a refresh or two later: nothing was declared
    QCOMPARE(p->table()->rowCount(), 0);
    QCOMPARE(engine()->languageChannels().size(), 0);
}

// This computer on main~nl with the tone; Hand over; the partner connects and takes it; the
// booth is then refused while the partner speaks.
void TestLanguageChannels::boothSpeaksHandsOverAndIsRefused()
{
    ToneSpeaker floor(ws(QStringLiteral("/ws/speak/main")), 440);
    QVERIFY(floor.ok());
    declare(kNl, QStringLiteral("original"));
    WsClient listener;
    QVERIFY(listener.openAndWaitConnected(ws(QStringLiteral("/ws/listen/main~nl"))));
    m_window->setSource(QStringLiteral("tone"));
    LanguageChannelsPanel *p = panel();
    QTRY_VERIFY(p->boothChannel()->findText(kNl) >= 0);
    p->boothChannel()->setCurrentIndex(p->boothChannel()->findText(kNl));
    QVERIFY(!p->handOverButton()->isEnabled());
    QTest::mouseClick(p->boothButton(), Qt::LeftButton);
    QTRY_VERIFY2(p->boothOnAirChannel() == kNl, qPrintable(p->boothStatus()->text()));
    QVERIFY(p->boothButton()->isChecked());
    QVERIFY2(p->boothButton()->text().contains(QLatin1String("ON AIR")), qPrintable(p->boothButton()->text()));
    QVERIFY(!p->boothChannel()->isEnabled());
    QTRY_COMPARE(p->cellText(kNl, Col::OnAir), QStringLiteral("Person (this computer)"));
    QTRY_COMPARE(listener.lastJsonOfType(QStringLiteral("channel_source")).value(QLatin1String("source")).toString(), QStringLiteral("human"));
    QCOMPARE(restRow(kNl).value(QLatin1String("source")).toString(), QStringLiteral("human"));
    QTRY_VERIFY2(p->boothMeter()->rmsDb() > -40, qPrintable(QString::number(p->boothMeter()->rmsDb()))); // its own level
    QVERIFY(!m_window->onAirButton()->isChecked()); // the speak bar is not involved

    // Hand over: still on air until the partner connects, then off air with the reason.
    QVERIFY(p->handOverButton()->isEnabled());
    QTest::mouseClick(p->handOverButton(), Qt::LeftButton);
    QVERIFY(p->handOverButton()->isChecked());
    QVERIFY2(p->boothStatus()->text().contains(QLatin1String("Handing over")), qPrintable(p->boothStatus()->text()));
    QTest::qWait(300);
    QCOMPARE(p->boothOnAirChannel(), kNl);
    ToneSpeaker partner(ws(QStringLiteral("/ws/speak/main~nl")), 660);
    QVERIFY(partner.ok());
    QTRY_VERIFY2(p->boothStatus()->text().startsWith(QLatin1String("Handed over")), qPrintable(p->boothStatus()->text()));
    QVERIFY(p->boothOnAirChannel().isEmpty());
    QVERIFY(!p->boothButton()->isChecked());
    QVERIFY(!p->handOverButton()->isChecked());
    QTRY_VERIFY2(p->cellText(kNl, Col::OnAir).startsWith(QLatin1String("Person (127.0.0.1:")), qPrintable(p->cellText(kNl, Col::OnAir)));
    QTest::qWait(300);
    QVERIFY(!partner.client().disconnected);

    // The partner is on air: the booth is refused, and says so.
    QTest::mouseClick(p->boothButton(), Qt::LeftButton);
    QTRY_VERIFY2(p->boothStatus()->text().startsWith(QLatin1String("Refused: a person is on air on main~nl already")),
                 qPrintable(p->boothStatus()->text()));
    QTRY_VERIFY(!p->boothButton()->isChecked());
    QVERIFY(p->boothStatus()->styleSheet().contains(QLatin1String("#e74c3c")));
    QVERIFY2(p->boothStatus()->toolTip().contains(QLatin1String("already has a speaker")), qPrintable(p->boothStatus()->toolTip()));
    QVERIFY(m_window->statusMessage()->text().startsWith(QLatin1String("Refused")));
    QTest::qWait(300);
    QVERIFY(p->cellText(kNl, Col::OnAir).startsWith(QLatin1String("Person (127.0.0.1:")));
    QVERIFY(!partner.client().disconnected);
}

QTEST_MAIN(TestLanguageChannels)
#include "tst_languagechannels.moc"
