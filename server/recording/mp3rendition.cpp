// Recordings::mp3: a recording's MP3 rendition for browsers without Ogg Opus (docs/recording.md).
#include "recording/recordings.h"

#include "core/logging.h"
#include "recording/mp3export.h"

#include <QFileInfo>
#include <QThreadPool>

namespace onair {

namespace {
constexpr int kMp3Kbps = 64; // speech and music of a service at 48 kHz mono, ~29 MB per hour
} // namespace

QString Recordings::mp3PathOf(const RecordingInfo &info)
{
    QString p = info.path;
    if (p.endsWith(QLatin1String(".ogg")))
        p.chop(4);
    return p + QStringLiteral(".mp3");
}

Recordings::Mp3State Recordings::mp3(const RecordingInfo &info, QString *path, QString *error)
{
    *path = mp3PathOf(info);
    if (info.isRecording()) {
        *error = QStringLiteral("%1 is still recording: its MP3 is made once it ends").arg(info.id);
        return Mp3State::Failed;
    }
    const QFileInfo mp3(*path);
    if (mp3.exists() && mp3.lastModified() >= QFileInfo(info.path).lastModified())
        return Mp3State::Ready;
    QMutexLocker lock(&m_mutex);
    if (const auto failed = m_mp3Failed.constFind(info.id); failed != m_mp3Failed.cend()) {
        *error = *failed;
        return Mp3State::Failed;
    }
    if (m_mp3Making.contains(info.id))
        return Mp3State::Preparing;
    if (!m_mp3Pool) {
        m_mp3Pool = std::make_unique<QThreadPool>();
        m_mp3Pool->setMaxThreadCount(1); // one at a time: the rest of the machine broadcasts
    }
    m_mp3Making.insert(info.id);
    const QString ogg = info.path, out = *path, id = info.id;
    m_mp3Pool->start([this, ogg, out, id] {
        QString why;
        const bool ok = exportOggOpusToMp3(ogg, out, kMp3Kbps, &why);
        if (!ok)
            qCWarning(lcRecording).noquote() << "the MP3 of" << id << "could not be made:" << why;
        QMutexLocker done(&m_mutex);
        m_mp3Making.remove(id);
        if (!ok)
            m_mp3Failed.insert(id, why);
    });
    return Mp3State::Preparing;
}

} // namespace onair
