#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace onair {

// One recording (one file) as the store lists it. A stream recorded for a long time is a
// sequence of them: --recording-max-bytes rotates to a new file, and a speaker moving to
// another replica starts a new one there.
struct RecordingInfo
{
    QString id;          // "rec-" + 20 hex digits, the REST id
    QString stream;      // the stream id (may be a channel: "main~es")
    QString replica;     // the replica that wrote it (its files are on that machine)
    QDateTime start;     // UTC
    QDateTime end;       // null while recording
    qint64 durationMs = 0;
    qint64 bytes = 0;
    // recording | finished | interrupted (the process died while recording) | failed (disk)
    QString state;
    QString reason;      // why it failed or rotated ("disk full", "rotated", …), else empty
    QString path;        // absolute path of the .ogg; the timeline is path with .jsonl

    bool isRecording() const { return state == QLatin1String("recording"); }
    QString timelinePath() const;
    // {"id","stream_id","replica","start","end","duration_ms","bytes","state","reason"}
    QJsonObject toJson() const;
};

// What a stream's recording is doing now, for the control room, REST and /health.
struct RecordingStatus
{
    QString stream;
    bool wanted = false;    // asked for (REC on, --record, REST); it runs while the speaker is here
    bool recording = false; // a file is being written on this replica
    QString id;             // the running recording, else the last one of this stream here
    QDateTime startedAt;    // of the running recording (UTC)
    qint64 elapsedMs = 0;
    qint64 bytes = 0;
    QString error;          // why the last recording stopped on its own (disk full…), else empty

    QJsonObject toJson() const;
};

// GET /api/recordings filters; empty = any.
struct RecordingFilter
{
    QString stream;
    QDateTime from; // recordings that end at or after this
    QDateTime to;   // … and start before this
    int limit = 500;
};

} // namespace onair
