#include "recording/recordings.h"

#include "core/clock.h"
#include "core/logging.h"
#include "fanout/hub.h"
#include "history/topicevent.h"
#include "protocol/streamid.h"
#include "recording/oggscan.h"
#include "recording/recorder.h"
#include "recording/recordingstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

namespace onair {

namespace {
constexpr qint64 kMsNs = 1000000;
constexpr int kTickMs = 100;
constexpr qint64 kReconcileNs = 500 * kMsNs;
constexpr qint64 kRetentionNs = 60000 * kMsNs;

QString newRecordingId()
{
    QString id = QStringLiteral("rec-");
    for (int i = 0; i < 20; ++i)
        id += QLatin1Char("0123456789abcdef"[QRandomGenerator::global()->bounded(16)]);
    return id;
}

// A stream's folder: its id, except that one starting with a dot ("..") cannot climb out.
QString folderOf(const QString &stream)
{
    return stream.startsWith(u'.') ? QLatin1Char('_') + stream : stream;
}

// A topic event as a timeline line: its data, "event" kept, keys that would clash renamed.
QJsonObject lineOf(const QString &type, const QJsonObject &data)
{
    QJsonObject line{{QStringLiteral("type"), type}};
    for (auto it = data.constBegin(); it != data.constEnd(); ++it) {
        if (it.key() == QLatin1String("type"))
            line.insert(type + QStringLiteral("_type"), it.value());
        else if (it.key() == QLatin1String("t"))
            line.insert(QStringLiteral("wall_ms"), it.value());
        else if (it.key() != QLatin1String("event") || type == QLatin1String("banner"))
            line.insert(it.key(), it.value());
    }
    return line;
}
} // namespace

Recordings::Recordings(Hub *hub, RecordingStore *store, RecordingOptions options, QObject *parent)
    : QObject(parent), m_hub(hub), m_store(store), m_options(std::move(options))
{
}

Recordings::~Recordings()
{
    if (m_mp3Pool)
        m_mp3Pool->waitForDone(); // an MP3 being made finishes (its job uses this object)
    stop();
}

bool Recordings::start(QString *error)
{
    if (!QDir().mkpath(m_options.directory))
        qCWarning(lcRecording).noquote() << "cannot create" << m_options.directory << "- recordings will fail";
    markInterrupted();
    QString storeError;
    if (const auto wanted = m_store->recordingsWanted(&storeError)) {
        QMutexLocker lock(&m_mutex);
        m_storeWanted = QSet<QString>(wanted->cbegin(), wanted->cend());
    } else {
        *error = QStringLiteral("recordings: %1").arg(storeError);
        return false;
    }
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("recorder"));
    m_worker = new QObject;
    // The timer is made before the move, which takes it along: made after, it could not be the
    // worker's child (another thread's) and would tick on the engine's thread, never deleted.
    auto *timer = new QTimer(m_worker);
    timer->setInterval(kTickMs);
    connect(timer, &QTimer::timeout, m_worker, [this] { onTick(); });
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, timer, qOverload<>(&QTimer::start));
    m_thread->start();
    return true;
}

void Recordings::stop()
{
    if (!m_thread)
        return;
    QMetaObject::invokeMethod(m_worker, [this] { finishAll(); }, Qt::BlockingQueuedConnection);
    m_worker->deleteLater();
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_worker = nullptr;
}

void Recordings::finishAll()
{
    const QStringList streams = [this] {
        QMutexLocker lock(&m_mutex);
        return m_recorders.keys();
    }();
    for (const QString &s : streams)
        stopRecorder(s, QStringLiteral("finished"), QString());
}

