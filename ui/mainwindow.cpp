#include "mainwindow.h"

#include "archivemodel.h"
#include "archivepanel.h"
#include "auth/auth.h"
#include "bannerpanel.h"
#include "banners/bannerservice.h"
#include "columnfit.h"
#include "enginehost.h"
#include "interpretationpanel.h"
#include "languagechannelspanel.h"
#include "levelmeter.h"
#include "listenersmodel.h"
#include "logmodel.h"
#include "monitor.h"
#include "settingsdialog.h"
#include "sharepanel.h"
#include "speakcontroller.h"
#include "protocol/streamid.h"
#include "recording/recordings.h"
#include "streamsmodel.h"
#include "windowgeometry.h"

#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMediaDevices>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QWindow>

namespace onair {

namespace {
// A component's state in a shape as well as a colour (not everyone tells green from red):
// a green disc when fine, an amber triangle when degraded, a red cross when failing.
QString dot(const QString &color)
{
    const QChar shape = color == QLatin1String("#f1c40f") ? QChar(0x25B2) : color == QLatin1String("#e74c3c") ? QChar(0x2716) : QChar(0x25CF);
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(color, shape);
}
} // namespace

MainWindow::MainWindow(EngineHost *host, LogModel *log, QWidget *parent)
    : QMainWindow(parent), m_host(host), m_log(log)
{
    setWindowTitle(tr("OnAir control room"));
    setWindowIcon(QIcon(QStringLiteral(":/onair/icons/onair.svg")));
    startAudioThread();

    auto *central = new QWidget;
    auto *root = new QVBoxLayout(central);
    QWidget *speak = buildSpeakBar();
    root->addWidget(speak);
    auto *top = static_cast<QSplitter *>(buildOverview());
    buildTabs();
    m_vertical = new QSplitter(Qt::Vertical);
    m_vertical->addWidget(top);
    m_vertical->addWidget(m_tabs);
    m_vertical->setStretchFactor(0, 4);
    m_vertical->setStretchFactor(1, 1);
    root->addWidget(m_vertical, 1);
    // The log reads fine in a strip; captions and the stage table need room: the tab takes
    // it when shown.
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::makeRoomForTab);
    setCentralWidget(central);

    m_message = new QLabel;
    statusBar()->addWidget(m_message, 1);

    connectStreams();
    connectSpeaker();
    connectPanels();
    connectRecording();
    buildMenuAndShortcuts();

    connect(new QMediaDevices(this), &QMediaDevices::audioInputsChanged, this, &MainWindow::refreshDevices);
    refreshDevices();
    restoreSettings();
    describeControls();
    // Speak, then what goes out to listeners (banner, share, health), then the streams and their
    // listeners, then the log.
    setTabOrderThroughPanels({speak, top->widget(1), top->widget(0), m_tabs});
}

// What a screen reader says for controls whose text alone does not say it.
void MainWindow::describeControls()
{
    showOnAirState(false, QString());
    m_mute->setAccessibleDescription(tr("Listeners hear silence while this is checked; you stay on air."));
    m_monitorBox->setAccessibleDescription(tr("Play the selected stream on this computer's speakers."));
    m_kick->setAccessibleDescription(m_kick->toolTip());
    m_tabs->setAccessibleName(tr("Log and interpretation"));
}

// Tab goes through the panels in the order given, and within each in the panel's own order.
void MainWindow::setTabOrderThroughPanels(const QList<QWidget *> &panels)
{
    QList<QWidget *> order;
    for (QWidget *panel : panels) {
        for (QWidget *w = panel->nextInFocusChain(); w != panel; w = w->nextInFocusChain()) {
            // A widget that hands its focus to a child of its own (a tab widget to its tab bar)
            // is in the chain as that child.
            const bool byChild = w->focusProxy() && w->isAncestorOf(w->focusProxy());
            if (panel->isAncestorOf(w) && (w->focusPolicy() & Qt::TabFocus) && !byChild && !order.contains(w))
                order.append(w);
        }
    }
    for (qsizetype i = 1; i < order.size(); ++i)
        QWidget::setTabOrder(order[i - 1], order[i]);
}

// The speaker and the monitor run on their own thread: audio never waits for the window.
void MainWindow::startAudioThread()
{
    m_audioThread.setObjectName(QStringLiteral("onair-audio"));
    m_speaker = new SpeakController(m_host->engine());
    m_speaker->moveToThread(&m_audioThread);
    m_booth = new SpeakController(m_host->engine()); // the control room as an interpreter's booth
    m_booth->moveToThread(&m_audioThread);
    connect(&m_audioThread, &QThread::finished, m_booth, &QObject::deleteLater);
    m_monitor = new Monitor(m_host->engine());
    m_monitor->moveToThread(&m_audioThread);
    connect(&m_audioThread, &QThread::finished, m_speaker, &QObject::deleteLater);
    connect(&m_audioThread, &QThread::finished, m_monitor, &QObject::deleteLater);
    m_audioThread.start();
}

