#pragma once

#include <QDateTime>
#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>

namespace onair {

class Hub;

// Seed 003's file monitoring: created, modified and deleted files under the watched roots
// become events on the "file_events" topic; a file at <project>/<conversation>.jsonl also
// goes to "project:<project>", "conversation:<conversation>" and "all_conversations".
// inotify through QFileSystemWatcher: directories for create/delete, files for modify.
class FileWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileWatcher)
public:
    explicit FileWatcher(Hub *hub, QObject *parent = nullptr);
    bool addRoot(const QString &dir, QString *error);

private:
    struct Entry
    {
        qint64 size = -1;
        qint64 mtimeMs = 0;
        QString root;
    };
    void scan(const QString &dir, const QString &root, bool announce);
    void onDirectoryChanged(const QString &dir);
    void onFileChanged(const QString &path);
    void publish(const QString &root, const QString &path, const QString &kind, qint64 size, qint64 mtimeMs);

    Hub *m_hub;
    QFileSystemWatcher m_watcher;
    QHash<QString, Entry> m_files;  // absolute file path -> last seen state
    QHash<QString, QString> m_dirs; // absolute dir path -> its root
};

} // namespace onair
