#include "archivepanel.h"

#include "archivemodel.h"
#include "columnfit.h"
#include "enginehost.h"
#include "recording/recordings.h"

#include <QAudioOutput>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QMediaPlayer>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

namespace onair {

ArchivePanel::ArchivePanel(EngineHost *host, QWidget *parent) : QWidget(parent), m_host(host)
{
    m_model = new ArchiveModel(this);
    m_view = new QTableView;
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->setAlternatingRowColors(true);
    m_view->setTabKeyNavigation(false);
    m_view->setAccessibleName(tr("Recordings"));
    m_view->setObjectName(QStringLiteral("archiveTable"));
    new ColumnFit(m_view, ArchiveModel::State); // the reason elides first; its tooltip has it whole

    m_play = new QPushButton(tr("Play"));
    m_play->setToolTip(tr("Play the selected recording on this computer's speakers"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setToolTip(tr("Stop playing"));
    m_folder = new QPushButton(tr("Open folder"));
    m_folder->setToolTip(tr("Show the selected recording's files (audio and timeline) in the file manager"));
    m_delete = new QPushButton(tr("Delete…"));
    m_delete->setToolTip(tr("Delete the selected recording's files and its entry"));
    for (QPushButton *b : {m_play, m_stop, m_folder, m_delete})
        b->setAccessibleDescription(b->toolTip());

    auto *buttons = new QVBoxLayout;
    for (QPushButton *b : {m_play, m_stop, m_folder, m_delete})
        buttons->addWidget(b);
    buttons->addStretch();
    auto *l = new QHBoxLayout(this); // buttons beside the table: the strip below is short on a laptop
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(m_view, 1);
    l->addLayout(buttons);

    connect(m_play, &QPushButton::clicked, this, &ArchivePanel::playSelected);
    connect(m_stop, &QPushButton::clicked, this, &ArchivePanel::stopPlaying);
    connect(m_folder, &QPushButton::clicked, this, &ArchivePanel::openFolder);
    connect(m_delete, &QPushButton::clicked, this, [this] {
        if (const QString id = selectedId(); !id.isEmpty())
            deleteRecording(id);
    });
    connect(m_view, &QTableView::doubleClicked, this, &ArchivePanel::playSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ArchivePanel::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ArchivePanel::updateButtons);

    m_soon.setSingleShot(true);
    m_soon.setInterval(100);
    connect(&m_soon, &QTimer::timeout, this, &ArchivePanel::refresh);
    if (Recordings *r = m_host->recordings())
        connect(r, &Recordings::changed, &m_soon, qOverload<>(&QTimer::start)); // queued: the engine's thread
    // A running recording's length and size, while the tab is shown.
    m_poll.setInterval(3000);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh();
    });
    m_poll.start();
    refresh();
}

ArchivePanel::~ArchivePanel()
{
    if (m_player)
        m_player->stop();
}

void ArchivePanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void ArchivePanel::refresh()
{
    Recordings *recordings = m_host->recordings();
    if (!recordings)
        return;
    QString error;
    const auto rows = recordings->list(RecordingFilter(), &error);
    if (!rows) {
        Q_EMIT message(tr("The recordings could not be listed: %1").arg(error), true);
        return;
    }
    const QString keep = selectedId();
    m_model->setRecordings(*rows);
    if (!keep.isEmpty() && selectedId() != keep)
        select(keep);
    updateButtons();
}

QString ArchivePanel::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_model->recordingAt(rows.first().row()).id;
}

bool ArchivePanel::select(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    m_view->selectRow(row);
    return true;
}

void ArchivePanel::updateButtons()
{
    const bool any = !selectedId().isEmpty();
    m_play->setEnabled(any);
    m_delete->setEnabled(any);
    m_stop->setEnabled(m_player && m_player->playbackState() != QMediaPlayer::StoppedState);
}

// A recording made by another replica (shared database) has its files on that machine.
bool ArchivePanel::localFile(const RecordingInfo &r)
{
    if (QFileInfo::exists(r.path))
        return true;
    Q_EMIT message(tr("The file of this recording is not on this computer (recorded by %1).").arg(r.replica), true);
    return false;
}

void ArchivePanel::ensurePlayer()
{
    if (m_player)
        return;
    m_player = new QMediaPlayer(this);
    m_output = new QAudioOutput(this);
    m_output->setVolume(0.8f);
    m_player->setAudioOutput(m_output);
    connect(m_player, &QMediaPlayer::playbackStateChanged, this, &ArchivePanel::updateButtons);
    connect(m_player, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString &text) {
        Q_EMIT message(tr("The recording could not be played: %1").arg(text), true);
    });
}

void ArchivePanel::playSelected()
{
    const RecordingInfo r = m_model->recordingAt(m_model->rowOf(selectedId()));
    if (r.id.isEmpty() || !localFile(r))
        return;
    ensurePlayer();
    m_player->stop();
    m_player->setSource(QUrl::fromLocalFile(r.path));
    m_player->play();
    m_playingId = r.id;
    Q_EMIT message(tr("Playing the recording of %1 from %2.").arg(r.stream, m_model->data(m_model->index(m_model->rowOf(r.id), ArchiveModel::Start), Qt::DisplayRole).toString()), false);
}

void ArchivePanel::stopPlaying()
{
    if (m_player) {
        m_player->stop();
        m_player->setSource(QUrl()); // the file is no longer held open
    }
    m_playingId.clear();
    updateButtons();
}

void ArchivePanel::openFolder()
{
    const RecordingInfo r = m_model->recordingAt(m_model->rowOf(selectedId()));
    QString folder;
    if (!r.id.isEmpty()) {
        if (!localFile(r))
            return;
        folder = QFileInfo(r.path).absolutePath();
    } else if (Recordings *recordings = m_host->recordings()) {
        folder = recordings->options().directory;
        QDir().mkpath(folder);
    }
    if (folder.isEmpty() || !QDesktopServices::openUrl(QUrl::fromLocalFile(folder)))
        Q_EMIT message(tr("The folder %1 could not be opened.").arg(QDir::toNativeSeparators(folder)), true);
}

bool ArchivePanel::deleteRecording(const QString &id, bool confirm)
{
    Recordings *recordings = m_host->recordings();
    const RecordingInfo r = m_model->recordingAt(m_model->rowOf(id));
    if (!recordings || r.id.isEmpty())
        return false;
    if (confirm
        && QMessageBox::question(this, tr("Delete recording"),
                                 tr("Delete the recording of %1 (%2, %3) and its timeline? This cannot be undone.")
                                     .arg(r.stream, ArchiveModel::durationText(r.durationMs), ArchiveModel::sizeText(r.bytes)),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
               != QMessageBox::Yes)
        return false;
    if (m_playingId == id)
        stopPlaying();
    bool busy = false;
    QString error;
    const bool ok = recordings->remove(id, &busy, &error);
    if (busy)
        Q_EMIT message(tr("The recording of %1 is still running: stop it (REC) first.").arg(r.stream), true);
    else if (!ok)
        Q_EMIT message(tr("The recording could not be deleted: %1").arg(error), true);
    else
        Q_EMIT message(tr("The recording of %1 was deleted.").arg(r.stream), false);
    refresh();
    return ok;
}

} // namespace onair
