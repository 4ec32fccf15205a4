#pragma once

#include <QString>

namespace onair {

// Topic names of the events channel: "all", "file_events", "all_conversations", or
// "<namespace>:<id>" with a lowercase namespace ([a-z_]{1,32}) and an id like a stream id
// (1–64 of [A-Za-z0-9._-]). Returns an empty string when valid, else the reason.
QString topicError(const QString &topic);
inline bool isValidTopic(const QString &t) { return topicError(t).isEmpty(); }

inline const QString kTopicAll = QStringLiteral("all");
inline const QString kTopicStreams = QStringLiteral("streams"); // every stream:<id>

} // namespace onair
