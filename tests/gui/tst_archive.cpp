// Recording in the control room (docs/recording.md) under QT_QPA_PLATFORM=offscreen, with the
// real engine and the tone source on air: REC beside ON AIR (elapsed time and size), a mark
// through Ctrl+M and its dialog, REC off through Ctrl+R, the Archive tab listing the finished
// recording, its Ogg file and its timeline with the mark, Delete refused while recording and
// then deleting files and row; and a recording that cannot start (its folder cannot be made)
// turning REC red with the reason.
#include "archivemodel.h"
#include "archivepanel.h"
#include "enginehost.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "recording/recordings.h"
#include "testsupport.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMediaPlayer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

using namespace onair;
using namespace onair::test;

class TestArchive : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void recordMarkStopListDelete();
    void recordingThatCannotStartTurnsRecRed();

private:
    Recordings *recordings() const { return m_host->recordings(); }
    QString dataDir() const { return m_dir->filePath(QStringLiteral("data")); }
    // Answers the next QInputDialog with `text`, noting what it offered first (delete the
    // timer returned once the dialog is over).
    QTimer *answerNextDialog(const QString &text, QString *offered);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LogModel> m_log;
    std::unique_ptr<EngineHost> m_host;
    std::unique_ptr<MainWindow> m_window;
};

void TestArchive::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    qputenv("XDG_CONFIG_HOME", m_dir->filePath(QStringLiteral("config")).toUtf8()); // fresh QSettings
    EngineConfig c = testConfig();
    c.dataDir = dataDir();
    c.openSpeakers = false; // as the app runs by default
    m_log = std::make_unique<LogModel>();
    m_host = std::make_unique<EngineHost>(c);
    QString error;
    QVERIFY2(m_host->start(&error), qPrintable(error));
    QVERIFY(recordings());
    m_window = std::make_unique<MainWindow>(m_host.get(), m_log.get());
    m_window->show();
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void TestArchive::cleanup()
{
    m_window.reset();
    m_host.reset();
    m_log.reset();
    QSettings().remove(QStringLiteral("speak"));
}

QTimer *TestArchive::answerNextDialog(const QString &text, QString *offered)
{
    auto *poll = new QTimer(this);
    poll->setInterval(20);
    connect(poll, &QTimer::timeout, this, [poll, text, offered] {
        auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        *offered = dialog->textValue();
        dialog->setTextValue(text);
        dialog->accept();
        poll->stop();
    });
    poll->start();
    return poll;
}

