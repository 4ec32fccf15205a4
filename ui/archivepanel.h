#pragma once

#include <QTimer>
#include <QWidget>

class QAudioOutput;
class QMediaPlayer;
class QPushButton;
class QTableView;

namespace onair {

class ArchiveModel;
class EngineHost;
struct RecordingInfo;

// The Archive tab (docs/recording.md): this room's recordings, refreshed when one starts or
// ends and every few seconds; Play (Qt Multimedia plays the Ogg Opus file on this computer's
// output), Stop, Open folder, Delete (asks first; one still recording is refused).
class ArchivePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ArchivePanel)
public:
    explicit ArchivePanel(EngineHost *host, QWidget *parent = nullptr);
    ~ArchivePanel() override;

    void refresh();
    // The selected recording ("" when none).
    QString selectedId() const;
    bool select(const QString &id);
    void playSelected();
    void stopPlaying();
    void openFolder();
    // Deletes the recording `id`, asking the operator first when `confirm`. False when it was
    // not deleted (refused while recording, declined, the store failed): message() says why.
    bool deleteRecording(const QString &id, bool confirm = true);

    ArchiveModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QPushButton *playButton() const { return m_play; }
    QPushButton *stopButton() const { return m_stop; }
    QPushButton *folderButton() const { return m_folder; }
    QPushButton *deleteButton() const { return m_delete; }
    QMediaPlayer *player() const { return m_player; } // null until something was played

Q_SIGNALS:
    // A line for the window's status area.
    void message(const QString &text, bool error);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void updateButtons();
    bool localFile(const RecordingInfo &r);
    void ensurePlayer();

    EngineHost *m_host;
    ArchiveModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QPushButton *m_play = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_folder = nullptr;
    QPushButton *m_delete = nullptr;
    QMediaPlayer *m_player = nullptr;
    QAudioOutput *m_output = nullptr;
    QString m_playingId;
    QTimer m_poll;
    QTimer m_soon; // several changes at once: one refresh
};

} // namespace onair