bool Recordings::setWanted(const QString &stream, bool wanted, QString *id, QString *error)
{
    const QString invalid = listenableStreamIdError(stream);
    if (!invalid.isEmpty()) {
        *error = invalid;
        return false;
    }
    if (!m_store->setRecordingWanted(stream, wanted, error))
        return false;
    QMutexLocker lock(&m_mutex);
    if (wanted) {
        m_storeWanted.insert(stream);
        m_requestedHere.insert(stream);
        m_failed.remove(stream); // asked again: try again
    } else {
        m_storeWanted.remove(stream);
        m_requestedHere.remove(stream);
    }
    m_lastReconcileNs = 0; // at the next tick
    const auto running = m_recorders.value(stream);
    const QString runningId = running ? running->info().id : QString();
    // Wait (briefly) for the recorder thread to act, so the caller gets the recording's id (and,
    // when stopping, the row already says how it ended).
    const qint64 deadline = monotonicMs() + 2000;
    while (monotonicMs() < deadline) {
        if (wanted ? m_recorders.contains(stream) || m_failed.contains(stream)
                   : !m_recorders.contains(stream) && (runningId.isEmpty() || m_last.value(stream).id == runningId))
            break;
        // Polled, not a QWaitCondition: Qt 6.4's wait unlocks inside the (uninstrumented)
        // library, which ThreadSanitizer then reports as a double lock on the recorder thread.
        lock.unlock();
        QThread::msleep(10);
        lock.relock();
    }
    if (const auto r = m_recorders.value(stream))
        *id = r->info().id;
    else
        *id = m_last.value(stream).id;
    if (wanted && m_failed.contains(stream)) {
        *error = m_failed.value(stream);
        return false;
    }
    return true;
}

bool Recordings::mark(const QString &stream, const QString &text, QString *error)
{
    const QString t = text.trimmed();
    if (t.isEmpty() || t.size() > 200) {
        *error = QStringLiteral("a mark is 1 to 200 characters");
        return false;
    }
    QMutexLocker lock(&m_mutex);
    const auto r = m_recorders.value(stream);
    if (!r) {
        *error = QStringLiteral("%1 is not being recorded here").arg(stream);
        return false;
    }
    r->postLine({{QStringLiteral("type"), QStringLiteral("mark")}, {QStringLiteral("text"), t}}, monotonicNs());
    return true;
}

void Recordings::observeTopic(const TopicEvent &event)
{
    const QJsonObject data = event.data.toObject();
    const QString kind = data.value(QLatin1String("event")).toString();
    const qint64 now = monotonicNs();
    QMutexLocker lock(&m_mutex);
    if (m_recorders.isEmpty())
        return;
    if (event.topic == QLatin1String("banners")) {
        for (const auto &r : std::as_const(m_recorders))
            r->postLine(lineOf(QStringLiteral("banner"), data), now);
        return;
    }
    if (!event.topic.startsWith(QLatin1String("stream:")) || kind == QLatin1String("listeners")
        || kind == QLatin1String("speaker_joined") || kind == QLatin1String("speaker_left"))
        return; // counts are sampled once a second; the speaker comes with the audio
    const QString stream = event.topic.mid(7);
    const QString type = kind == QLatin1String("caption") ? kind : QStringLiteral("event");
    for (auto it = m_recorders.constBegin(); it != m_recorders.constEnd(); ++it) {
        // A channel's recording ("main~es") keeps its base stream's captions too.
        if (it.key() == stream || it.key().startsWith(stream + QLatin1Char('~')))
            it.value()->postLine(lineOf(type, data), now);
    }
}

RecordingStatus Recordings::status(const QString &stream) const
{
    QMutexLocker lock(&m_mutex);
    RecordingStatus s = m_last.value(stream);
    s.stream = stream;
    s.wanted = m_storeWanted.contains(stream) || m_options.recordAll || m_options.record.contains(stream);
    s.error = m_failed.value(stream);
    if (const auto r = m_recorders.value(stream)) {
        s.recording = true;
        s.id = r->info().id;
        s.startedAt = r->info().start;
        s.elapsedMs = r->elapsedMs(monotonicNs());
        s.bytes = r->bytes();
    } else {
        s.recording = false;
    }
    return s;
}

QList<RecordingStatus> Recordings::statuses() const
{
    QSet<QString> streams;
    {
        QMutexLocker lock(&m_mutex);
        streams = m_storeWanted;
        for (auto it = m_recorders.constBegin(); it != m_recorders.constEnd(); ++it)
            streams.insert(it.key());
        for (auto it = m_failed.constBegin(); it != m_failed.constEnd(); ++it)
            streams.insert(it.key());
    }
    QList<RecordingStatus> out;
    for (const QString &s : std::as_const(streams))
        out.append(status(s));
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.stream < b.stream; });
    return out;
}

