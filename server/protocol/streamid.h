#pragma once

#include <QString>

namespace onair {

// Stream ids are 1–64 characters of [A-Za-z0-9._-]. Returns an empty string when valid,
// else a human-readable reason.
QString streamIdError(QStringView id);
inline bool isValidStreamId(QStringView id) { return streamIdError(id).isEmpty(); }

// Live interpretation's channels: "<stream>~<lang>" (lang: 2–3 lowercase ASCII letters). They
// can be listened to (and have topics) but only the engine's interpreter speaks on them.
QString translatedStreamId(const QString &base, const QString &lang);
bool parseTranslatedStreamId(QStringView id, QString *base = nullptr, QString *lang = nullptr);
bool isValidLanguageCode(QStringView lang);
// streamIdError, or a translated channel's id: what a listener, a page or a topic may name.
QString listenableStreamIdError(QStringView id);

} // namespace onair
