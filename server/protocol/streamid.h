#pragma once

#include <QString>

namespace onair {

// Stream ids are 1–64 characters of [A-Za-z0-9._-]. Returns an empty string when valid,
// else a human-readable reason.
QString streamIdError(QStringView id);
inline bool isValidStreamId(QStringView id) { return streamIdError(id).isEmpty(); }

// Language channels: "<stream>~<lang>" (lang: a lowercase ISO 639 code Qt's locale database
// knows, such as nl, en, de, es). A person (an interpreter) or the machine interpreter speaks
// on one; the engine's channel arbiter decides which (server/channels).
QString translatedStreamId(const QString &base, const QString &lang);
bool parseTranslatedStreamId(QStringView id, QString *base = nullptr, QString *lang = nullptr);
// Empty when `id` is a valid language channel, else why not (no '~', "~~", a channel of a
// channel, a bad stream id, an unknown language).
QString translatedStreamIdError(QStringView id);
bool isValidLanguageCode(QStringView lang);
QString languageCodeError(QStringView lang);
// streamIdError, or a language channel's: what a listener, a speaker, a page or a topic may name.
QString listenableStreamIdError(QStringView id);
inline bool isLanguageChannel(QStringView id) { return id.contains(u'~') && !id.startsWith(u'~'); }

} // namespace onair