QStringList Recordings::degradedReasons() const
{
    QMutexLocker lock(&m_mutex);
    QStringList reasons;
    for (auto it = m_failed.constBegin(); it != m_failed.constEnd(); ++it)
        reasons.append(QStringLiteral("recording of %1 stopped: %2").arg(it.key(), it.value()));
    reasons.sort();
    return reasons;
}

QJsonObject Recordings::healthJson() const
{
    const QStringList reasons = degradedReasons();
    QMutexLocker lock(&m_mutex);
    QJsonArray streams;
    for (auto it = m_recorders.constBegin(); it != m_recorders.constEnd(); ++it)
        streams.append(it.key());
    return {{QStringLiteral("status"), reasons.isEmpty() ? QStringLiteral("ok") : QStringLiteral("degraded")},
            {QStringLiteral("recording"), streams},
            {QStringLiteral("reasons"), QJsonArray::fromStringList(reasons)},
            {QStringLiteral("directory"), m_options.directory}};
}

qint64 Recordings::droppedPayloads() const
{
    QMutexLocker lock(&m_mutex);
    qint64 n = m_droppedBefore;
    for (const auto &r : std::as_const(m_recorders))
        n += r->droppedPayloads();
    return n;
}

std::optional<QList<RecordingInfo>> Recordings::list(const RecordingFilter &filter, QString *error) const
{
    auto rows = m_store->recordings(filter, error);
    if (!rows)
        return rows;
    // The running ones here: their live length and size (the row has them at the end only).
    QMutexLocker lock(&m_mutex);
    for (RecordingInfo &r : *rows) {
        if (!r.isRecording())
            continue;
        for (const auto &rec : std::as_const(m_recorders)) {
            if (rec->info().id == r.id) {
                r.durationMs = rec->durationMs();
                r.bytes = rec->bytes();
            }
        }
    }
    return rows;
}

std::optional<RecordingInfo> Recordings::find(const QString &id, QString *error) const
{
    auto r = m_store->recording(id, error);
    if (r && r->isRecording()) {
        QMutexLocker lock(&m_mutex);
        for (const auto &rec : std::as_const(m_recorders)) {
            if (rec->info().id == id) {
                r->durationMs = rec->durationMs();
                r->bytes = rec->bytes();
            }
        }
    }
    return r;
}

QJsonArray Recordings::readTimeline(const QString &path)
{
    QFile f(path);
    QJsonArray lines;
    if (!f.open(QIODevice::ReadOnly))
        return lines;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine();
        if (!line.endsWith('\n'))
            break; // torn by a crash
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            lines.append(doc.object());
    }
    return lines;
}

bool Recordings::remove(const QString &id, bool *busy, QString *error)
{
    *busy = false;
    const auto r = m_store->recording(id, error);
    if (!r)
        return false;
    if (r->id.isEmpty()) {
        *error = QStringLiteral("no recording %1").arg(id);
        return false;
    }
    if (r->isRecording()) {
        *busy = true;
        *error = QStringLiteral("%1 is still recording; stop it first").arg(id);
        return false;
    }
    if (!m_store->deleteRecording(id, error))
        return false;
    QFile::remove(r->path);
    QFile::remove(r->timelinePath());
    QFile::remove(mp3PathOf(*r));
    qCInfo(lcRecording).noquote() << "deleted recording" << id << r->path;
    return true;
}

// ---- the recorder thread ----

void Recordings::onTick()
{
    const qint64 now = monotonicNs();
    QList<QPair<QString, std::shared_ptr<Recorder>>> running;
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = m_recorders.constBegin(); it != m_recorders.constEnd(); ++it)
            running.append({it.key(), it.value()});
    }
    for (const auto &[stream, recorder] : std::as_const(running)) {
        if (!recorder->tick(now)) {
            stopRecorder(stream, QStringLiteral("failed"), recorder->failure());
        } else if (recorder->bytes() >= m_options.maxBytes) {
            stopRecorder(stream, QStringLiteral("finished"), QStringLiteral("rotated"));
            startRecorder(stream);
            m_lastRetentionNs = 0; // the total grew by a file: the caps are checked now
        }
    }
    bool due = false;
    {
        QMutexLocker lock(&m_mutex);
        due = now - m_lastReconcileNs >= kReconcileNs;
    }
    if (due)
        reconcile(now);
    if (now - m_lastRetentionNs >= kRetentionNs) {
        m_lastRetentionNs = now;
        enforceRetention();
    }
}