void TestArchive::recordMarkStopListDelete()
{
    m_window->setSource(QStringLiteral("tone"));
    m_window->goOnAir(QStringLiteral("desk"));
    QTRY_VERIFY(m_window->onAirButton()->isChecked());
    QPushButton *rec = m_window->recordButton();
    QCOMPARE(rec->objectName(), QStringLiteral("recordButton"));
    QVERIFY(rec->isCheckable());
    QCOMPARE(rec->text(), QStringLiteral("REC"));
    QVERIFY(!rec->isChecked());

    QTest::mouseClick(rec, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(recordings()->status(QStringLiteral("desk")).recording, 5000);
    QVERIFY(rec->isChecked());
    // Elapsed time and size, refreshed while it records.
    static const QRegularExpression running(QStringLiteral("^● REC 00:0[1-9] · \\d+(\\.\\d)? (bytes|kB|MB)$"));
    QTRY_VERIFY2_WITH_TIMEOUT(running.match(rec->text()).hasMatch(), qPrintable(rec->text()), 6000);
    QVERIFY(!rec->property("failed").toBool());
    QVERIFY(rec->accessibleDescription().contains(QLatin1String("desk")));
    const QString id = recordings()->status(QStringLiteral("desk")).id;
    QVERIFY(id.startsWith(QLatin1String("rec-")));

    // Ctrl+M: a dialog offering "chapter"; the mark goes on the timeline.
    QString offered;
    const std::unique_ptr<QTimer> answer(answerNextDialog(QStringLiteral("chapter: sermon"), &offered));
    QTest::keyClick(m_window.get(), Qt::Key_M, Qt::ControlModifier);
    QCOMPARE(offered, QStringLiteral("chapter"));
    QVERIFY2(m_window->statusMessage()->text().contains(QLatin1String("chapter: sermon")), qPrintable(m_window->statusMessage()->text()));

    // The Archive lists it while it runs; Delete is refused with the reason.
    ArchivePanel *archive = m_window->archivePanel();
    m_window->showArchive();
    QTRY_VERIFY(archive->model()->rowOf(id) >= 0);
    QCOMPARE(archive->model()->recordingAt(archive->model()->rowOf(id)).state, QStringLiteral("recording"));
    QVERIFY(!archive->deleteRecording(id, false));
    QVERIFY2(m_window->statusMessage()->text().contains(QLatin1String("still running")), qPrintable(m_window->statusMessage()->text()));

    // Ctrl+R: REC off.
    m_window->activateWindow(); // offscreen has no window manager to give it back after the dialog
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTest::keyClick(m_window.get(), Qt::Key_R, Qt::ControlModifier);
    QTRY_VERIFY2(!rec->isChecked(), qPrintable(m_window->statusMessage()->text()));
    QTRY_VERIFY_WITH_TIMEOUT(!recordings()->status(QStringLiteral("desk")).recording, 5000);
    QTRY_COMPARE(rec->text(), QStringLiteral("REC"));
    QVERIFY(!rec->isChecked());

    // Finished, with its length and size, in the Archive.
    ArchiveModel *model = archive->model();
    QTRY_COMPARE(model->recordingAt(model->rowOf(id)).state, QStringLiteral("finished"));
    const int row = model->rowOf(id);
    const RecordingInfo r = model->recordingAt(row);
    QVERIFY2(r.durationMs >= 1000, qPrintable(QString::number(r.durationMs)));
    QVERIFY(r.bytes > 0);
    QCOMPARE(model->data(model->index(row, ArchiveModel::Stream), Qt::DisplayRole).toString(), QStringLiteral("desk"));
    QVERIFY(QRegularExpression(QStringLiteral("^00:0[1-9]$")).match(model->data(model->index(row, ArchiveModel::Duration), Qt::DisplayRole).toString()).hasMatch());
    QCOMPARE(model->data(model->index(row, ArchiveModel::State), Qt::DisplayRole).toString(), QStringLiteral("finished"));
    QVERIFY(!model->data(model->index(row, ArchiveModel::Start), Qt::DisplayRole).toString().isEmpty());

    // The files: Ogg audio and the timeline with the mark and the end.
    QFile ogg(r.path);
    QVERIFY2(ogg.open(QIODevice::ReadOnly), qPrintable(r.path));
    QCOMPARE(ogg.read(4), QByteArray("OggS"));
    QCOMPARE(ogg.size(), r.bytes);
    ogg.close();
    const QJsonArray timeline = Recordings::readTimeline(r.timelinePath());
    bool marked = false;
    for (const QJsonValue &v : timeline) {
        const QJsonObject line = v.toObject();
        if (line.value(QLatin1String("type")).toString() == QLatin1String("mark"))
            marked = line.value(QLatin1String("text")).toString() == QLatin1String("chapter: sermon");
    }
    QVERIFY2(marked, QJsonDocument(timeline).toJson().constData());
    QCOMPARE(timeline.last().toObject().value(QLatin1String("type")).toString(), QStringLiteral("end"));

    // Play hands the file to the player; Delete removes files and row.
    QVERIFY(archive->select(id));
    QVERIFY(archive->playButton()->isEnabled());
    archive->playSelected();
    QVERIFY(archive->player());
    QCOMPARE(archive->player()->source(), QUrl::fromLocalFile(r.path));
    QVERIFY(archive->deleteRecording(id, false));
    QVERIFY(!QFileInfo::exists(r.path));
    QVERIFY(!QFileInfo::exists(r.timelinePath()));
    QCOMPARE(model->rowOf(id), -1);
    QCOMPARE(model->rowCount(), 0);
    QString error;
    QVERIFY(recordings()->find(id, &error).value_or(RecordingInfo()).id.isEmpty());
}

void TestArchive::recordingThatCannotStartTurnsRecRed()
{
    // A file where the stream's folder would be: the folder cannot be made (chmod does not stop root).
    QVERIFY(QDir().mkpath(dataDir() + QStringLiteral("/recordings")));
    QFile blocker(dataDir() + QStringLiteral("/recordings/blocked"));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    m_window->streamEdit()->setText(QStringLiteral("blocked"));
    QPushButton *rec = m_window->recordButton();
    QTest::mouseClick(rec, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(rec->property("failed").toBool(), 5000);
    QVERIFY(rec->isChecked());
    QVERIFY2(rec->text().startsWith(QStringLiteral("⚠ REC failed: ")), qPrintable(rec->text()));
    QVERIFY2(rec->toolTip().contains(QLatin1String("cannot create the directory")), qPrintable(rec->toolTip()));
    QCOMPARE(rec->accessibleDescription(), rec->toolTip());
    QCOMPARE(rec->accessibleName(), QStringLiteral("Recording failed"));
    // REC turns red from the recorder's status; the answer to the request (the status bar's
    // sentence) is queued from the engine's thread and may come a moment later.
    const auto saysCouldNotStart = [this] { return m_window->statusMessage()->text().contains(QLatin1String("could not start")); };
    QTRY_VERIFY2_WITH_TIMEOUT(saysCouldNotStart(), qPrintable(m_window->statusMessage()->text()), 5000);
    QVERIFY(!recordings()->status(QStringLiteral("blocked")).recording);
    // Nothing listed for it.
    m_window->archivePanel()->refresh();
    QCOMPARE(m_window->archivePanel()->model()->rowCount(), 0);

    // Turned off: no longer red.
    QTest::mouseClick(rec, Qt::LeftButton);
    QTRY_VERIFY(!rec->property("failed").toBool());
    QTRY_COMPARE(rec->text(), QStringLiteral("REC"));
    QVERIFY(!rec->isChecked());
}

QTEST_MAIN(TestArchive)
#include "tst_archive.moc"
