#pragma once

#include <QJsonObject>
#include <QList>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QListWidget;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace onair {

class EngineHost;
class LanguageChannelsPanel;

// The language channels (LanguageChannelsPanel: people, the machine, the fallbacks, the booth)
// beside live interpretation of one stream at a time (the one spoken on, or the one selected
// in the streams table): the spoken language and the languages to translate into, applied at once
// through the engine; the live captions (original and translation); each translated
// channel's mode and each stage's breaker, latency and failures, refreshed twice a second
// and on every interpretation event.
class InterpretationPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit InterpretationPanel(EngineHost *host, QWidget *parent = nullptr);

    // The streams worth offering: the speak bar's (on air or about to be), the table's
    // selection, those being interpreted and those set up here. A non-empty `preferred`
    // becomes the current one (a translated channel, "main~es", stands for its stream).
    void setStreams(const QString &spoken, bool onAir, const QString &selected, const QString &preferred);
    QString currentStream() const;
    void setCurrentStream(const QString &stream);

    static constexpr int kMaxCaptionLines = 200;
    enum ChannelColumn { ChannelId, ChannelLanguage, ChannelMode, ChannelDelay, ChannelDropped, ChannelReason };
    enum StageColumn { StageName, StageLanguage, StageEngine, StageState, StageLatency, StageCalls, StageFailures, StageLastError };

    // For tests and scripting.
    QComboBox *streamCombo() const { return m_stream; }
    QComboBox *sourceCombo() const { return m_source; }
    QList<QCheckBox *> targetBoxes() const { return m_targetBoxes; }
    QCheckBox *targetBox(const QString &lang) const;
    QPushButton *offButton() const { return m_off; }
    QListWidget *captionsView() const { return m_captions; }
    QTableWidget *channelsTable() const { return m_channels; }
    QTableWidget *stagesTable() const { return m_stages; }
    QLabel *statusLabel() const { return m_status; }
    bool available() const { return m_available; }
    // Every language channel, people's and the machine's, and the control room as a booth (the
    // first page); the machine interpreter's controls, captions and stages (the second).
    LanguageChannelsPanel *languageChannels() const { return m_languageChannels; }
    void showLanguageChannels();
    void showMachine();
    QTabWidget *pages() const { return m_pages; }

    // "Spanish (es)": a language by name (translated where known) and code.
    static QString languageName(const QString &code);

Q_SIGNALS:
    // A setting was applied (or refused: ok false with the reason), for the status bar.
    void applied(bool ok, const QString &message);

private:
    QHBoxLayout *buildControls();
    QWidget *buildCaptions();
    QWidget *buildTables();
    void offerInstalledLanguages();
    void onSourceChosen();
    void turnOff();
    void onStreamChanged();
    void onEvent(const QJsonObject &event);
    void onReady(const QJsonObject &json, const QString &stream, const QString &source, const QStringList &targets,
                 quint64 tag);
    void addCaption(const QJsonObject &event);
    void rebuildCaptions();
    void rebuildTargets(const QString &source, const QStringList &checked);
    void showSetting(const QString &source, const QStringList &targets);
    void apply();
    void refresh();
    void updateStatus();
    void fillTables(const QJsonObject &session, const QJsonObject &json);
    void fillChannels(const QJsonObject &session);
    void fillStages(const QJsonObject &session, const QJsonObject &json);
    QStringList checkedTargets() const;

    EngineHost *m_host;
    bool m_available = false;
    QString m_unavailable; // why the controls are disabled
    QComboBox *m_stream = nullptr;
    QComboBox *m_source = nullptr;
    QWidget *m_targetsBox = nullptr;
    QHBoxLayout *m_targetsLayout = nullptr;
    QList<QCheckBox *> m_targetBoxes;
    QLabel *m_noTargets = nullptr;
    QPushButton *m_off = nullptr;
    QLabel *m_status = nullptr;
    QListWidget *m_captions = nullptr;
    QTableWidget *m_channels = nullptr;
    QTableWidget *m_stages = nullptr;
    LanguageChannelsPanel *m_languageChannels = nullptr;
    QTabWidget *m_pages = nullptr;
    QTimer m_poll;
    quint64 m_applied = 0;      // settings applied so far: a refresh asked for before the last
                                // one carries a stale setting
    QStringList m_sessionStreams; // streams with a session, from the last refresh
    QString m_spoken;
    bool m_onAir = false;
    QString m_selected;
    QStringList m_remembered;   // streams chosen or set up here, offered from then on
    QJsonObject m_session;      // the current stream's session, empty when it is not interpreted
    QString m_setSource;        // the current stream's setting, as the engine has it
    QStringList m_setTargets;

    struct Caption
    {
        QString stream;
        qint64 utterance = 0;
        QString lang;
        QString sourceLang;     // set on translations
        QString text;
        bool final = true;
    };
    QList<Caption> m_lines;     // newest last, at most kMaxCaptionLines
};

} // namespace onair
