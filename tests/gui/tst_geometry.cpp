// The control room's window on the screen it starts on (issue 19): run once per screen size,
// offscreen (a configured screen) and under Xvfb (tests/CMakeLists.txt), with
// ONAIR_EXPECT_SCREEN=WxH saying which, so a platform that ignored the size fails instead of
// testing another one. On air with real listeners (web page and standard players) connected:
// the window and every panel within the screen, the log visible, no table scrolling sideways,
// saved geometry that no longer fits brought back, an accessible name on every control, the
// tab order through the panels, and ON AIR said in words, not only in red.
#include "columnfit.h"
#include "enginehost.h"
#include "listenersmodel.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "sharepanel.h"
#include "streamsmodel.h"
#include "testsupport.h"
#include "windowgeometry.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QCheckBox>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QTcpSocket>
#include <QTest>

#include <numeric>

using namespace onair;
using namespace onair::test;

class TestGeometry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void fitToScreenRules_data();
    void fitToScreenRules();
    void firstStartRules_data();
    void firstStartRules();
    void columnFitRules_data();
    void columnFitRules();
    void columnFitFloors();
    void firstStartFitsTheScreen();
    void tablesNeverScrollSideways();
    void interpretationTablesFit();
    void savedGeometryTooLargeIsCorrected();
    void savedGeometryOffScreenIsBroughtBack();
    void savedGeometryThatFitsIsKept();
    void everyControlHasAnAccessibleName();
    void tabOrderFollowsThePanels();
    void onAirSaidInWords();
    void healthSaysLoopbackLinkIsLocal();

private:
    void startWindow();
    void connectListeners(int players);
    QRect available() const { return QGuiApplication::primaryScreen()->availableGeometry(); }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LogModel> m_log;
    std::unique_ptr<EngineHost> m_host;
    std::unique_ptr<MainWindow> m_window;
    std::vector<std::unique_ptr<WsClient>> m_web;
    std::vector<std::unique_ptr<QTcpSocket>> m_players;
};

namespace {

// What a screen reader announces for the widget: its accessible name, else what Qt derives
// (a button's text, a field's buddy label).
QString spokenName(QWidget *w)
{
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(w);
    return iface ? iface->text(QAccessible::Name).trimmed() : QString();
}

// Parts of a composite widget that take focus but are announced through their owner.
bool partOfAnother(const QWidget *w)
{
    for (const QWidget *p = w->parentWidget(); p; p = p->parentWidget()) {
        if (p->focusProxy() == w)
            return true;
    }
    return false;
}

QString describe(const QWidget *w)
{
    return QStringLiteral("%1 \"%2\" in %3")
        .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(),
             w->parentWidget() ? QString::fromLatin1(w->parentWidget()->metaObject()->className()) : QString());
}

// In the scrolling side column or a scrolling tab: its place is the scroll area's business.
bool insideScrollArea(const QWidget *w)
{
    for (const QWidget *p = w->parentWidget(); p; p = p->parentWidget()) {
        if (qobject_cast<const QScrollArea *>(p))
            return true;
    }
    return false;
}

// The window with its frame, in screen coordinates.
QRect frameOf(const QWidget *w) { return w->frameGeometry(); }

} // namespace

void TestGeometry::initTestCase()
{
    const QString expected = qEnvironmentVariable("ONAIR_EXPECT_SCREEN");
    const QSize size = QGuiApplication::primaryScreen()->geometry().size();
    qInfo("platform %s, screen %dx%d, available %dx%d", qPrintable(QGuiApplication::platformName()), size.width(),
          size.height(), available().width(), available().height());
    if (!expected.isEmpty())
        QCOMPARE(QStringLiteral("%1x%2").arg(size.width()).arg(size.height()), expected);
}

void TestGeometry::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    qputenv("XDG_CONFIG_HOME", m_dir->filePath(QStringLiteral("config")).toUtf8());
    QSettings().clear(); // QSettings keeps the first test's file for the whole process
}