void Recordings::reconcile(qint64 nowNs)
{
    QString error;
    const auto wanted = m_store->recordingsWanted(&error); // the database down: last known list
    QSet<QString> candidates;
    {
        QMutexLocker lock(&m_mutex);
        m_lastReconcileNs = nowNs;
        if (wanted) {
            m_storeWanted = QSet<QString>(wanted->cbegin(), wanted->cend());
            m_requestedHere &= m_storeWanted;
        }
        candidates = m_storeWanted;
        for (auto it = m_recorders.constBegin(); it != m_recorders.constEnd(); ++it)
            candidates.insert(it.key());
    }
    for (const QString &s : std::as_const(m_options.record))
        candidates.insert(s);
    if (m_options.recordAll) {
        for (const StreamSnapshot &s : m_hub->snapshot())
            candidates.insert(s.id);
    }
    for (const QString &stream : std::as_const(candidates)) {
        const bool speaker = m_hub->hasSpeaker(stream);
        const bool running = [&] {
            QMutexLocker lock(&m_mutex);
            if (speaker)
                m_speakerSeenNs.insert(stream, nowNs);
            return m_recorders.contains(stream);
        }();
        const bool should = shouldRecord(stream, nowNs);
        if (should && !running)
            startRecorder(stream);
        else if (!should && running)
            stopRecorder(stream, QStringLiteral("finished"), QString());
    }
}

bool Recordings::shouldRecord(const QString &stream, qint64 nowNs) const
{
    const bool local = m_hub->hasLocalSpeaker(stream);
    const bool anywhere = local || m_hub->hasSpeaker(stream);
    QMutexLocker lock(&m_mutex);
    const bool asked = m_storeWanted.contains(stream);
    const bool configured = m_options.recordAll || m_options.record.contains(stream);
    if ((!asked && !configured) || m_failed.contains(stream))
        return false;
    if (local)
        return true;
    if (anywhere)
        return false; // another replica holds the speaker: it records
    // Nobody speaks.
    if (m_recorders.contains(stream)) {
        if (asked)
            return true; // goes on with silence until turned off
        return nowNs - m_speakerSeenNs.value(stream, nowNs) < qint64(m_options.idleStopS) * 1000 * kMsNs;
    }
    return asked && m_requestedHere.contains(stream);
}

QString Recordings::newPath(const QString &stream, const QDateTime &start) const
{
    const QString base = QDir(m_options.directory).filePath(folderOf(stream)) + QLatin1Char('/')
                         + start.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    QString path = base + QStringLiteral(".ogg");
    for (int i = 2; QFileInfo::exists(path); ++i)
        path = base + QStringLiteral("-%1.ogg").arg(i);
    return path;
}

bool Recordings::startRecorder(const QString &stream)
{
    RecordingInfo info;
    info.id = newRecordingId();
    info.stream = stream;
    info.replica = m_options.replica;
    info.start = QDateTime::currentDateTimeUtc();
    info.state = QStringLiteral("recording");
    info.path = newPath(stream, info.start);
    Recorder::Options o;
    o.flushMs = m_options.flushMs;
    o.opusBitrate = m_options.opusBitrate;
    o.maxQueue = m_options.maxQueue;
    o.banners = m_options.banners;
    auto recorder = std::make_shared<Recorder>(m_hub, info, o);
    QString error;
    if (!recorder->open(&error) || !m_store->insertRecording(info, &error)) {
        recorder->finish(QStringLiteral("failed"), error);
        QFile::remove(info.path); // nothing listed refers to them
        QFile::remove(info.timelinePath());
        qCWarning(lcRecording).noquote() << "recording of" << stream << "could not start:" << error;
        m_failures.fetch_add(1);
        QMutexLocker lock(&m_mutex);
        m_failed.insert(stream, error);
        lock.unlock();
        QMetaObject::invokeMethod(this, [this, stream] { Q_EMIT changed(stream); });
        return false;
    }
    qCInfo(lcRecording).noquote() << "recording" << stream << "as" << info.id << "to" << info.path;
    {
        QMutexLocker lock(&m_mutex);
        m_recorders.insert(stream, recorder);
        m_speakerSeenNs.insert(stream, monotonicNs());
    }
    QMetaObject::invokeMethod(this, [this, stream] { Q_EMIT changed(stream); });
    return true;
}

