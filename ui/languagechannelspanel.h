#pragma once

#include <QWidget>
#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QTimer>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace onair {

class EngineHost;
class LevelMeter;
class SpeakController;
struct EngineSnapshot;

// The language channels of every stream (docs/interpretation.md "Human interpreters"): who
// is on each — a person (an interpreter), the machine interpreter, the floor's own audio or
// silence —, how loud, how many listen, and the fallback the operator picks for the time no
// person speaks; channels declared and forgotten here. And the control room as a booth: this
// computer's source spoken into a channel, refused while a person is on air there, with a
// hand-over to a booth partner. Polls the engine twice a second; levels come with the 4 Hz
// snapshots.
class LanguageChannelsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit LanguageChannelsPanel(EngineHost *host, QWidget *parent = nullptr);

    enum Column { Channel, Language, OnAir, Level, Listeners, Fallback, ColumnCount };

    // The booth speaks with `speaker` (its own, on the audio thread) from the source
    // `sourceSpec` names when asked ("mic:…", "tone", …: the speak bar's).
    void setBooth(SpeakController *speaker, std::function<QString()> sourceSpec);
    // The levels of the channels spoken on this replica.
    void setSnapshot(const EngineSnapshot &snapshot);
    // The stream a new channel is added to unless another is typed (the speak bar's).
    void setDefaultStream(const QString &stream);
    void refresh();

    // What a source and a fallback are called here ("human" → "Person (…)").
    static QString sourceText(const QString &source, const QString &speaker);
    static QString fallbackText(const QString &fallback);

    // For tests and scripting.
    QTableWidget *table() const { return m_table; }
    int rowOf(const QString &channel) const;
    QString cellText(const QString &channel, Column column) const;
    QComboBox *fallbackCombo(const QString &channel) const;
    QLineEdit *streamEdit() const { return m_streamEdit; }
    QLineEdit *languageEdit() const { return m_langEdit; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *removeButton() const { return m_remove; }
    QLabel *messageLabel() const { return m_message; }
    QComboBox *boothChannel() const { return m_boothChannel; }
    QPushButton *boothButton() const { return m_booth; }
    QPushButton *handOverButton() const { return m_handOver; }
    QLabel *boothStatus() const { return m_boothStatus; }
    LevelMeter *boothMeter() const { return m_boothMeter; }
    QString boothOnAirChannel() const { return m_boothOnAir; }

Q_SIGNALS:
    // For the status bar: what was done, or refused and why.
    void message(const QString &text, bool error);

private:
    QWidget *buildTable();
    QWidget *buildAddRow();
    QWidget *buildBoothRow();
    void onChannels(const QJsonArray &channels);
    void fillRow(int row, const QJsonObject &channel);
    void setFallbackCell(int row, const QString &channel, const QString &fallback);
    void showLevel(int row);
    void addChannel();
    void removeChannel();
    void chooseFallback(const QString &channel, const QString &fallback);
    void onChanged(const QString &channel, const QString &fallback, bool ok, const QString &error);
    void updateBoothChannels();
    void toggleBooth(bool on);
    void onBoothOnAir(bool on, const QString &channel);
    void onBoothFailed(const QString &reason);
    void toggleHandOver(bool on);
    void showMessage(const QString &text, bool error);
    void showBoothStatus(const QString &text, const QString &color);
    void updateButtons();
    QString selectedChannel() const;

    EngineHost *m_host;
    QTableWidget *m_table = nullptr;
    QLineEdit *m_streamEdit = nullptr;
    QLineEdit *m_langEdit = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QLabel *m_message = nullptr;
    QComboBox *m_boothChannel = nullptr;
    QPushButton *m_booth = nullptr;
    QPushButton *m_handOver = nullptr;
    LevelMeter *m_boothMeter = nullptr;
    QLabel *m_boothStatus = nullptr;
    QTimer m_poll;

    QJsonArray m_channels;              // the engine's last answer
    QStringList m_ids;                  // the table's rows, in order
    QHash<QString, double> m_levels;    // channel → RMS dBFS over the last second
    QSet<QString> m_pending;            // fallback changes the engine has not answered yet
    SpeakController *m_speaker = nullptr;
    std::function<QString()> m_sourceSpec;
    QString m_boothWanted;              // the channel asked for, until on air or refused
    QString m_boothOnAir;               // the channel this computer speaks into now
    QString m_defaultStream = QStringLiteral("main");
};

} // namespace onair