void TestGeometry::startWindow()
{
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data"));
    c.openSpeakers = false;
    m_log = std::make_unique<LogModel>();
    m_host = std::make_unique<EngineHost>(c);
    QString error;
    QVERIFY2(m_host->start(&error), qPrintable(error));
    m_window = std::make_unique<MainWindow>(m_host.get(), m_log.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTest::qWait(200); // the post-show correction and the first snapshot
}

void TestGeometry::cleanup()
{
    m_web.clear();
    m_players.clear();
    m_window.reset();
    m_host.reset();
    m_log.reset();
    QSettings().clear();
}

// On air on "main" with the tone; web-page listeners and MP3/Ogg players with the User-Agents
// of real apps (the widest texts the listeners table shows).
void TestGeometry::connectListeners(int players)
{
    m_window->setSource(QStringLiteral("tone"));
    m_window->goOnAir(QStringLiteral("main"));
    QTRY_VERIFY(m_window->onAirButton()->isChecked());
    const quint16 port = m_host->engine()->port();
    for (int i = 0; i < 2; ++i) {
        auto c = std::make_unique<WsClient>();
        QVERIFY(c->openAndWaitConnected(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/listen/main").arg(port))));
        // What the pages say they play: the longest Hearing text ("… hear you · 1 tap-to-play").
        c->socket.sendTextMessage(i == 0 ? QStringLiteral(R"({"type":"listener_report","state":"playing","delay_ms":180})")
                                         : QStringLiteral(R"({"type":"listener_report","state":"blocked"})"));
        m_web.push_back(std::move(c));
    }
    const QList<QByteArray> agents = {
        "VLC/3.0.18 LibVLC/3.0.18",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
        "Mobile/15E148 Safari/604.1",
        "Lavf/59.27.100"};
    for (int i = 0; i < players; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        QVERIFY(connectLoopback(*s, port));
        const QByteArray path = i % 2 ? "/stream/main.ogg" : "/stream/main.mp3";
        s->write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " + agents[i % agents.size()] + "\r\n\r\n");
        QTcpSocket *raw = s.get();
        connect(raw, &QTcpSocket::readyRead, raw, [raw] { raw->readAll(); });
        m_players.push_back(std::move(s));
    }
    const int want = 2 + players;
    QTRY_COMPARE_WITH_TIMEOUT(m_window->listenersModel()->rowCount(), want, 10000);
    QTest::qWait(600); // a few snapshots: the rates and the sparkline have values
}

void TestGeometry::fitToScreenRules_data()
{
    QTest::addColumn<QRect>("saved");
    QTest::addColumn<QRect>("available");
    QTest::addColumn<QMargins>("frame");
    QTest::addColumn<QRect>("expected");
    const QRect laptop(0, 0, 1366, 728); // 1366x768 less a 40 px panel
    const QMargins title(0, 30, 0, 0);
    QTest::addRow("fits: unchanged") << QRect(100, 100, 800, 500) << laptop << title << QRect(100, 100, 800, 500);
    QTest::addRow("saved on 1920x1080: shrunk and moved in")
        << QRect(50, 60, 1820, 1000) << laptop << title << QRect(0, 30, 1366, 698);
    QTest::addRow("sticks out right and below: moved in")
        << QRect(900, 400, 800, 500) << laptop << title << QRect(566, 228, 800, 500);
    QTest::addRow("above the screen: title bar brought down")
        << QRect(10, 0, 800, 500) << laptop << title << QRect(10, 30, 800, 500);
    QTest::addRow("on an unplugged second screen: centred")
        << QRect(2000, 100, 800, 500) << laptop << title << QRect(283, 129, 800, 500);
    QTest::addRow("second screen to the right")
        << QRect(1400, 50, 1000, 700) << QRect(1366, 0, 1920, 1040) << title << QRect(1400, 50, 1000, 700);
    QTest::addRow("empty: left alone") << QRect() << laptop << title << QRect();
}

void TestGeometry::fitToScreenRules()
{
    QFETCH(QRect, saved);
    QFETCH(QRect, available);
    QFETCH(QMargins, frame);
    QFETCH(QRect, expected);
    const QRect r = fitToScreen(saved, available, frame);
    QCOMPARE(r, expected);
    if (!saved.isEmpty())
        QVERIFY(fitsOnScreen(r.marginsAdded(frame), available));
}

void TestGeometry::firstStartRules_data()
{
    QTest::addColumn<QRect>("available");
    QTest::addColumn<QRect>("expected");
    QTest::addRow("1366x768 laptop") << QRect(0, 0, 1366, 728) << QRect(34, 49, 1297, 661);
    QTest::addRow("1920x1080 monitor") << QRect(0, 0, 1920, 1040) << QRect(48, 57, 1824, 957);
    QTest::addRow("second screen") << QRect(1920, 0, 1280, 1024) << QRect(1952, 57, 1216, 942);
}

void TestGeometry::firstStartRules()
{
    QFETCH(QRect, available);
    QFETCH(QRect, expected);
    const QMargins title(0, 32, 0, 0);
    const QRect r = firstStartGeometry(available, title);
    QCOMPARE(r, expected);
    QVERIFY(fitsOnScreen(r.marginsAdded(title), available));
}

void TestGeometry::columnFitRules_data()
{
    QTest::addColumn<QList<int>>("wanted");
    QTest::addColumn<int>("room");
    QTest::addColumn<int>("stretch");
    QTest::addColumn<QList<int>>("expected");
    QTest::addRow("room to spare: the stretch column takes it")
        << QList<int>{60, 100, 80} << 400 << 1 << QList<int>{60, 260, 80};
    QTest::addRow("too narrow: the widest give way")
        << QList<int>{60, 480, 80, 300} << 500 << 1 << QList<int>{60, 180, 80, 180};
    QTest::addRow("hidden column stays hidden") << QList<int>{60, 0, 80} << 200 << 1 << QList<int>{60, 0, 80};
    QTest::addRow("too narrow: the stretch column gives way too")
        << QList<int>{60, 480, 80} << 300 << 1 << QList<int>{60, 160, 80};
    QTest::addRow("nothing under the minimum") << QList<int>{10, 20} << 200 << 0 << QList<int>{168, 32};
}

// Floors (the headers' widths): a column is cut down to its floor, no further, while the floors fit.
void TestGeometry::columnFitFloors()
{
    // 60 + 480 + 80 + 300 in 500: without floors 60/180/80/180; the last column's header needs 200.
    QCOMPARE(ColumnFit::fit({60, 480, 80, 300}, 500, 1, 32, {50, 50, 50, 200}), (QList<int>{60, 160, 80, 200}));
    // Floors that cannot all fit are dropped: no sideways scrolling still.
    QCOMPARE(ColumnFit::fit({300, 300}, 200, 0, 32, {150, 150}), (QList<int>{100, 100}));
}

void TestGeometry::columnFitRules()
{
    QFETCH(QList<int>, wanted);
    QFETCH(int, room);
    QFETCH(int, stretch);
    QFETCH(QList<int>, expected);
    const QList<int> widths = ColumnFit::fit(wanted, room, stretch, 32);
    QCOMPARE(widths, expected);
    QVERIFY(std::accumulate(widths.cbegin(), widths.cend(), 0) <= room);
}

// A fresh start: the window with its frame inside the screen's available geometry, every
// panel inside the window and not squeezed, the log readable.
void TestGeometry::firstStartFitsTheScreen()
{
    startWindow();
    connectListeners(3);
    const QRect screen = available();
    QVERIFY2(fitsOnScreen(frameOf(m_window.get()), screen),
             qPrintable(QStringLiteral("frame %1,%2 %3x%4 on %5x%6").arg(frameOf(m_window.get()).x()).arg(frameOf(m_window.get()).y())
                            .arg(frameOf(m_window.get()).width()).arg(frameOf(m_window.get()).height())
                            .arg(screen.width()).arg(screen.height())));
    // The window uses the screen: at least 90 % of it each way.
    QVERIFY2(m_window->frameGeometry().width() >= screen.width() * 9 / 10, qPrintable(QString::number(m_window->width())));
    QVERIFY2(m_window->frameGeometry().height() >= screen.height() * 9 / 10, qPrintable(QString::number(m_window->height())));
    // The window's smallest layout fits a 1366x768 laptop with a title bar and a panel.
    const QSize least = m_window->minimumSizeHint();
    QVERIFY2(least.width() <= 1366 && least.height() <= 768 - 40 - 32,
             qPrintable(QStringLiteral("%1x%2").arg(least.width()).arg(least.height())));
    // Panels within the window (those in the scrolling side column: within the column).
    const QRect inside = m_window->rect();
    for (QWidget *panel : m_window->findChildren<QWidget *>()) {
        if (!qobject_cast<QGroupBox *>(panel) && !qobject_cast<QAbstractScrollArea *>(panel) && !qobject_cast<QTabWidget *>(panel))
            continue;
        if (!panel->isVisible() || insideScrollArea(panel) || qobject_cast<QHeaderView *>(panel))
            continue;
        const QRect r(panel->mapTo(m_window.get(), QPoint(0, 0)), panel->size());
        QVERIFY2(inside.contains(r), qPrintable(describe(panel)));
        QVERIFY2(panel->height() >= panel->minimumSizeHint().height() && panel->width() >= panel->minimumSizeHint().width(),
                 qPrintable(describe(panel)));
    }
    auto *log = m_window->findChild<QListView *>(QStringLiteral("log"));
    QVERIFY(log);
    QVERIFY2(log->isVisible() && log->height() >= 70, qPrintable(QString::number(log->height())));
    QVERIFY(m_window->streamsView()->viewport()->height() >= 2 * m_window->streamsView()->verticalHeader()->defaultSectionSize());
    QVERIFY2(m_window->listenersView()->viewport()->height() >= 3 * m_window->listenersView()->verticalHeader()->defaultSectionSize(),
             qPrintable(QString::number(m_window->listenersView()->viewport()->height())));
    qInfo("window %dx%d (frame %dx%d) on %dx%d; streams %dx%d, listeners %dx%d, log %dx%d", m_window->width(),
          m_window->height(), m_window->frameGeometry().width(), m_window->frameGeometry().height(), screen.width(),
          screen.height(), m_window->streamsView()->width(), m_window->streamsView()->height(),
          m_window->listenersView()->width(), m_window->listenersView()->height(), log->width(), log->height());
}

// With players whose names are long, neither table scrolls sideways: the columns fit, the
// widest elided.
void TestGeometry::tablesNeverScrollSideways()
{
    startWindow();
    connectListeners(3);
    for (QTableView *view : {m_window->streamsView(), m_window->listenersView()}) {
        QTRY_COMPARE(view->horizontalScrollBar()->maximum(), 0);
        QVERIFY(!view->horizontalScrollBar()->isVisible());
        const QHeaderView *h = view->horizontalHeader();
        QVERIFY2(h->length() <= view->viewport()->width(), qPrintable(QStringLiteral("%1 > %2").arg(h->length()).arg(view->viewport()->width())));
        // Every column visible and wide enough to say something — but for the engineering
        // columns of the streams table, which may give way on a laptop.
        const QList<int> droppable{StreamsModel::FramesIn, StreamsModel::BytesOut, StreamsModel::LatencyP99, StreamsModel::Drops};
        for (int c = 0; c < view->model()->columnCount(); ++c) {
            if (view == m_window->streamsView() && droppable.contains(c) && h->isSectionHidden(c))
                continue;
            QVERIFY2(!h->isSectionHidden(c) && h->sectionSize(c) >= h->minimumSectionSize(), qPrintable(QString::number(c)));
        }
        // "Are they hearing me?" is read whole, never elided.
        if (view == m_window->streamsView()) {
            const auto *v = static_cast<const QAbstractItemView *>(view);
            QVERIFY2(h->sectionSize(StreamsModel::Hearing) >= v->sizeHintForColumn(StreamsModel::Hearing),
                     qPrintable(QStringLiteral("%1 < %2").arg(h->sectionSize(StreamsModel::Hearing)).arg(v->sizeHintForColumn(StreamsModel::Hearing))));
        }
        // Filled: the last column ends at the table's right edge, not halfway.
        QVERIFY2(h->length() >= view->viewport()->width() - 2, qPrintable(QString::number(h->length())));
    }
    // The columns follow the window: half as wide, still no sideways scrolling.
    m_window->showNormal();
    m_window->resize(m_window->minimumSizeHint().width(), m_window->height());
    for (QTableView *view : {m_window->streamsView(), m_window->listenersView()})
        QTRY_COMPARE(view->horizontalScrollBar()->maximum(), 0);
}

// The Interpretation tab's tables (channels, stages) fit too, in English and Dutch widths.
void TestGeometry::interpretationTablesFit()
{
    startWindow();
    m_window->showInterpretation();
    QTest::qWait(200);
    int tables = 0;
    for (QTableView *view : m_window->findChildren<QTableView *>()) {
        if (!view->isVisible())
            continue;
        ++tables;
        QTRY_VERIFY2(view->horizontalScrollBar()->maximum() == 0,
                     qPrintable(view->accessibleName() + QStringLiteral(": %1").arg(view->horizontalScrollBar()->maximum())));
    }
    QVERIFY2(tables >= 3, qPrintable(QString::number(tables))); // streams, listeners and the panel's own
}

// Saved on a 2560x1440 monitor, started on this screen: the whole window comes back on it.
void TestGeometry::savedGeometryTooLargeIsCorrected()
{
    startWindow();
    m_window->showNormal();
    m_window->setGeometry(QRect(available().topLeft() + QPoint(40, 40), QSize(2500, 1400)));
    m_window->close(); // saves the geometry, as quitting does
    QVERIFY(QSettings().contains(QStringLiteral("window/geometry")));
    m_window.reset();
    m_window = std::make_unique<MainWindow>(m_host.get(), m_log.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY2(fitsOnScreen(frameOf(m_window.get()), available()),
                 qPrintable(QStringLiteral("%1x%2").arg(m_window->frameGeometry().width()).arg(m_window->frameGeometry().height())));
}

// Saved on a second screen to the right that is no longer there: the window comes back here.
void TestGeometry::savedGeometryOffScreenIsBroughtBack()
{
    startWindow();
    m_window->showNormal();
    const QRect far(available().right() + 400, available().top() + 100, 900, 600);
    m_window->setGeometry(far);
    m_window->close();
    m_window.reset();
    m_window = std::make_unique<MainWindow>(m_host.get(), m_log.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY(fitsOnScreen(frameOf(m_window.get()), available()));
    QCOMPARE(m_window->size(), far.size()); // moved, not resized: it fitted
}

// A geometry that fits is the operator's choice: kept as it was.
void TestGeometry::savedGeometryThatFitsIsKept()
{
    startWindow();
    m_window->showNormal();
    const QRect chosen(available().topLeft() + QPoint(60, 80), QSize(1000, 600));
    m_window->setGeometry(chosen);
    QTRY_COMPARE(m_window->geometry(), chosen);
    m_window->close();
    m_window.reset();
    m_window = std::make_unique<MainWindow>(m_host.get(), m_log.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTest::qWait(100);
    QCOMPARE(m_window->geometry(), chosen);
}

// Every widget that takes keyboard focus has a name a screen reader can say.
void TestGeometry::everyControlHasAnAccessibleName()
{
    startWindow();
    connectListeners(1);
    QStringList unnamed;
    int checked = 0;
    for (QWidget *w : m_window->findChildren<QWidget *>()) {
        if (w->focusPolicy() == Qt::NoFocus || !w->isEnabledTo(m_window.get()) || partOfAnother(w)
            || w->window() != m_window.get()) // a combo box's popup list: announced as the combo box
            continue;
        ++checked;
        if (spokenName(w).isEmpty())
            unnamed.append(describe(w));
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral("; "))));
    QVERIFY2(checked >= 15, qPrintable(QString::number(checked)));
}

// Tab from the ON AIR button: speak bar, banner, share, streams, listeners, log, in that order.
void TestGeometry::tabOrderFollowsThePanels()
{
    startWindow();
    connectListeners(1);
    QList<QWidget *> chain;
    QWidget *start = m_window->onAirButton();
    QWidget *w = start;
    do {
        if ((w->focusPolicy() & Qt::TabFocus) && w->isVisibleTo(m_window.get()) && w->isEnabled() && !w->focusProxy())
            chain.append(w);
        w = w->nextInFocusChain();
    } while (w != start && chain.size() < 500);
    QVERIFY(w == start);
    auto *logView = m_window->findChild<QListView *>(QStringLiteral("log"));
    QWidget *share = m_window->sharePanel()->localButton()->isVisible() ? m_window->sharePanel()->localButton()
                                                                          : m_window->sharePanel()->openButton();
    QList<QWidget *> milestones;
    milestones << m_window->onAirButton() << m_window->monitorBox() << m_window->bannerEdit() << share
               << m_window->streamsView() << m_window->listenersView() << logView;
    qsizetype last = -1;
    for (QWidget *m : milestones) {
        const qsizetype at = chain.indexOf(m);
        QVERIFY2(at > last, qPrintable(describe(m) + QStringLiteral(" at %1 after %2").arg(at).arg(last)));
        last = at;
    }
    // Tab really moves focus that way, and no control keeps it (a table moving between its
    // cells, a text field taking the Tab as a character).
    // Keys go to the window's focus widget (active or not: Xvfb has no window manager to
    // activate it).
    m_window->activateWindow();
    chain.first()->setFocus(Qt::TabFocusReason);
    QCOMPARE(m_window->focusWidget(), chain.first());
    for (qsizetype i = 1; i < chain.size(); ++i) {
        QTest::keyClick(m_window->focusWidget(), Qt::Key_Tab);
        QVERIFY2(m_window->focusWidget() == chain[i],
                 qPrintable(QStringLiteral("step %1: %2, not %3").arg(i).arg(describe(m_window->focusWidget()), describe(chain[i]))));
    }
}

// ON AIR in words and a shape (● and the stream), not only in red; what a screen reader says
// changes with it; the window title says it too.
void TestGeometry::onAirSaidInWords()
{
    startWindow();
    QPushButton *button = m_window->onAirButton();
    const QString offText = button->text();
    const QString offName = spokenName(button);
    QVERIFY(!offName.isEmpty());
    m_window->setSource(QStringLiteral("tone"));
    m_window->goOnAir(QStringLiteral("main"));
    QTRY_VERIFY(button->isChecked());
    QTRY_VERIFY(button->text() != offText);
    QVERIFY2(button->text().contains(QStringLiteral("ON AIR")) && button->text().contains(QStringLiteral("main")),
             qPrintable(button->text()));
    QVERIFY(button->text().contains(QChar(0x25CF)));
    QVERIFY2(spokenName(button).contains(QStringLiteral("main")), qPrintable(spokenName(button)));
    QVERIFY(spokenName(button) != offName);
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("ON AIR")));
    button->click();
    QTRY_COMPARE(button->text(), offText); // once the audio thread says it is off air
    QVERIFY(!button->isChecked());
    QCOMPARE(spokenName(button), offName);
    QVERIFY(!m_window->windowTitle().contains(QStringLiteral("ON AIR")));
}

// On loopback the Health panel's link is said to be this computer's only; open, it is the LAN one.
void TestGeometry::healthSaysLoopbackLinkIsLocal()
{
    startWindow();
    connectListeners(0);
    QLabel *urls = nullptr;
    for (QLabel *l : m_window->findChildren<QLabel *>()) {
        if (l->text().contains(QStringLiteral("/listen/")))
            urls = l;
    }
    QVERIFY(urls);
    QVERIFY(!m_window->sharePanel()->openToNetwork());
    QVERIFY2(urls->text().startsWith(QStringLiteral("this computer only")), qPrintable(urls->text()));
    QVERIFY(m_window->sharePanel()->plainUrl().isEmpty()); // no 127.0.0.1 link offered to share
    QVERIFY(m_window->sharePanel()->setOpenToNetwork(true));
    m_window->sharePanel()->setInterfaceSource([] {
        NetworkInterfaceInfo i;
        i.name = QStringLiteral("wlan0");
        i.up = i.running = true;
        i.addresses = {QHostAddress(QStringLiteral("192.168.1.20"))};
        return QList<NetworkInterfaceInfo>{i};
    });
    QTRY_VERIFY2(urls->text().startsWith(QStringLiteral("http://192.168.1.20:")), qPrintable(urls->text()));
    QVERIFY(m_window->sharePanel()->plainUrl().startsWith(QStringLiteral("http://192.168.1.20:")));
}

QTEST_MAIN(TestGeometry)
#include "tst_geometry.moc"