// The streams and their listeners on the left, Banner, Share and Health on the right.
QWidget *MainWindow::buildOverview()
{
    QWidget *left = buildStreams();
    QWidget *right = buildSideColumn();
    auto *top = new QSplitter(Qt::Horizontal);
    top->addWidget(left);
    top->addWidget(right);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    top->setSizes({755, 525}); // the Share panel's links read whole beside the QR code
    return top;
}

// Streams and the listeners of the selected one.
QWidget *MainWindow::buildStreams()
{
    m_streams = new StreamsModel(this);
    m_streamsView = new QTableView;
    m_streamsView->setModel(m_streams);
    m_streamsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_streamsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_streamsView->verticalHeader()->hide();
    m_streamsView->setAlternatingRowColors(true);
    m_streamsView->setAccessibleName(tr("Live streams"));
    m_streamsView->setTabKeyNavigation(false); // Tab leaves the table; the arrows move in it
    // No sideways scrolling on a laptop: the sparkline takes what the numbers leave.
    auto *fit = new ColumnFit(m_streamsView, StreamsModel::History);
    fit->keepEnd(StreamsModel::History); // the newest counts are at the sparkline's right end
    // On a laptop the engineering columns give way to who hears what (their figures are in Health).
    fit->dropWhenNarrow({StreamsModel::LatencyP99, StreamsModel::BytesOut, StreamsModel::FramesIn, StreamsModel::Drops});
    m_listeners = new ListenersModel(this);
    m_listenersView = new QTableView;
    m_listenersView->setModel(m_listeners);
    m_listenersView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_listenersView->verticalHeader()->hide();
    m_listenersView->setAccessibleName(tr("Listeners of the selected stream"));
    m_listenersView->setTabKeyNavigation(false);
    new ColumnFit(m_listenersView, ListenersModel::Via);
    m_kick = new QPushButton(tr("Kick"));
    m_kick->setToolTip(tr("Close the selected listener's connection"));
    m_kick->setEnabled(false);

    auto *streamsBox = new QGroupBox(tr("Streams"));
    auto *sl = new QVBoxLayout(streamsBox);
    // "Are they hearing me?": a stream on air that nobody hears, or whose input is silent.
    m_warnings = new QLabel;
    m_warnings->setObjectName(QStringLiteral("streamWarnings"));
    m_warnings->setAccessibleName(tr("Stream warnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet(QStringLiteral("background:#8a6200; color:white; font-weight:bold; padding:4px; border-radius:3px;"));
    m_warnings->hide();
    sl->addWidget(m_warnings);
    sl->addWidget(m_streamsView);
    m_listenersBox = new QGroupBox(tr("Listeners of the selected stream"));
    auto *ll = new QVBoxLayout(m_listenersBox);
    ll->addWidget(m_listenersView);
    auto *kickRow = new QHBoxLayout;
    kickRow->addStretch();
    kickRow->addWidget(m_kick);
    ll->addLayout(kickRow);

    // A room has a few streams and many listeners: the listeners get the larger share.
    auto *left = new QSplitter(Qt::Vertical);
    left->addWidget(streamsBox);
    left->addWidget(m_listenersBox);
    left->setStretchFactor(0, 2);
    left->setStretchFactor(1, 3);
    left->setChildrenCollapsible(false);
    return left;
}

QWidget *MainWindow::buildSideColumn()
{
    auto *right = new QWidget;
    auto *rl = new QVBoxLayout(right);
    rl->setContentsMargins(0, 0, 0, 0);
    rl->addWidget(buildBanners());
    m_share = new SharePanel(m_host);
    rl->addWidget(m_share);
    m_health = buildHealth(); // here on a tall screen, else a tab beside the log (placeHealth)
    rl->addWidget(m_health);
    rl->addStretch();
    m_sideLayout = rl;
    // Should Banner and Share still be taller than the room left, the column scrolls instead
    // of pushing the window past the screen.
    auto *rightScroll = new QScrollArea;
    rightScroll->setWidget(right);
    rightScroll->setWidgetResizable(true);
    rightScroll->setFrameShape(QFrame::NoFrame);
    rightScroll->setAccessibleName(tr("Banner and sharing"));
    return rightScroll;
}

// The tabs below: the log and the Interpretation panel.
void MainWindow::buildTabs()
{
    QWidget *logPage = buildLogPage();
    m_interpretation = new InterpretationPanel(m_host);
    // A tab widget is as tall as its tallest page, shown or not: the panel scrolls when the
    // log's strip is all there is (it takes room when shown, see makeRoomForTab).
    m_interpretationPage = new QScrollArea;
    m_interpretationPage->setWidget(m_interpretation);
    m_interpretationPage->setWidgetResizable(true);
    m_interpretationPage->setFrameShape(QFrame::NoFrame);
    m_interpretationPage->setAccessibleName(tr("Interpretation"));
    m_healthPage = new QScrollArea;
    m_healthPage->setWidgetResizable(true);
    m_healthPage->setFrameShape(QFrame::NoFrame);
    m_healthPage->setAccessibleName(tr("Health"));
    m_tabs = new QTabWidget;
    m_tabs->addTab(logPage, tr("Log"));
    m_tabs->addTab(m_interpretationPage, tr("Interpretation"));
    m_archive = new ArchivePanel(m_host);
    m_archivePage = new QScrollArea; // as the Interpretation tab: the log's strip keeps its height
    m_archivePage->setWidget(m_archive);
    m_archivePage->setWidgetResizable(true);
    m_archivePage->setFrameShape(QFrame::NoFrame);
    m_archivePage->setAccessibleName(tr("Archive"));
    m_tabs->addTab(m_archivePage, tr("Archive"));
    // In a layout: a corner widget gets its size hint, the layout makes that the filter's width.
    auto *corner = new QWidget;
    auto *cl = new QHBoxLayout(corner);
    cl->setContentsMargins(0, 0, 0, 2);
    cl->addWidget(m_logFilterEdit);
    m_tabs->setCornerWidget(corner, Qt::TopRightCorner);
    connect(m_tabs, &QTabWidget::currentChanged, corner,
            [this, corner, logPage] { corner->setVisible(m_tabs->currentWidget() == logPage); });
}

// The log, filterable.
QWidget *MainWindow::buildLogPage()
{
    m_logFilter = new QSortFilterProxyModel(this);
    m_logFilter->setSourceModel(m_log);
    m_logFilter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    auto *logView = new QListView;
    logView->setModel(m_logFilter);
    logView->setUniformItemSizes(true);
    auto *filter = new QLineEdit;
    filter->setPlaceholderText(tr("Filter the log (e.g. onair.ws, refused, main)"));
    connect(filter, &QLineEdit::textChanged, m_logFilter, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_log, &QAbstractItemModel::rowsInserted, logView, [logView] { logView->scrollToBottom(); });
    // The filter sits beside the tabs (buildTabs): the strip's height is the log's.
    auto *logPage = new QWidget;
    auto *lpl = new QVBoxLayout(logPage);
    lpl->setContentsMargins(0, 0, 0, 0);
    lpl->addWidget(logView);
    m_logFilterEdit = filter;
    filter->setFixedWidth(filter->fontMetrics().horizontalAdvance(filter->placeholderText()) + 24);
    filter->setAccessibleName(tr("Log filter"));
    logView->setAccessibleName(tr("Log"));
    logView->setObjectName(QStringLiteral("log"));
    return logPage;
}

// The engine's snapshots and listener lists fill the tables; selecting a stream shows its
// listeners (and monitors it when asked), selecting a listener allows kicking it.
void MainWindow::connectStreams()
{
    connect(m_host, &EngineHost::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_host, &EngineHost::listenersReady, this, &MainWindow::onListeners);
    connect(m_streamsView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        refreshListeners();
        m_interpretation->setStreams(m_streamName->text().trimmed(), m_onAir->isChecked(), selectedStream(), selectedStream());
        if (m_monitorBox->isChecked())
            QMetaObject::invokeMethod(m_monitor, [m = m_monitor, s = selectedStream()] { m->setStream(s); });
    });
    connect(m_listenersView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_kick->setEnabled(m_listenersView->selectionModel()->hasSelection()); });
    connect(m_kick, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = m_listenersView->selectionModel()->selectedRows();
        for (const QModelIndex &i : rows) {
            const quint64 id = m_listeners->idAt(i.row());
            if (m_host->kick(id, tr("removed by the operator")))
                showMessage(tr("Listener %1 was disconnected.").arg(id), false);
        }
        refreshListeners();
    });
}

