#include "events/filewatcher.h"

#include "core/clock.h"
#include "fanout/hub.h"
#include "core/logging.h"
#include "protocol/streamid.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonObject>

namespace onair {

FileWatcher::FileWatcher(Hub *hub, QObject *parent) : QObject(parent), m_hub(hub)
{
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &FileWatcher::onDirectoryChanged);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &FileWatcher::onFileChanged);
}

bool FileWatcher::addRoot(const QString &dir, QString *error)
{
    const QFileInfo fi(dir);
    if (!fi.isDir()) {
        *error = QStringLiteral("--watch %1: not a directory").arg(dir);
        return false;
    }
    const QString root = fi.canonicalFilePath();
    scan(root, root, false);
    qCInfo(lcEngine).noquote() << "watching" << root << "(" << m_files.size() << "files )";
    return true;
}

void FileWatcher::scan(const QString &dir, const QString &root, bool announce)
{
    if (!m_dirs.contains(dir)) {
        m_dirs.insert(dir, root);
        m_watcher.addPath(dir);
    }
    const QFileInfoList entries = QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    for (const QFileInfo &e : entries) {
        const QString path = e.absoluteFilePath();
        if (e.isDir() && !e.isSymLink()) {
            if (!m_dirs.contains(path))
                scan(path, root, announce);
            continue;
        }
        if (!e.isFile() || m_files.contains(path))
            continue;
        m_files.insert(path, {e.size(), e.lastModified().toMSecsSinceEpoch(), root});
        m_watcher.addPath(path);
        if (announce)
            publish(root, path, QStringLiteral("created"), e.size(), e.lastModified().toMSecsSinceEpoch());
    }
}

void FileWatcher::onDirectoryChanged(const QString &dir)
{
    const QString root = m_dirs.value(dir);
    if (root.isEmpty())
        return;
    if (!QFileInfo(dir).isDir()) {
        // The directory itself went away: everything known under it is deleted.
        const QString prefix = dir + u'/';
        for (auto it = m_files.begin(); it != m_files.end();) {
            if (it.key().startsWith(prefix)) {
                publish(it->root, it.key(), QStringLiteral("deleted"), 0, QDateTime::currentMSecsSinceEpoch());
                it = m_files.erase(it);
            } else {
                ++it;
            }
        }
        for (auto it = m_dirs.begin(); it != m_dirs.end();)
            it = (it.key() == dir || it.key().startsWith(prefix)) ? m_dirs.erase(it) : std::next(it);
        return;
    }
    // Direct children that disappeared.
    const QString prefix = dir + u'/';
    for (auto it = m_files.begin(); it != m_files.end();) {
        const QString &path = it.key();
        if (path.startsWith(prefix) && path.indexOf(u'/', prefix.size()) < 0 && !QFileInfo::exists(path)) {
            publish(it->root, path, QStringLiteral("deleted"), 0, QDateTime::currentMSecsSinceEpoch());
            m_watcher.removePath(path);
            it = m_files.erase(it);
        } else {
            ++it;
        }
    }
    scan(dir, root, true); // new files and directories
}

void FileWatcher::onFileChanged(const QString &path)
{
    auto it = m_files.find(path);
    if (it == m_files.end())
        return;
    const QFileInfo fi(path);
    if (!fi.exists()) {
        publish(it->root, path, QStringLiteral("deleted"), 0, QDateTime::currentMSecsSinceEpoch());
        m_files.erase(it);
        return;
    }
    const qint64 mtime = fi.lastModified().toMSecsSinceEpoch();
    if (fi.size() != it->size || mtime != it->mtimeMs) {
        it->size = fi.size();
        it->mtimeMs = mtime;
        publish(it->root, path, QStringLiteral("modified"), fi.size(), mtime);
    }
    if (!m_watcher.files().contains(path))
        m_watcher.addPath(path); // replaced by rename: watch the new inode
}

void FileWatcher::publish(const QString &root, const QString &path, const QString &kind, qint64 size, qint64 mtimeMs)
{
    const QString rel = QDir(root).relativeFilePath(path);
    QJsonObject data{{QStringLiteral("path"), rel},
                     {QStringLiteral("kind"), kind},
                     {QStringLiteral("size"), size},
                     {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(mtimeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                     {QStringLiteral("root"), QFileInfo(root).fileName()}};
    m_hub->publishTopic(QStringLiteral("file_events"), data);
    const QStringList parts = rel.split(u'/');
    if (parts.size() == 2 && parts[1].endsWith(QLatin1String(".jsonl"))) {
        const QString project = parts[0];
        const QString conversation = parts[1].chopped(6);
        if (isValidStreamId(project) && isValidStreamId(conversation)) {
            data.insert(QStringLiteral("project"), project);
            data.insert(QStringLiteral("conversation"), conversation);
            m_hub->publishTopic(QStringLiteral("project:") + project, data);
            m_hub->publishTopic(QStringLiteral("conversation:") + conversation, data);
            m_hub->publishTopic(QStringLiteral("all_conversations"), data);
        }
    }
}

} // namespace onair
