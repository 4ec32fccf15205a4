#pragma once

#include "config/config.h"
#include "interpretation/interpretation.h"

namespace onair {

// The installed stages: pocketsphinx (speech to text), Apertium (translation, one long-lived
// null-flush pipeline per language pair), espeak-ng (text to speech). Built when
// ONAIR_INTERPRETATION is on (the default when their packages are present).
InterpretationBackends defaultInterpretationBackends(const EngineConfig &config);

// The pieces, for tests and tools.
std::unique_ptr<SpeechToText> makePocketsphinx(const QString &modelDir, int silenceMs, int maxUtteranceMs,
                                               bool secondPass, QString *error);
std::unique_ptr<Translator> makeApertium(const QString &modesDir, const QString &from, const QString &to,
                                         int timeoutMs, QString *error);
std::unique_ptr<TextToSpeech> makeEspeak(const QString &voice, int wordsPerMinute, QString *error);

// Apertium modes use ISO 639-3 codes ("eng-spa"); the pages and flags use 639-1 ("en-es").
// One table both ways; a code it does not know is returned as is.
QString iso639_3(const QString &code);
QString iso639_1(const QString &code);
QString apertiumMode(const QString &modesDir, const QString &from, const QString &to);

} // namespace onair