// The audio thread's news: the level, failures, on air and off.
void MainWindow::connectSpeaker()
{
    connect(m_speaker, &SpeakController::level, m_meter, &LevelMeter::setLevel);
    connect(m_speaker, &SpeakController::dynamics, m_meter, &LevelMeter::setDynamics);
    connect(m_speaker, &SpeakController::failed, this, [this](const QString &m) { showMessage(m, true); });
    connect(m_monitor, &Monitor::failed, this, [this](const QString &m) { showMessage(m, true); });
    connect(m_speaker, &SpeakController::onAirChanged, this, [this](bool on, const QString &stream) {
        const QSignalBlocker block(m_onAir);
        m_onAir->setChecked(on);
        showOnAirState(on, stream);
        m_streamName->setEnabled(!on);
        m_source->setEnabled(!on);
        showMessage(on ? tr("On air on stream %1.").arg(stream) : tr("Off air."), false);
        m_interpretation->setStreams(m_streamName->text().trimmed(), on, selectedStream(), on ? stream : QString());
    });
}

// On air or not, in words and a filled or hollow circle as well as in red: the button, what a
// screen reader says of it, and the window title (the task bar shows it too).
void MainWindow::showOnAirState(bool on, const QString &stream)
{
    m_onAir->setText(on ? tr("● ON AIR — %1").arg(stream) : tr("Go on air"));
    m_onAir->setAccessibleName(on ? tr("On air on stream %1").arg(stream) : tr("Off air"));
    m_onAir->setAccessibleDescription(on ? tr("Press to go off air (Ctrl+Space).") : tr("Press to go on air (Ctrl+Space)."));
    setWindowTitle(on ? tr("● ON AIR — %1 — OnAir control room").arg(stream) : tr("OnAir control room"));
}

