#pragma once

#include "recording/recordinginfo.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace onair {

// Where recordings are listed (store/SqlStore: SQLite or the replicas' shared PostgreSQL).
// Thread-safe; false / nullopt with `error` set when the database fails.
class RecordingStore
{
public:
    virtual ~RecordingStore() = default;
    virtual bool insertRecording(const RecordingInfo &r, QString *error) = 0;
    // end, duration, bytes, state, reason of r.id.
    virtual bool updateRecording(const RecordingInfo &r, QString *error) = 0;
    // An empty id when there is none.
    virtual std::optional<RecordingInfo> recording(const QString &id, QString *error) = 0;
    // Newest first.
    virtual std::optional<QList<RecordingInfo>> recordings(const RecordingFilter &filter, QString *error) = 0;
    virtual bool deleteRecording(const QString &id, QString *error) = 0;
    // The streams someone asked to record (REST, the control room): shared by the replicas, so
    // the one holding the speaker records.
    virtual bool setRecordingWanted(const QString &stream, bool wanted, QString *error) = 0;
    virtual std::optional<QStringList> recordingsWanted(QString *error) = 0;
};

} // namespace onair