void Recordings::stopRecorder(const QString &stream, const QString &state, const QString &reason)
{
    std::shared_ptr<Recorder> recorder;
    {
        QMutexLocker lock(&m_mutex);
        recorder = m_recorders.take(stream);
    }
    if (!recorder)
        return;
    const RecordingInfo info = recorder->finish(state, reason);
    QString error;
    if (!m_store->updateRecording(info, &error))
        qCWarning(lcRecording).noquote() << "recording" << info.id << "could not be listed as ended:" << error;
    if (info.state == QLatin1String("failed")) {
        m_failures.fetch_add(1);
        qCWarning(lcRecording).noquote() << "recording of" << stream << "stopped:" << info.reason;
    } else {
        qCInfo(lcRecording).noquote() << "recording" << info.id << "of" << stream << info.state
                                      << (reason.isEmpty() ? QString() : QLatin1Char('(') + reason + QLatin1Char(')'))
                                      << info.durationMs << "ms" << info.bytes << "bytes";
    }
    {
        QMutexLocker lock(&m_mutex);
        RecordingStatus last;
        last.stream = stream;
        last.id = info.id;
        last.startedAt = info.start;
        last.elapsedMs = info.durationMs;
        last.bytes = info.bytes;
        m_last.insert(stream, last);
        m_droppedBefore += recorder->droppedPayloads();
        if (info.state == QLatin1String("failed"))
            m_failed.insert(stream, info.reason);
    }
    QMetaObject::invokeMethod(this, [this, stream] { Q_EMIT changed(stream); });
}

void Recordings::markInterrupted()
{
    RecordingFilter all;
    all.limit = 100000;
    QString error;
    const auto rows = m_store->recordings(all, &error);
    if (!rows) {
        qCWarning(lcRecording).noquote() << "cannot list recordings:" << error;
        return;
    }
    const QString mine = QDir(m_options.directory).absolutePath() + QLatin1Char('/');
    for (RecordingInfo r : *rows) {
        if (!r.isRecording() || !r.path.startsWith(mine))
            continue;
        // The last run died while writing it: what the file really holds.
        r.state = QStringLiteral("interrupted");
        r.reason = QStringLiteral("the server stopped while recording");
        r.durationMs = qMax<qint64>(0, oggOpusDurationMs(r.path));
        r.bytes = QFileInfo(r.path).size();
        r.end = r.start.addMSecs(r.durationMs);
        if (m_store->updateRecording(r, &error))
            qCWarning(lcRecording).noquote() << "recording" << r.id << "of" << r.stream << "was interrupted at"
                                             << r.durationMs << "ms";
    }
}

void Recordings::enforceRetention()
{
    if (m_options.keepDays <= 0 && m_options.maxTotalBytes <= 0)
        return;
    RecordingFilter all;
    all.limit = 100000;
    QString error;
    const auto rows = m_store->recordings(all, &error); // newest first
    if (!rows)
        return;
    const QString mine = QDir(m_options.directory).absolutePath() + QLatin1Char('/');
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addDays(-m_options.keepDays);
    qint64 total = 0;
    for (const RecordingInfo &r : *rows) {
        if (r.path.startsWith(mine))
            total += r.isRecording() ? QFileInfo(r.path).size() : r.bytes;
    }
    for (auto it = rows->crbegin(); it != rows->crend(); ++it) { // oldest first
        const RecordingInfo &r = *it;
        if (r.isRecording() || !r.path.startsWith(mine))
            continue;
        const bool old = m_options.keepDays > 0 && r.start < cutoff;
        const bool over = m_options.maxTotalBytes > 0 && total > m_options.maxTotalBytes;
        if (!old && !over)
            continue;
        bool busy = false;
        if (remove(r.id, &busy, &error)) {
            total -= r.bytes;
            qCInfo(lcRecording).noquote() << "retention:" << r.id << (old ? "older than" : "over the total cap")
                                          << (old ? QString::number(m_options.keepDays) + QStringLiteral(" days")
                                                  : QString::number(m_options.maxTotalBytes) + QStringLiteral(" bytes"));
        }
    }
}

} // namespace onair
