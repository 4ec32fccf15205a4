#include "interpretation/stages/stages.h"

#include <espeak-ng/speak_lib.h>

#include <QDir>
#include <QFileInfo>

namespace onair {

namespace {
// ISO 639-1 → 639-3 of the languages Apertium's pairs are likely to have.
const QList<QPair<QString, QString>> &languageCodes()
{
    static const QList<QPair<QString, QString>> codes{
        {QStringLiteral("en"), QStringLiteral("eng")}, {QStringLiteral("es"), QStringLiteral("spa")},
        {QStringLiteral("fr"), QStringLiteral("fra")}, {QStringLiteral("de"), QStringLiteral("deu")},
        {QStringLiteral("it"), QStringLiteral("ita")}, {QStringLiteral("pt"), QStringLiteral("por")},
        {QStringLiteral("ca"), QStringLiteral("cat")}, {QStringLiteral("nl"), QStringLiteral("nld")},
        {QStringLiteral("eo"), QStringLiteral("epo")}, {QStringLiteral("gl"), QStringLiteral("glg")},
    };
    return codes;
}
} // namespace

QString iso639_3(const QString &code)
{
    for (const auto &[two, three] : languageCodes())
        if (two == code)
            return three;
    return code;
}

QString iso639_1(const QString &code)
{
    for (const auto &[two, three] : languageCodes())
        if (three == code)
            return two;
    return code;
}

InterpretationBackends defaultInterpretationBackends(const EngineConfig &config)
{
    InterpretationBackends b;
    const QString modelDir = config.sttModelDir;
    const int silenceMs = config.sttSilenceMs, maxMs = config.maxUtteranceMs;
    const bool secondPass = config.sttSecondPass != 0;
    b.speechToText = [=](const QString &lang, QString *error) -> std::unique_ptr<SpeechToText> {
        if (lang != QLatin1String("en")) {
            *error = QStringLiteral("pocketsphinx: no model for '%1' (English only)").arg(lang);
            return nullptr;
        }
        return makePocketsphinx(modelDir, silenceMs, maxMs, secondPass, error);
    };
    const QString modes = config.apertiumModesDir;
    const int timeoutMs = config.translateTimeoutMs;
    b.translator = [=](const QString &from, const QString &to, QString *error) {
        return makeApertium(modes, from, to, timeoutMs, error);
    };
    const int wpm = config.ttsWordsPerMinute;
    b.textToSpeech = [=](const QString &lang, QString *error) { return makeEspeak(lang, wpm, error); };
    b.sourceLanguages = [=] {
        return QFileInfo::exists(QDir(modelDir).filePath(QStringLiteral("en-us.lm.bin"))) ? QStringList{QStringLiteral("en")}
                                                                                             : QStringList{};
    };
    b.targetLanguages = [=](const QString &source) {
        QStringList out;
        const QStringList files = QDir(modes).entryList({QStringLiteral("*.mode")}, QDir::Files, QDir::Name);
        for (const QString &f : files) {
            const QStringList pair = f.chopped(5).split(u'-');
            if (pair.size() != 2 || iso639_1(pair[0]) != source)
                continue;
            const QString target = iso639_1(pair[1]);
            if (isValidLanguageCode(target) && !out.contains(target))
                out.append(target);
        }
        return out;
    };
    return b;
}

} // namespace onair
