#pragma once

#include "fanout/fanoutworker.h"

#include <QMainWindow>
#include <QThread>
#include <QTimer>

class QComboBox;
class QGroupBox;
class QCheckBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QSlider;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QVBoxLayout;

namespace onair {

class ArchivePanel;
class BannerPanel;
class EngineHost;
class InterpretationPanel;
class LevelMeter;
class ListenersModel;
class SharePanel;
class LogModel;
class Monitor;
class SpeakController;
class StreamsModel;
struct EngineSnapshot;

// The control room: streams and their listeners, going on air, banners, health, sharing,
// the log. It talks to the engine only through EngineHost and the engine's thread-safe API.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(EngineHost *host, LogModel *log, QWidget *parent = nullptr);
    ~MainWindow() override;

    void setSource(const QString &spec);  // "mic", "tone", "file:PATH", …
    void goOnAir(const QString &stream);
    void goOffAir();

    // For tests and scripting.
    QPushButton *onAirButton() const { return m_onAir; }
    QLineEdit *streamEdit() const { return m_streamName; }
    QPlainTextEdit *bannerEdit() const;
    QPushButton *sendBannerButton() const;
    QLabel *bannerCounter() const;
    BannerPanel *bannerPanel() const { return m_bannerPanel; }
    LevelMeter *levelMeter() const { return m_meter; }
    StreamsModel *streamsModel() const { return m_streams; }
    ListenersModel *listenersModel() const { return m_listeners; }
    QTableView *streamsView() const { return m_streamsView; }
    QTableView *listenersView() const { return m_listenersView; }
    QLabel *warningsLabel() const { return m_warnings; }
    QPushButton *kickButton() const { return m_kick; }
    QLabel *statusMessage() const { return m_message; }
    SpeakController *speaker() const { return m_speaker; }
    SpeakController *booth() const { return m_booth; } // speaks into a language channel (Interpretation tab)
    Monitor *monitor() const { return m_monitor; }
    QCheckBox *monitorBox() const { return m_monitorBox; }
    InterpretationPanel *interpretationPanel() const { return m_interpretation; }
    SharePanel *sharePanel() const { return m_share; }
    // Brings the Interpretation tab to the front on its machine interpretation page (e.g. when
    // launched with --translate), or on its language channels.
    void showInterpretation();
    void showLanguageChannels();

    // Recording (docs/recording.md): REC beside ON AIR (Ctrl+R) records the stream named in the
    // stream field; Ctrl+M asks for a mark's text and drops it on the recording's timeline.
    QPushButton *recordButton() const { return m_rec; }
    ArchivePanel *archivePanel() const { return m_archive; }
    void showArchive();
    // The mark `text` on the running recording of the stream field's stream; the status line
    // says whether it was added.
    bool markRecording(const QString &text);
    // The stream REC and marks are for: the stream field's (the one on air while on air).
    QString recordStream() const;

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void startAudioThread();
    QWidget *buildSpeakBar();
    QWidget *buildOverview();
    QWidget *buildStreams();
    QWidget *buildSideColumn();
    QWidget *buildBanners();
    QWidget *buildHealth();
    void buildTabs();
    QWidget *buildLogPage();
    void connectStreams();
    void connectSpeaker();
    void connectPanels();
    void buildMenuAndShortcuts();
    void restoreSettings();
    void placeWindow(const QByteArray &saved);
    void placeHealth();
    void proportionSplitters();
    QMargins expectedFrame() const;
    void describeControls();
    void setTabOrderThroughPanels(const QList<QWidget *> &panels);
    void showOnAirState(bool on, const QString &stream);
    QPushButton *buildRecordButton();
    void connectRecording();
    void showRecordingState();
    void askMark();
    void refreshDevices();
    void makeRoomForTab();
    void onSnapshot(const EngineSnapshot &s);
    void refreshListeners();
    void onListeners(const QString &stream, const QList<ListenerInfo> &listeners, int total);
    void showMessage(const QString &text, bool error);
    QString currentSourceSpec() const;
    QString selectedStream() const;

    EngineHost *m_host;
    LogModel *m_log;
    QThread m_audioThread;
    SpeakController *m_speaker = nullptr;
    SpeakController *m_booth = nullptr;
    Monitor *m_monitor = nullptr;
    QString m_sourceOverride;
    bool m_microphoneMissingSaid = false; // the status bar said so since the last change

    StreamsModel *m_streams = nullptr;
    ListenersModel *m_listeners = nullptr;
    QTableView *m_streamsView = nullptr;
    QTableView *m_listenersView = nullptr;
    QLabel *m_warnings = nullptr; // streams nobody hears / with a silent input
    QPushButton *m_kick = nullptr;
    QGroupBox *m_listenersBox = nullptr;

    QPushButton *m_onAir = nullptr;
    QLineEdit *m_streamName = nullptr;
    QComboBox *m_source = nullptr;
    QCheckBox *m_mute = nullptr;
    LevelMeter *m_meter = nullptr;
    QCheckBox *m_monitorBox = nullptr;
    QSlider *m_volume = nullptr;
    QPushButton *m_rec = nullptr;
    QTimer m_recPoll;      // the REC button's elapsed time and size, twice a second
    int m_recPending = 0;  // REC presses whose answer has not come yet
    ArchivePanel *m_archive = nullptr;
    QScrollArea *m_archivePage = nullptr; // the tab holding m_archive

    BannerPanel *m_bannerPanel = nullptr;

    QLabel *m_urls = nullptr;
    QLabel *m_uptime = nullptr;
    QLabel *m_connections = nullptr;
    QLabel *m_rate = nullptr;
    QLabel *m_latency = nullptr;
    QLabel *m_components = nullptr;

    SharePanel *m_share = nullptr;
    QWidget *m_health = nullptr;
    QScrollArea *m_healthPage = nullptr; // the Health tab, when Health is not beside Share
    QVBoxLayout *m_sideLayout = nullptr;
    QLabel *m_message = nullptr;
    QSortFilterProxyModel *m_logFilter = nullptr;
    QLineEdit *m_logFilterEdit = nullptr;
    QTabWidget *m_tabs = nullptr;
    QSplitter *m_vertical = nullptr;
    InterpretationPanel *m_interpretation = nullptr;
    QScrollArea *m_interpretationPage = nullptr; // the tab holding m_interpretation

    bool m_proportioned = false; // the splitters' first proportions are set (showEvent)
    qint64 m_lastFramesOut = 0;
    qint64 m_lastUptime = 0;
};

} // namespace onair
