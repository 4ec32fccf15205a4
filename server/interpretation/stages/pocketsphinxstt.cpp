#include "interpretation/stages/stages.h"

#include <pocketsphinx.h>

#include <QDir>
#include <QFileInfo>

namespace onair {
namespace {

// Streaming recognition with pocketsphinx 5prealpha: one decoder, fed continuously; its
// voice-activity detector (ps_get_in_speech, its hangover set to `silenceMs`) opens an utterance
// on speech and closes it after that much non-speech (or at the maximum length), which yields
// the final hypothesis.
// The decoder is kept across utterances so cepstral mean normalisation adapts to the voice.
class PocketsphinxStt final : public SpeechToText
{
public:
    ~PocketsphinxStt() override
    {
        if (m_ps)
            ps_free(m_ps);
        if (m_config)
            cmd_ln_free_r(m_config);
    }

    bool init(const QString &modelDir, int silenceMs, int maxUtteranceMs, bool secondPass, QString *error)
    {
        const QDir dir(modelDir);
        const QString hmm = dir.filePath(QStringLiteral("en-us"));
        const QString lm = dir.filePath(QStringLiteral("en-us.lm.bin"));
        const QString dict = dir.filePath(QStringLiteral("cmudict-en-us.dict"));
        for (const QString &p : {hmm, lm, dict}) {
            if (!QFileInfo::exists(p)) {
                *error = QStringLiteral("pocketsphinx model not found: %1").arg(p);
                return false;
            }
        }
        // -fwdflat: the second (flat-lexicon) pass over each finished utterance: better
        // captions for ~250 ms more end-of-utterance latency (docs/benchmarks.md).
        const QByteArray h = hmm.toLocal8Bit(), l = lm.toLocal8Bit(), d = dict.toLocal8Bit();
        m_config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", h.constData(), "-lm", l.constData(), "-dict",
                               d.constData(), "-logfn", "/dev/null", "-fwdflat", secondPass ? "yes" : "no", "-vad_postspeech",
                               QByteArray::number(std::max(10, silenceMs / 10)).constData(), nullptr);
        if (!m_config) {
            *error = QStringLiteral("pocketsphinx: bad configuration");
            return false;
        }
        m_ps = ps_init(m_config);
        if (!m_ps) {
            *error = QStringLiteral("pocketsphinx: the model could not be loaded");
            return false;
        }
        m_maxSamples = qint64(maxUtteranceMs) * 16;
        m_hangoverSamples = qint64(std::max(10, silenceMs / 10)) * 160;
        if (ps_start_utt(m_ps) < 0) {
            *error = QStringLiteral("pocketsphinx: could not start an utterance");
            return false;
        }
        return true;
    }

    QString name() const override { return QStringLiteral("pocketsphinx"); }

    bool feed(const qint16 *pcm, int samples, QList<RecognizedUtterance> *done, QString *error) override
    {
        constexpr int kChunk = 320; // 20 ms: the VAD's decision granularity
        for (int off = 0; off < samples; off += kChunk) {
            const int n = std::min(kChunk, samples - off);
            if (ps_process_raw(m_ps, pcm + off, size_t(n), FALSE, FALSE) < 0) {
                *error = QStringLiteral("pocketsphinx: processing failed");
                restart();
                return false;
            }
            m_fed += n;
            const bool speech = ps_get_in_speech(m_ps) != 0;
            if (speech) {
                if (!m_inSpeech) {
                    m_inSpeech = true;
                    m_speechStart = m_fed - n;
                }
                m_lastSpeech = m_fed;
            }
            if (m_inSpeech
                && (!speech || m_fed - m_speechStart >= m_maxSamples)) {
                if (!endUtterance(done, error))
                    return false;
            }
        }
        return true;
    }

    bool finish(QList<RecognizedUtterance> *done, QString *error) override
    {
        if (m_inSpeech)
            return endUtterance(done, error);
        return true;
    }

private:
    bool endUtterance(QList<RecognizedUtterance> *done, QString *error)
    {
        m_inSpeech = false;
        if (ps_end_utt(m_ps) < 0) {
            *error = QStringLiteral("pocketsphinx: could not end the utterance");
            restart();
            return false;
        }
        qint32 score = 0;
        const char *hyp = ps_get_hyp(m_ps, &score);
        const QString text = QString::fromUtf8(hyp ? hyp : "").simplified();
        if (!text.isEmpty())
            // The detector stays "in speech" for its hangover after the voice stops: the
            // utterance ended that much earlier (what end-of-utterance latency counts from).
            done->append({text, m_speechStart / 16, std::max(m_speechStart, m_lastSpeech - m_hangoverSamples) / 16});
        if (ps_start_utt(m_ps) < 0) {
            *error = QStringLiteral("pocketsphinx: could not start an utterance");
            return false;
        }
        return true;
    }

    void restart()
    {
        ps_end_utt(m_ps);
        ps_start_utt(m_ps);
        m_inSpeech = false;
    }

    cmd_ln_t *m_config = nullptr;
    ps_decoder_t *m_ps = nullptr;
    qint64 m_fed = 0, m_speechStart = 0, m_lastSpeech = 0;
    qint64 m_maxSamples = 0, m_hangoverSamples = 0;
    bool m_inSpeech = false;
};

} // namespace

std::unique_ptr<SpeechToText> makePocketsphinx(const QString &modelDir, int silenceMs, int maxUtteranceMs,
                                               bool secondPass, QString *error)
{
    auto stt = std::make_unique<PocketsphinxStt>();
    if (!stt->init(modelDir, silenceMs, maxUtteranceMs, secondPass, error))
        return nullptr;
    return stt;
}

} // namespace onair