void MainWindow::connectPanels()
{
    LanguageChannelsPanel *channels = m_interpretation->languageChannels();
    channels->setBooth(m_booth, [this] { return currentSourceSpec(); });
    channels->setDefaultStream(m_streamName->text().trimmed());
    connect(channels, &LanguageChannelsPanel::message, this, &MainWindow::showMessage);
    connect(m_host, &EngineHost::snapshotReady, channels, &LanguageChannelsPanel::setSnapshot);
    connect(m_share, &SharePanel::message, this, &MainWindow::showMessage);
    connect(m_archive, &ArchivePanel::message, this, &MainWindow::showMessage);
    connect(m_interpretation, &InterpretationPanel::applied, this,
            [this](bool ok, const QString &message) { showMessage(message, !ok); });
    connect(m_streamName, &QLineEdit::textChanged, this, [this] {
        m_interpretation->languageChannels()->setDefaultStream(m_streamName->text().trimmed());
        m_interpretation->setStreams(m_streamName->text().trimmed(), m_onAir->isChecked(), selectedStream(), QString());
    });
}

void MainWindow::buildMenuAndShortcuts()
{
    QMenu *menu = menuBar()->addMenu(tr("&OnAir"));
    QAction *settingsAction = menu->addAction(tr("&Settings…"));
    settingsAction->setShortcut(QKeySequence::Preferences);
    connect(settingsAction, &QAction::triggered, this, [this] {
        if (SettingsDialog(m_host, this).exec() == QDialog::Accepted)
            m_speaker->setVoiceOptions(loadVoiceOptions()); // the voice processing applies at once
    });
    menu->addSeparator();
    QAction *quit = menu->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    auto *onAirKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Space), this);
    connect(onAirKey, &QShortcut::activated, m_onAir, &QPushButton::click);
    auto *sendKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(sendKey, &QShortcut::activated, m_bannerPanel, &BannerPanel::send);
    auto *recKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_R), this);
    connect(recKey, &QShortcut::activated, m_rec, &QPushButton::click);
    auto *markKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_M), this);
    connect(markKey, &QShortcut::activated, this, &MainWindow::askMark);
}

// The window on its screen: saved geometry that still fits comes back as it was; saved on a
// larger screen or one since unplugged, it is brought within this one; the first start takes
// 95 % of the screen, maximised on a laptop (every row counts at 768).
void MainWindow::placeWindow(const QByteArray &saved)
{
    QScreen *s = screen() ? screen() : QGuiApplication::primaryScreen();
    if (!s)
        return;
    const QRect available = s->availableGeometry();
    if (!saved.isEmpty() && restoreGeometry(saved)) {
        const QRect fitted = fitToScreen(normalGeometry(), available, expectedFrame());
        if (fitted != normalGeometry())
            setGeometry(fitted);
        return;
    }
    setGeometry(firstStartGeometry(available, expectedFrame()));
    if (available.width() < 1600 || available.height() < 900)
        setWindowState(windowState() | Qt::WindowMaximized);
}

// The frame the window manager adds; before the first show only a title bar can be guessed.
QMargins MainWindow::expectedFrame() const
{
    if (windowHandle() && isVisible())
        return windowHandle()->frameMargins();
    return QMargins(0, 32, 0, 0);
}

// Health is to read, not to act on: below Share when the window is tall enough for both, else
// a tab beside the log, so that on a 1366x768 laptop Banner and Share show whole.
void MainWindow::placeHealth()
{
    if (!m_tabs || !m_health)
        return;
    const bool tall = height() >= 900;
    const int tab = m_tabs->indexOf(m_healthPage);
    if (tall && tab >= 0) {
        m_tabs->removeTab(tab);
        m_sideLayout->insertWidget(2, m_healthPage->takeWidget());
        m_health->show();
    } else if (!tall && tab < 0) {
        m_sideLayout->removeWidget(m_health);
        m_healthPage->setWidget(m_health); // scrolls: a tab page as tall as Health would squeeze the log's strip
        m_tabs->insertTab(1, m_healthPage, tr("Health"));
    }
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    placeHealth();
}

// The first proportions, once laid out: Banner and Share (and Health when beside them) whole
// above, at least three quarters of the height; the log the rest (7 lines at 768, 12 at 1080).
void MainWindow::proportionSplitters()
{
    if (m_proportioned || m_tabs->currentWidget() == m_interpretationPage)
        return;
    m_proportioned = true;
    const int total = m_vertical->sizes().value(0) + m_vertical->sizes().value(1);
    const int side = m_sideLayout->parentWidget()->sizeHint().height();
    const int top = qMin(total - m_tabs->minimumSizeHint().height(), qMax(side, total * 3 / 4));
    if (total > 0 && top > 0)
        m_vertical->setSizes({top, total - top});
}

