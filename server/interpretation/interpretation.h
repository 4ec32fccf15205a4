#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "protocol/streamid.h"

#include <atomic>
#include <functional>
#include <memory>

namespace onair {

// Live interpretation: speech to text → translation → text to speech, on this machine.
// The engine owns the orchestration (interpreter.h); the three stages are separate, optional
// components behind these interfaces (server/stages: pocketsphinx, Apertium, espeak-ng), each
// created per stream and used from one thread at a time. Every call may block; the engine
// runs each stage on its own thread under a StageGuard (timeout, retries, circuit breaker).

// One finished utterance from the recogniser: the text and where it lay in the input audio
// (ms from the start of the stream's audio as fed).
struct RecognizedUtterance
{
    QString text;
    qint64 startMs = 0;
    qint64 endMs = 0;
};

class SpeechToText
{
public:
    virtual ~SpeechToText() = default;
    virtual QString name() const = 0;
    virtual int sampleRate() const { return 16000; }
    // Streaming recognition with voice-activity detection: feed mono s16 PCM at sampleRate()
    // of any length; utterances whose speech has ended (trailing silence, or the maximum
    // length) are appended to `done`. false with `error` when the recogniser failed.
    virtual bool feed(const qint16 *pcm, int samples, QList<RecognizedUtterance> *done, QString *error) = 0;
    // End of the stream (or a reset): finish the utterance in progress, if any.
    virtual bool finish(QList<RecognizedUtterance> *done, QString *error) = 0;
};

class Translator
{
public:
    virtual ~Translator() = default;
    virtual QString name() const = 0;
    virtual bool translate(const QString &text, QString *out, QString *error) = 0;
};

class TextToSpeech
{
public:
    virtual ~TextToSpeech() = default;
    virtual QString name() const = 0;
    // Mono s16le PCM at 48 kHz (the translated channel's rate).
    virtual bool synthesize(const QString &text, QByteArray *pcm48k, QString *error) = 0;
};

// Makes the stages. Any may be null (not built); each returns nullptr with a reason when it
// cannot serve the language (pair), e.g. no model or no Apertium mode installed.
struct InterpretationBackends
{
    std::function<std::unique_ptr<SpeechToText>(const QString &lang, QString *error)> speechToText;
    std::function<std::unique_ptr<Translator>(const QString &from, const QString &to, QString *error)> translator;
    std::function<std::unique_ptr<TextToSpeech>(const QString &lang, QString *error)> textToSpeech;
    // What is installed: source languages of the recogniser, target languages per source.
    std::function<QStringList()> sourceLanguages;
    std::function<QStringList(const QString &source)> targetLanguages;

    bool isEmpty() const { return !speechToText && !translator && !textToSpeech; }
};

// Per-stage fault injection for tests and drills (`--stage-fault`): the next `failures` calls
// fail, every call is delayed by `delayMs`. Thread-safe.
struct StageFaults
{
    std::atomic<int> failures{0};
    std::atomic<int> delayMs{0};
};

} // namespace onair
