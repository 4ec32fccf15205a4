#include "interpretation/stages/stages.h"

#include "audio/resample.h"

#include <espeak-ng/speak_lib.h>

#include <QMutex>

#include <vector>

namespace onair {
namespace {

// espeak-ng keeps one global synthesiser per process: every voice shares it under this lock.
QMutex &espeakLock()
{
    static QMutex m;
    return m;
}
int g_espeakRate = 0; // 0 = not initialised; guarded by espeakLock()

int collect(short *wav, int samples, espeak_EVENT *events)
{
    auto *out = static_cast<std::vector<qint16> *>(events ? events->user_data : nullptr);
    if (out && wav && samples > 0)
        out->insert(out->end(), wav, wav + samples);
    return 0; // continue
}

class EspeakTts final : public TextToSpeech
{
public:
    EspeakTts(QByteArray voice, int wpm) : m_voice(std::move(voice)), m_wpm(wpm) {}
    QString name() const override { return QStringLiteral("espeak-ng"); }

    bool synthesize(const QString &text, QByteArray *pcm48k, QString *error) override
    {
        std::vector<qint16> pcm;
        int rate = 0;
        {
            QMutexLocker lock(&espeakLock());
            rate = g_espeakRate;
            if (espeak_SetVoiceByName(m_voice.constData()) != EE_OK) {
                *error = QStringLiteral("espeak-ng: no voice '%1'").arg(QString::fromUtf8(m_voice));
                return false;
            }
            espeak_SetParameter(espeakRATE, m_wpm, 0);
            const QByteArray utf8 = text.toUtf8();
            const espeak_ERROR e = espeak_Synth(utf8.constData(), size_t(utf8.size()) + 1, 0, POS_CHARACTER, 0,
                                                espeakCHARS_UTF8, nullptr, &pcm);
            if (e != EE_OK || espeak_Synchronize() != EE_OK) {
                *error = QStringLiteral("espeak-ng: synthesis failed (%1)").arg(int(e));
                return false;
            }
        }
        // Trim the synthesiser's leading silence: the channel should speak as soon as it can.
        size_t first = 0;
        while (first < pcm.size() && std::abs(int(pcm[first])) < 64)
            ++first;
        if (first >= pcm.size()) {
            pcm48k->clear();
            return true;
        }
        const QByteArray raw(reinterpret_cast<const char *>(pcm.data() + first), qsizetype((pcm.size() - first) * 2));
        *pcm48k = resampleMonoS16(raw, rate, 48000, error, ResampleQuality::Medium);
        return !pcm48k->isEmpty();
    }

private:
    const QByteArray m_voice;
    const int m_wpm;
};

} // namespace

std::unique_ptr<TextToSpeech> makeEspeak(const QString &voice, int wordsPerMinute, QString *error)
{
    QMutexLocker lock(&espeakLock());
    if (g_espeakRate == 0) {
        const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nullptr, espeakINITIALIZE_DONT_EXIT);
        if (rate <= 0) {
            *error = QStringLiteral("espeak-ng: could not be initialised (no espeak-ng-data?)");
            return nullptr;
        }
        espeak_SetSynthCallback(collect);
        g_espeakRate = rate;
    }
    const QByteArray v = voice.toUtf8();
    if (espeak_SetVoiceByName(v.constData()) != EE_OK) {
        *error = QStringLiteral("espeak-ng: no voice '%1'").arg(voice);
        return nullptr;
    }
    return std::make_unique<EspeakTts>(v, wordsPerMinute);
}

} // namespace onair