// Once shown, the frame is known: a window that still sticks out of the screen comes in.
void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    QTimer::singleShot(0, this, [this] {
        proportionSplitters();
        makeRoomForTab(); // a tab shown before the window was (--tab, --translate)
        if (!screen() || isMaximized() || isFullScreen())
            return;
        const QRect available = screen()->availableGeometry();
        if (!fitsOnScreen(frameGeometry(), available))
            setGeometry(fitToScreen(geometry(), available, expectedFrame()));
    });
}

// The window's size and place and the stream name of the last session (see closeEvent).
void MainWindow::restoreSettings()
{
    QSettings settings;
    placeWindow(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_streamName->setText(settings.value(QStringLiteral("speak/stream"), QStringLiteral("main")).toString());
    m_share->setStream(m_streamName->text().trimmed());
}

void MainWindow::showInterpretation()
{
    m_interpretation->showMachine();
    m_tabs->setCurrentWidget(m_interpretationPage);
    QTimer::singleShot(0, this, &MainWindow::makeRoomForTab); // once the window is laid out
}

void MainWindow::showLanguageChannels()
{
    m_interpretation->showLanguageChannels();
    m_tabs->setCurrentWidget(m_interpretationPage);
    QTimer::singleShot(0, this, &MainWindow::makeRoomForTab); // once the window is laid out
}

void MainWindow::showArchive()
{
    m_tabs->setCurrentWidget(m_archivePage);
    QTimer::singleShot(0, this, &MainWindow::makeRoomForTab);
}

// Captions and the stage table, or the archive's list, need more than the log's strip.
void MainWindow::makeRoomForTab()
{
    const int want = m_tabs->currentWidget() == m_interpretationPage ? 360 : m_tabs->currentWidget() == m_archivePage ? 240 : 0;
    QList<int> sizes = m_vertical->sizes();
    if (want == 0 || sizes.size() != 2 || sizes[1] >= want)
        return;
    // On a laptop the streams and listeners above give way down to their least (the
    // splitter's handle gives the room back).
    const int total = sizes[0] + sizes[1];
    const int tab = qMin(want, total - m_vertical->widget(0)->minimumSizeHint().height());
    if (tab > sizes[1])
        m_vertical->setSizes({total - tab, tab});
}

MainWindow::~MainWindow()
{
    QMetaObject::invokeMethod(m_speaker, [s = m_speaker, b = m_booth, m = m_monitor] {
        s->goOffAir();
        b->goOffAir();
        m->setStream(QString());
    }, Qt::BlockingQueuedConnection);
    m_audioThread.quit();
    m_audioThread.wait();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("speak/stream"), m_streamName->text());
    QMainWindow::closeEvent(event);
}

QWidget *MainWindow::buildSpeakBar()
{
    auto *box = new QGroupBox(tr("Speak"));
    auto *l = new QHBoxLayout(box);
    m_onAir = new QPushButton(tr("Go on air"));
    m_onAir->setObjectName(QStringLiteral("onAir"));
    m_onAir->setCheckable(true);
    m_onAir->setToolTip(tr("Go on air / off air (Ctrl+Space)"));
    m_streamName = new QLineEdit;
    m_streamName->setPlaceholderText(tr("stream name"));
    m_streamName->setMaximumWidth(180);
    m_streamName->setAccessibleName(tr("Stream name"));
    m_source = new QComboBox;
    m_source->setMinimumWidth(220);
    m_source->setAccessibleName(tr("Audio source"));
    m_mute = new QCheckBox(tr("Mute"));
    m_meter = new LevelMeter;
    m_meter->setMinimumWidth(260);
    m_monitorBox = new QCheckBox(tr("Monitor selected stream"));
    m_volume = new QSlider(Qt::Horizontal);
    m_volume->setRange(0, 100);
    m_volume->setValue(80);
    m_volume->setMaximumWidth(100);
    m_volume->setAccessibleName(tr("Monitor volume"));

    l->addWidget(m_onAir);
    l->addWidget(buildRecordButton());
    auto *form = new QFormLayout;
    form->addRow(tr("Stream"), m_streamName);
    form->addRow(tr("Source"), m_source);
    l->addLayout(form);
    auto *meterCol = new QVBoxLayout;
    meterCol->addWidget(m_meter);
    auto *row = new QHBoxLayout;
    row->addWidget(m_mute);
    row->addStretch();
    row->addWidget(m_monitorBox);
    row->addWidget(m_volume);
    meterCol->addLayout(row);
    l->addLayout(meterCol, 1);

    connect(m_onAir, &QPushButton::toggled, this, [this](bool on) {
        if (on)
            goOnAir(m_streamName->text().trimmed());
        else
            goOffAir();
    });
    connect(m_mute, &QCheckBox::toggled, this, [this](bool muted) { m_speaker->setMuted(muted); });
    connect(m_monitorBox, &QCheckBox::toggled, this, [this](bool on) {
        const QString s = on ? selectedStream() : QString();
        QMetaObject::invokeMethod(m_monitor, [m = m_monitor, s] { m->setStream(s); });
    });
    connect(m_volume, &QSlider::valueChanged, this, [this](int v) {
        QMetaObject::invokeMethod(m_monitor, [m = m_monitor, v] { m->setVolume(v / 100.0); });
    });
    connect(m_source, &QComboBox::activated, this, [this](int) {
        if (m_source->currentData().toString() == QLatin1String("file:")) {
            const QString path = QFileDialog::getOpenFileName(this, tr("Choose a WAV file"), {}, tr("WAV files (*.wav)"));
            if (!path.isEmpty())
                setSource(QStringLiteral("file:") + path);
        }
    });
    return box;
}

QWidget *MainWindow::buildBanners()
{
    m_bannerPanel = new BannerPanel(m_host);
    connect(m_bannerPanel, &BannerPanel::message, this, &MainWindow::showMessage);
    return m_bannerPanel;
}

QPlainTextEdit *MainWindow::bannerEdit() const { return m_bannerPanel->textEdit(); }
QPushButton *MainWindow::sendBannerButton() const { return m_bannerPanel->sendButton(); }
QLabel *MainWindow::bannerCounter() const { return m_bannerPanel->counter(); }

QWidget *MainWindow::buildHealth()
{
    auto *box = new QGroupBox(tr("Health"));
    auto *f = new QFormLayout(box);
    m_urls = new QLabel;
    m_urls->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_uptime = new QLabel;
    m_connections = new QLabel;
    m_rate = new QLabel;
    m_latency = new QLabel;
    m_components = new QLabel;
    m_components->setObjectName(QStringLiteral("healthComponents"));
    m_components->setTextFormat(Qt::RichText);
    f->addRow(tr("Listen at"), m_urls);
    f->addRow(tr("Up for"), m_uptime);
    f->addRow(tr("Connections"), m_connections);
    f->addRow(tr("Messages/s"), m_rate);
    f->addRow(tr("Fan-out p99"), m_latency);
    f->addRow(tr("Components"), m_components);
    return box;
}

void MainWindow::refreshDevices()
{
    const QString current = currentSourceSpec();
    m_source->clear();
    const QList<QAudioDevice> inputs = QMediaDevices::audioInputs();
    for (const QAudioDevice &d : inputs)
        m_source->addItem(tr("Microphone: %1").arg(d.description()), QString(QStringLiteral("mic:") + QString::fromUtf8(d.id())));
    if (inputs.isEmpty())
        m_source->addItem(tr("No microphone found"), QString());
    m_source->addItem(tr("Test tone (440 Hz)"), QStringLiteral("tone"));
    m_source->addItem(tr("WAV file…"), QStringLiteral("file:"));
    if (!m_sourceOverride.isEmpty()) {
        if (m_source->findData(m_sourceOverride) < 0)
            m_source->addItem(m_sourceOverride.startsWith(QLatin1String("file:")) ? tr("File: %1").arg(m_sourceOverride.mid(5))
                                                                                   : m_sourceOverride,
                              m_sourceOverride);
        m_source->setCurrentIndex(m_source->findData(m_sourceOverride));
    } else if (const int i = m_source->findData(current); i >= 0) {
        m_source->setCurrentIndex(i);
    }
    // Said once when the microphones go away, not again on every device notification:
    // a later, more important message (a recording that could not start) stays on screen.
    const bool missing = inputs.isEmpty() && m_sourceOverride.isEmpty();
    if (missing && !m_microphoneMissingSaid)
        showMessage(tr("No microphone found: use the test tone or a WAV file, or connect a microphone."), true);
    m_microphoneMissingSaid = missing;
}

void MainWindow::setSource(const QString &spec)
{
    m_sourceOverride = spec == QLatin1String("mic") ? QString() : spec;
    refreshDevices();
}

QString MainWindow::currentSourceSpec() const
{
    if (!m_sourceOverride.isEmpty() && m_source->currentData().toString() == m_sourceOverride)
        return m_sourceOverride;
    return m_source ? m_source->currentData().toString() : QString();
}

void MainWindow::goOnAir(const QString &stream)
{
    if (const QString err = streamIdError(stream); !err.isEmpty()) {
        showMessage(tr("Stream name: %1").arg(err), true);
        const QSignalBlocker block(m_onAir);
        m_onAir->setChecked(false);
        return;
    }
    QString spec = currentSourceSpec();
    if (spec.isEmpty() || spec == QLatin1String("file:")) {
        showMessage(tr("Choose an audio source first."), true);
        const QSignalBlocker block(m_onAir);
        m_onAir->setChecked(false);
        return;
    }
    m_streamName->setText(stream);
    m_speaker->goOnAir(spec, stream);
}

void MainWindow::goOffAir() { m_speaker->goOffAir(); }

QString MainWindow::selectedStream() const
{
    const QModelIndexList rows = m_streamsView->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_streams->streamAt(rows.first().row());
}

void MainWindow::onSnapshot(const EngineSnapshot &s)
{
    const QString selected = selectedStream();
    m_streams->update(s);
    const QStringList warnings = m_streams->warnings();
    m_warnings->setVisible(!warnings.isEmpty());
    m_warnings->setText(QStringLiteral("⚠ ") + warnings.join(QStringLiteral("\n⚠ ")));
    if (!selected.isEmpty() && selectedStream() != selected) {
        const int row = m_streams->rowOf(selected);
        if (row >= 0)
            m_streamsView->selectRow(row);
    }
    if (selectedStream().isEmpty() && m_streams->rowCount() > 0)
        m_streamsView->selectRow(0);
    refreshListeners();
    m_interpretation->setStreams(m_streamName->text().trimmed(), m_onAir->isChecked(), selectedStream(), QString());

    m_share->setStream(selectedStream().isEmpty() ? m_streamName->text().trimmed() : selectedStream());
    // Never a loopback link that reads as the one to share: said to be this computer's only.
    const QString urls = m_share->listenerUrls(QStringLiteral("{stream}")).join(u'\n');
    m_urls->setText(m_share->openToNetwork() ? urls : tr("this computer only: %1").arg(urls));

    const qint64 secs = s.uptimeMs / 1000;
    m_uptime->setText(QStringLiteral("%1:%2:%3").arg(secs / 3600).arg(secs / 60 % 60, 2, 10, QLatin1Char('0'))
                          .arg(secs % 60, 2, 10, QLatin1Char('0')));
    m_connections->setText(QString::number(s.connections));
    const double dt = double(s.uptimeMs - m_lastUptime) / 1000.0;
    if (m_lastUptime > 0 && dt > 0)
        m_rate->setText(QString::number(double(s.framesOut - m_lastFramesOut) / dt, 'f', 0));
    m_lastFramesOut = s.framesOut;
    m_lastUptime = s.uptimeMs;
    m_latency->setText(s.fanoutP99Ms > 0 ? tr("≤ %1 ms").arg(s.fanoutP99Ms) : QStringLiteral("–"));
    const bool nearFull = s.connections >= m_host->engine()->config().maxConnections * 9 / 10;
    QString components = tr("%1 engine &nbsp; %2 store &nbsp; %3 capacity")
                             .arg(dot(QStringLiteral("#2ecc71")),
                                  dot(s.storeState == QLatin1String("ok") ? QStringLiteral("#2ecc71") : QStringLiteral("#e74c3c")),
                                  dot(nearFull ? QStringLiteral("#f1c40f") : QStringLiteral("#2ecc71")));
    if (s.clusterState == QLatin1String("ok")) {
        components += QStringLiteral(" &nbsp; ") + tr("%1 cluster").arg(dot(QStringLiteral("#2ecc71")));
        m_components->setToolTip(tr("Joined through Redis: %n replica(s) in the cluster", nullptr, s.clusterDetail.toInt()));
    } else if (s.clusterState == QLatin1String("degraded")) {
        // Amber, not red: this replica still serves its own listeners.
        components += QStringLiteral(" &nbsp; ") + tr("%1 cluster").arg(dot(QStringLiteral("#f1c40f")));
        m_components->setToolTip(tr("Redis unreachable (%1): serving this machine's listeners only; reconnecting")
                                     .arg(s.clusterDetail));
    } else {
        m_components->setToolTip(QString());
    }
    m_components->setText(components);

    m_bannerPanel->setSnapshot(s);
}

void MainWindow::refreshListeners()
{
    m_host->requestListeners(selectedStream());
}

void MainWindow::onListeners(const QString &stream, const QList<ListenerInfo> &listeners, int total)
{
    if (stream != selectedStream())
        return;
    const quint64 keep = m_listenersView->selectionModel()->hasSelection()
        ? m_listeners->idAt(m_listenersView->selectionModel()->selectedRows().value(0).row())
        : 0;
    m_listeners->setListeners(listeners);
    for (int r = 0; keep && r < m_listeners->rowCount(); ++r) {
        if (m_listeners->idAt(r) == keep)
            m_listenersView->selectRow(r);
    }
    m_kick->setEnabled(m_listenersView->selectionModel()->hasSelection());
    m_listenersBox->setTitle(total > listeners.size()
                                 ? tr("Listeners of %1 (first %2 of %3)").arg(stream).arg(listeners.size()).arg(total)
                                 : tr("Listeners of the selected stream"));
}

void MainWindow::showMessage(const QString &text, bool error)
{
    m_message->setStyleSheet(error ? QStringLiteral("color:#ff6b6b;") : QString());
    m_message->setText(text);
}

// ---- Recording ----

QPushButton *MainWindow::buildRecordButton()
{
    m_rec = new QPushButton(tr("REC"));
    m_rec->setObjectName(QStringLiteral("recordButton"));
    m_rec->setCheckable(true);
    m_rec->setProperty("failed", false);
    return m_rec;
}

QString MainWindow::recordStream() const { return m_streamName->text().trimmed(); }

// REC asks the engine (off this thread: the recorder may take a moment to start); the button
// shows what status() says, twice a second and whenever a recording starts, stops or fails.
void MainWindow::connectRecording()
{
    connect(m_rec, &QPushButton::toggled, this, [this](bool on) {
        ++m_recPending;
        m_host->requestRecording(recordStream(), on);
    });
    connect(m_host, &EngineHost::recordingSet, this,
            [this](const QString &stream, bool wanted, bool ok, const QString &id, const QString &error) {
                m_recPending = qMax(0, m_recPending - 1);
                if (!ok)
                    showMessage(wanted ? tr("The recording of %1 could not start: %2").arg(stream, error)
                                       : tr("The recording of %1 could not be stopped: %2").arg(stream, error),
                                true);
                else if (!wanted && m_host->recordings()->status(stream).wanted) // --record, --record-all
                    showMessage(tr("%1 is recorded whenever it is on air (--record): REC cannot turn that off.").arg(stream), true);
                else
                    showMessage(wanted ? tr("Recording %1 (%2).").arg(stream, id) : tr("Recording of %1 stopped.").arg(stream), false);
                showRecordingState();
            });
    if (Recordings *r = m_host->recordings())
        connect(r, &Recordings::changed, this, &MainWindow::showRecordingState); // queued: the engine's thread
    connect(m_streamName, &QLineEdit::textChanged, this, &MainWindow::showRecordingState);
    m_recPoll.setInterval(500);
    connect(&m_recPoll, &QTimer::timeout, this, &MainWindow::showRecordingState);
    m_recPoll.start();
    showRecordingState();
}

// Recording in red text and a filled circle with its length and size; failed in a red button
// with the reason (and a warning sign: not only a colour); a screen reader hears the same.
void MainWindow::showRecordingState()
{
    Recordings *recordings = m_host->recordings();
    const QString stream = recordStream();
    RecordingStatus s;
    if (recordings && !stream.isEmpty())
        s = recordings->status(stream);
    const bool failed = s.wanted && !s.error.isEmpty();
    if (m_recPending == 0 && m_rec->isChecked() != s.wanted) {
        const QSignalBlocker block(m_rec);
        m_rec->setChecked(s.wanted);
    }
    QString text, tip;
    if (failed) {
        text = tr("⚠ REC failed: %1").arg(s.error);
        tip = tr("REC failed: %1. Press to turn recording of %2 off, then again to retry.").arg(s.error, stream);
    } else if (s.recording) {
        text = tr("● REC %1 · %2").arg(ArchiveModel::durationText(s.elapsedMs), ArchiveModel::sizeText(s.bytes));
        tip = tr("Recording %1 (Ctrl+R stops; Ctrl+M drops a mark).").arg(stream);
    } else if (s.wanted) {
        text = tr("● REC waiting");
        tip = tr("Recording of %1 is on: it starts when the stream's speaker is on air here.").arg(stream);
    } else {
        text = tr("REC");
        tip = stream.isEmpty() ? tr("Record the stream named in the stream field (Ctrl+R).") : tr("Record stream %1 (Ctrl+R).").arg(stream);
    }
    const QFontMetrics fm = m_rec->fontMetrics();
    const int room = fm.horizontalAdvance(tr("● REC %1 · %2").arg(QStringLiteral("00:00:00"), QStringLiteral("999.9 MB")));
    m_rec->setMinimumWidth(room + 36); // the time ticking does not push the layout about
    m_rec->setText(fm.elidedText(text, Qt::ElideRight, room + (failed ? room / 2 : 0)));
    m_rec->setToolTip(tip);
    m_rec->setAccessibleName(failed ? tr("Recording failed") : s.recording ? tr("Recording") : tr("Record"));
    m_rec->setAccessibleDescription(tip);
    if (m_rec->property("failed").toBool() != failed) {
        m_rec->setProperty("failed", failed);
        m_rec->style()->unpolish(m_rec);
        m_rec->style()->polish(m_rec);
    }
}

void MainWindow::askMark()
{
    Recordings *recordings = m_host->recordings();
    const QString stream = recordStream();
    if (!recordings || stream.isEmpty() || !recordings->status(stream).recording) {
        showMessage(tr("No mark: %1 is not being recorded (REC, Ctrl+R).").arg(stream), true);
        return;
    }
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Mark"), tr("A mark on the timeline of the recording of %1:").arg(stream),
                                               QLineEdit::Normal, tr("chapter"), &ok);
    if (ok)
        markRecording(text);
}

bool MainWindow::markRecording(const QString &text)
{
    Recordings *recordings = m_host->recordings();
    const QString stream = recordStream();
    QString error = tr("the broadcast server is not running");
    if (recordings && recordings->mark(stream, text, &error)) {
        showMessage(tr("Mark “%1” added to the recording of %2.").arg(text.trimmed(), stream), false);
        return true;
    }
    showMessage(tr("No mark: %1").arg(error), true);
    return false;
}

} // namespace onair
