// Live interpretation (issue 8): speech → text → translation → speech on this machine, with
// the real stages (pocketsphinx, Apertium, espeak-ng). A known English text is synthesised by
// the espeak-ng program to a WAV, spoken into a real engine over a WebSocket and recognised,
// translated and spoken again on "<stream>~es"; then each stage is failed on purpose.
#include "audio/pcmlevel.h"
#include "engine/engine.h"
#include "fanout/hub.h"
#include "audio/opuscodec.h"
#include "audio/wavfile.h"
#include "interpretation/stages/stages.h"
#include "protocol/streamid.h"
#include "recording/recordings.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QtEndian>

#include <cmath>

using namespace onair;
using namespace onair::test;

namespace {

// espeak-ng's en-us+f2 voice at 140 wpm is what pocketsphinx's generic model hears best; the
// recogniser's cepstral normalisation needs a few seconds of a voice before it is accurate,
// so every recording starts with two warm-up sentences.
const QStringList kWarmup{QStringLiteral("Good morning everyone."), QStringLiteral("We will start the meeting in five minutes.")};
const QString kSentence = QStringLiteral("Thank you very much for coming today.");

struct Wav
{
    int rate = 0;
    QByteArray pcm; // mono s16le
};

Wav speak(const QString &text, const QString &voice = QStringLiteral("en-us+f2"))
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.wav"));
    QProcess p;
    p.start(QStringLiteral("espeak-ng"), {QStringLiteral("-v"), voice, QStringLiteral("-s"), QStringLiteral("140"),
                                          QStringLiteral("-w"), path, text});
    if (!p.waitForFinished(20000) || p.exitCode() != 0)
        return {};
    WavAudio wav;
    if (readWavFile(path, &wav) != WavError::None)
        return {};
    Wav w;
    w.rate = wav.sampleRate;
    w.pcm = monoS16(wav);
    return w;
}

// Sentences, each followed by `gapMs` of silence.
Wav speech(const QStringList &sentences, int gapMs = 900)
{
    Wav out;
    for (const QString &s : sentences) {
        const Wav w = speak(s);
        if (w.rate == 0)
            return {};
        out.rate = w.rate;
        out.pcm += w.pcm;
        out.pcm += QByteArray(qsizetype(w.rate) * gapMs / 1000 * 2, '\0');
    }
    return out;
}

QByteArray to16k(const Wav &w)
{
    // Test-side linear resampling is enough for a recogniser check.
    const auto *in = reinterpret_cast<const qint16 *>(w.pcm.constData());
    const qsizetype n = w.pcm.size() / 2;
    const qsizetype outN = n * 16000 / w.rate;
    QByteArray out(outN * 2, Qt::Uninitialized);
    auto *o = reinterpret_cast<qint16 *>(out.data());
    for (qsizetype i = 0; i < outN; ++i) {
        const double pos = double(i) * w.rate / 16000.0;
        const qsizetype k = qsizetype(pos);
        const double frac = pos - double(k);
        const double a = in[std::min(k, n - 1)], b = in[std::min(k + 1, n - 1)];
        o[i] = qint16(a + (b - a) * frac);
    }
    return out;
}

QString captionsOf(const QList<QJsonObject> &events, const QString &lang)
{
    QStringList out;
    for (const QJsonObject &e : events) {
        const QJsonObject d = e.value(QLatin1String("data")).toObject();
        if (d.value(QLatin1String("event")).toString() == QLatin1String("caption")
            && d.value(QLatin1String("lang")).toString() == lang)
            out.append(d.value(QLatin1String("text")).toString());
    }
    return out.join(u" | ");
}

QJsonObject sessionOf(Engine &engine, const QString &stream)
{
    for (const QJsonValue &v : engine.interpretationJson().value(QLatin1String("sessions")).toArray())
        if (v.toObject().value(QLatin1String("stream_id")).toString() == stream)
            return v.toObject();
    return {};
}

QJsonObject channelOf(Engine &engine, const QString &stream, const QString &lang)
{
    for (const QJsonValue &v : sessionOf(engine, stream).value(QLatin1String("channels")).toArray())
        if (v.toObject().value(QLatin1String("lang")).toString() == lang)
            return v.toObject();
    return {};
}

QJsonObject stageOf(Engine &engine, const QString &stream, const QString &stage)
{
    for (const QJsonValue &v : sessionOf(engine, stream).value(QLatin1String("stages")).toArray())
        if (v.toObject().value(QLatin1String("stage")).toString() == stage)
            return v.toObject();
    return {};
}

// The engine's row for a language channel (Engine::languageChannels).
QJsonObject channelOfFloor(Engine &engine, const QString &channel)
{
    for (const QJsonValue &v : engine.languageChannels())
        if (v.toObject().value(QLatin1String("stream_id")).toString() == channel)
            return v.toObject();
    return {};
}

// A speaker sending a WAV as 20 ms PCM frames at (about) real time.
class WavSpeaker
{
public:
    WavSpeaker(TestServer &server, const QString &stream, const Wav &wav) : m_wav(wav)
    {
        ok = client.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/") + stream));
        client.socket.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("hello")},
            {QStringLiteral("format"), QJsonObject{{QStringLiteral("codec"), QStringLiteral("pcm")},
                                                   {QStringLiteral("sample_rate"), wav.rate},
                                                   {QStringLiteral("channels"), 1},
                                                   {QStringLiteral("sample_format"), QStringLiteral("s16le")},
                                                   {QStringLiteral("frame_ms"), 20}}}}).toJson(QJsonDocument::Compact)));
        m_frameBytes = wav.rate / 50 * 2;
        m_clock.start();
    }
    // Sends what is due; true while there is more.
    bool pump()
    {
        const qint64 due = m_clock.elapsed() / 20 + 1;
        while (m_sent < due && m_offset < m_wav.pcm.size()) {
            client.socket.sendBinaryMessage(m_wav.pcm.mid(m_offset, m_frameBytes));
            m_offset += m_frameBytes;
            ++m_sent;
        }
        return m_offset < m_wav.pcm.size();
    }
    // Speaks the whole file in real time (or until stopEarly()).
    void sendAll(const std::function<bool()> &stopEarly = {})
    {
        const int lengthMs = int(m_wav.pcm.size() * 1000 / (2 * qMax(1, m_wav.rate)));
        (void)QTest::qWaitFor([&] { return !pump() || (stopEarly && stopEarly()); }, lengthMs + 10000);
    }
    // Speaks for `ms` (a duration the test wants, not a synchronisation).
    void speakFor(int ms)
    {
        QTimer timer;
        QObject::connect(&timer, &QTimer::timeout, &client, [this] { pump(); });
        timer.start(5);
        QTest::qWait(ms);
    }
    qint64 framesSent() const { return m_sent; }

    WsClient client;
    bool ok = false;

private:
    const Wav m_wav;
    qsizetype m_offset = 0;
    qint64 m_sent = 0;
    int m_frameBytes = 0;
    QElapsedTimer m_clock;
};

// Decodes a translated channel's Opus frames; returns (seconds of audio, seconds louder than
// -40 dBFS).
QPair<double, double> measure(const QList<QByteArray> &packets)
{
    OpusFrameDecoder dec;
    QString error;
    dec.open(48000, 1, &error);
    double total = 0, loud = 0;
    for (const QByteArray &p : packets) {
        const QByteArray pcm = dec.decode(p);
        const double secs = double(pcm.size()) / 2 / 48000;
        total += secs;
        if (pcmRms(pcm) > 327)
            loud += secs;
    }
    return {total, loud};
}

// Under a sanitizer (scripts/sanitize.sh sets ONAIR_SANITIZER) everything runs 5-15x slower:
// the recogniser may not keep up with real time, so it gets a longer backlog and the waits
// for captions are longer. The falling-behind fallback itself is tested with an injected delay.
bool underSanitizer()
{
    return qEnvironmentVariableIsSet("ONAIR_SANITIZER");
}

int waitMs(int ms)
{
    return underSanitizer() ? ms * 4 : ms;
}

EngineConfig interpretingConfig()
{
    EngineConfig c = testConfig();
    c.translateTargets = {QStringLiteral("es")};
    if (underSanitizer())
        c.sttMaxBacklogMs = 60000;
    return c;
}

// Stand-in stages that answer slowly and cannot be interrupted (like a recogniser busy
// decoding): every feed takes 100 ms and recognises "hello world".
class SlowRecognizer final : public SpeechToText
{
public:
    QString name() const override { return QStringLiteral("slow stand-in"); }
    bool feed(const qint16 *, int samples, QList<RecognizedUtterance> *done, QString *) override
    {
        QThread::msleep(100);
        const qint64 start = m_fedMs;
        m_fedMs += qint64(samples) * 1000 / sampleRate();
        done->append({QStringLiteral("hello world"), start, m_fedMs});
        return true;
    }
    bool finish(QList<RecognizedUtterance> *, QString *) override { return true; }

private:
    qint64 m_fedMs = 0;
};

class SlowTranslator final : public Translator
{
public:
    explicit SlowTranslator(QString to) : m_to(std::move(to)) {}
    QString name() const override { return QStringLiteral("slow stand-in"); }
    bool translate(const QString &text, QString *out, QString *) override
    {
        QThread::msleep(30);
        *out = u'[' + m_to + u"] " + text;
        return true;
    }

private:
    QString m_to;
};

class SlowVoice final : public TextToSpeech
{
public:
    QString name() const override { return QStringLiteral("slow stand-in"); }
    bool synthesize(const QString &, QByteArray *pcm48k, QString *) override
    {
        QThread::msleep(30);
        *pcm48k = QByteArray(48000 / 5 * 2, '\x10'); // 200 ms
        return true;
    }
};

// The first translation in the process hangs for 8 s and cannot be interrupted (a stage that
// hangs); every other one is quick.
struct HangOnce
{
    static inline std::atomic<bool> armed{false}, entered{false}, returned{false};
};

class HangingTranslator final : public Translator
{
public:
    explicit HangingTranslator(QString to) : m_inner(std::move(to)) {}
    QString name() const override { return QStringLiteral("hanging stand-in"); }
    bool translate(const QString &text, QString *out, QString *error) override
    {
        if (HangOnce::armed.exchange(false)) {
            HangOnce::entered = true;
            QThread::msleep(8000);
            HangOnce::returned = true;
        }
        return m_inner.translate(text, out, error);
    }

private:
    SlowTranslator m_inner;
};

InterpretationBackends slowStandIns(bool hangOnce = false)
{
    InterpretationBackends b;
    b.speechToText = [](const QString &, QString *) { return std::make_unique<SlowRecognizer>(); };
    if (hangOnce)
        b.translator = [](const QString &, const QString &to, QString *) { return std::make_unique<HangingTranslator>(to); };
    else
        b.translator = [](const QString &, const QString &to, QString *) { return std::make_unique<SlowTranslator>(to); };
    b.textToSpeech = [](const QString &, QString *) { return std::make_unique<SlowVoice>(); };
    b.sourceLanguages = [] { return QStringList{QStringLiteral("en")}; };
    b.targetLanguages = [](const QString &) { return QStringList{QStringLiteral("es"), QStringLiteral("fr")}; };
    return b;
}

Wav tone(int seconds)
{
    Wav w;
    w.rate = 48000;
    w.pcm.resize(qsizetype(w.rate) * seconds * 2);
    auto *s = reinterpret_cast<qint16 *>(w.pcm.data());
    for (qsizetype i = 0; i < qsizetype(w.rate) * seconds; ++i)
        s[i] = qint16(8000 * std::sin(2 * M_PI * 440 * double(i) / w.rate));
    return w;
}

} // namespace

class TestInterpretation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        ONAIR_SKIP_WITHOUT("espeak-ng");
        QVERIFY2(speak(QStringLiteral("hello")).rate > 0, "espeak-ng did not make a WAV file");
    }

    // Each stage alone, on the known sentence.
    void stagesDirect()
    {
        QString error;
        auto stt = makePocketsphinx(EngineConfig().sttModelDir, 500, 12000, true, &error);
        QVERIFY2(stt, qPrintable(error));
        const Wav w = speech(QStringList(kWarmup) << kSentence);
        QVERIFY(w.rate > 0);
        const QByteArray pcm = to16k(w);
        QList<RecognizedUtterance> done;
        QVERIFY2(stt->feed(reinterpret_cast<const qint16 *>(pcm.constData()), int(pcm.size() / 2), &done, &error), qPrintable(error));
        QVERIFY(stt->finish(&done, &error));
        QVERIFY2(done.size() >= 2, "the silences between sentences end utterances");
        const QString last = done.last().text;
        qInfo("recognised: %s", qPrintable(last));
        QVERIFY2(last.contains(QLatin1String("thank you")) && last.contains(QLatin1String("today")), qPrintable(last));
        QVERIFY(done.last().endMs > done.last().startMs);

        auto mt = makeApertium(EngineConfig().apertiumModesDir, QStringLiteral("en"), QStringLiteral("es"), 5000, &error);
        QVERIFY2(mt, qPrintable(error));
        QString es;
        QVERIFY2(mt->translate(kSentence, &es, &error), qPrintable(error));
        qInfo("translated: %s", qPrintable(es));
        QVERIFY2(es.contains(QStringLiteral("gracias")) && es.contains(QLatin1String("hoy")), qPrintable(es));
        QVERIFY(mt->translate(kWarmup.last(), &es, &error));
        QVERIFY2(es.contains(QStringLiteral("reunión")) && es.contains(QLatin1String("minutos")), qPrintable(es));
        // The pipeline stays up between sentences, and the stream format's reserved characters
        // in the text neither break nor leak into the answer.
        QVERIFY(mt->translate(QStringLiteral("Good morning [everyone] $5 ^ <b> @home / \\ {x}"), &es, &error));
        QVERIFY2(es.contains(QStringLiteral("Buenos días")), qPrintable(es));
        QVERIFY(mt->translate(QStringLiteral("thank you very much"), &es, &error));
        QVERIFY2(es.contains(QStringLiteral("gracias")), qPrintable(es));

        auto tts = makeEspeak(QStringLiteral("es"), 170, &error);
        QVERIFY2(tts, qPrintable(error));
        QByteArray out;
        QVERIFY2(tts->synthesize(QStringLiteral("Empezaremos la reunión en cinco minutos"), &out, &error), qPrintable(error));
        const double secs = double(out.size()) / 2 / 48000;
        QVERIFY2(secs > 1.0 && secs < 5.0, qPrintable(QString::number(secs)));
        QVERIFY(pcmRms(out) > 1000);

        QVERIFY(!makeApertium(EngineConfig().apertiumModesDir, QStringLiteral("en"), QStringLiteral("xx"), 1000, &error));
        QVERIFY2(error.contains(QLatin1String("no en-xx mode")), qPrintable(error));
        QVERIFY(!makePocketsphinx(QStringLiteral("/nonexistent"), 500, 12000, true, &error));
        QVERIFY(error.contains(QLatin1String("model not found")));
    }

    void translatedChannelIds()
    {
        QString base, lang;
        QVERIFY(parseTranslatedStreamId(u"main~es", &base, &lang));
        QCOMPARE(base, QStringLiteral("main"));
        QCOMPARE(lang, QStringLiteral("es"));
        for (const char *bad : {"~es", "main~", "main~ES", "main~e", "main~espa", "a/b~es", "main~es~fr", "~probe"})
            QVERIFY2(!parseTranslatedStreamId(QString::fromLatin1(bad)), bad);
        QVERIFY(listenableStreamIdError(u"main~es").isEmpty());
        QVERIFY(!streamIdError(u"main~es").isEmpty());

        TestServer server(interpretingConfig(), {}, defaultInterpretationBackends(interpretingConfig()));
        QCOMPARE(httpGet(server.port(), QStringLiteral("/listen/main~es")).status, 200);
        const HttpReply speakPage = httpGet(server.port(), QStringLiteral("/speak/main~es"));
        QCOMPARE(speakPage.status, 400);
        QVERIFY(speakPage.body.contains("invalid_stream_id"));
        // A person may speak on a language channel (issue 21: a human interpreter).
        WsClient speaker;
        QVERIFY(speaker.openAndWaitConnected(server.ws(QStringLiteral("/ws/speak/main~es")), 3000));
        QCOMPARE(speaker.lastJsonOfType(QStringLiteral("connected")).value(QLatin1String("channel")).toObject()
                     .value(QLatin1String("lang")).toString(), QStringLiteral("es"));
        speaker.socket.close();
        QVERIFY(speaker.waitDisconnected());
        WsClient listener;
        QVERIFY(listener.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main~es"))));
        WsClient events;
        QVERIFY(events.openAndWaitConnected(server.ws(QStringLiteral("/ws/events"))));
        QVERIFY(events.subscribe({QStringLiteral("stream:main~es")}));
        QString error;
        QVERIFY(!server.engine().setInterpretation(QStringLiteral("main"), QStringLiteral("en"), {QStringLiteral("en")}, &error));
        QVERIFY(error.contains(QLatin1String("source")));
        QVERIFY(!server.engine().setInterpretation(QStringLiteral("main"), QStringLiteral("en"), {QStringLiteral("ES!")}, &error));
        QVERIFY(!server.engine().setInterpretation(QStringLiteral("a/b"), QStringLiteral("en"), {QStringLiteral("es")}, &error));
        QVERIFY(server.engine().setInterpretation(QStringLiteral("other"), QStringLiteral("en"), {}, &error));
        QCOMPARE(server.engine().interpretationOf(QStringLiteral("other")).second, QStringList());
        QCOMPARE(server.engine().interpretationOf(QStringLiteral("main")).second, QStringList{QStringLiteral("es")});
        const QJsonObject health = server.engine().healthJson().value(QLatin1String("interpretation")).toObject();
        QVERIFY(health.value(QLatin1String("available")).toBool());
        QVERIFY(health.value(QLatin1String("languages")).toObject().value(QLatin1String("en")).toArray().contains(QStringLiteral("es")));
    }

    // The whole chain over real sockets: an English speaker on "main", Spanish on "main~es",
    // captions on stream:main.
    void speechToTranslatedSpeech()
    {
        EngineConfig config = interpretingConfig();
        config.recordStreams = {QStringLiteral("main~es")}; // --record main~es (issue 20)
        TestServer server(config, {}, defaultInterpretationBackends(config));
        const Wav w = speech(QStringList(kWarmup) << kSentence);
        QVERIFY(w.rate > 0);
        WsClient events;
        QVERIFY(events.openAndWaitConnected(server.ws(QStringLiteral("/ws/events"))));
        QVERIFY(events.subscribe({QStringLiteral("stream:main")}));
        WsClient original;
        QVERIFY(original.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));

        WavSpeaker speaker(server, QStringLiteral("main"), w);
        QVERIFY(speaker.ok);
        // The translated channel goes on air with the speaker.
        QTRY_VERIFY_WITH_TIMEOUT(server.engine().hub()->hasSpeaker(QStringLiteral("main~es")), 5000);
        WsClient spanish;
        QVERIFY(spanish.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main~es"))));
        speaker.sendAll();
        if (qEnvironmentVariableIsSet("ONAIR_DEBUG_INTERP")) {
            QTest::qWait(8000); // debugging aid only: let everything happen, then print it
            for (const QJsonObject &e : std::as_const(events.json))
                qInfo("event %s", QJsonDocument(e).toJson(QJsonDocument::Compact).constData());
            qInfo("%s", QJsonDocument(server.engine().interpretationJson()).toJson().constData());
        }
        QTRY_VERIFY_WITH_TIMEOUT(captionsOf(events.json, QStringLiteral("es")).contains(QStringLiteral("hoy")), waitMs(20000));
        const QString en = captionsOf(events.json, QStringLiteral("en"));
        const QString es = captionsOf(events.json, QStringLiteral("es"));
        qInfo("captions en: %s", qPrintable(en));
        qInfo("captions es: %s", qPrintable(es));
        // The key sentence (after the warm-up, whose recognition varies with where in it the
        // interpreter joined): its key words, and their Spanish.
        QVERIFY2(en.contains(QLatin1String("thank you")) && en.contains(QLatin1String("today")), qPrintable(en));
        QVERIFY2(es.contains(QStringLiteral("gracias")) && es.contains(QLatin1String("hoy")), qPrintable(es));
        // Translated captions carry their original's utterance number and the channel.
        QJsonObject lastEs;
        for (const QJsonObject &e : std::as_const(events.json))
            if (e.value(QLatin1String("data")).toObject().value(QLatin1String("lang")).toString() == QLatin1String("es"))
                lastEs = e.value(QLatin1String("data")).toObject();
        QCOMPARE(lastEs.value(QLatin1String("channel")).toString(), QStringLiteral("main~es"));
        QCOMPARE(lastEs.value(QLatin1String("source_lang")).toString(), QStringLiteral("en"));
        QVERIFY(lastEs.value(QLatin1String("utterance")).toInt() >= 2);

        // Spanish speech: wait for the translated audio to be played out, then measure.
        QTRY_VERIFY_WITH_TIMEOUT(channelOf(server.engine(), QStringLiteral("main"), QStringLiteral("es"))
                                         .value(QLatin1String("utterances_spoken")).toInt() >= 2, 10000);
        QTest::qWait(4000); // the Spanish speech plays out in real time: measured over this window
        // A listener joining an interpreted channel learns its format in "connected".
        const QJsonObject fmt = spanish.lastJsonOfType(QStringLiteral("connected")).value(QLatin1String("format")).toObject();
        QCOMPARE(fmt.value(QLatin1String("codec")).toString(), QStringLiteral("opus"));
        QCOMPARE(fmt.value(QLatin1String("translation_of")).toString(), QStringLiteral("main"));
        const auto [total, loud] = measure(spanish.binary);
        qInfo("main~es: %.1f s of audio, %.1f s of speech", total, loud);
        // "Buenos días a todos. Muchas gracias por venir hoy. Empezaremos la reunión en cinco
        // minutos." at 170 wpm: several seconds of speech, not a blip, not a loop.
        QVERIFY2(loud > 2.0 && loud < 15.0, qPrintable(QString::number(loud)));
        QVERIFY(total >= loud);

        // The original was not held up: every frame reached its listener.
        QTRY_COMPARE_WITH_TIMEOUT(qint64(original.binary.size()), speaker.framesSent(), 5000);

        const QJsonObject ch = channelOf(server.engine(), QStringLiteral("main"), QStringLiteral("es"));
        QCOMPARE(ch.value(QLatin1String("mode")).toString(), QStringLiteral("speech"));
        const double e2a = ch.value(QLatin1String("end_to_audio_ms")).toObject().value(QLatin1String("p50")).toDouble();
        qInfo("end of utterance → translated audio, p50 %.0f ms", e2a);
        QVERIFY(e2a > 0 && e2a < 10000);
        for (const char *stage : {"speech_to_text", "translator", "text_to_speech"}) {
            const QJsonObject st = stageOf(server.engine(), QStringLiteral("main"), QString::fromLatin1(stage));
            QCOMPARE(st.value(QLatin1String("state")).toString(), QStringLiteral("closed"));
            QVERIFY2(st.value(QLatin1String("latency_ms")).toObject().value(QLatin1String("p50")).toDouble() > 0, stage);
        }

        // /api/streams links the channel and its stream.
        const QJsonArray streams = QJsonDocument::fromJson(httpGet(server.port(), QStringLiteral("/api/streams")).body)
                                       .object().value(QLatin1String("streams")).toArray();
        bool linked = false, listed = false;
        for (const QJsonValue &v : streams) {
            const QJsonObject s = v.toObject();
            if (s.value(QLatin1String("id")).toString() == QLatin1String("main"))
                linked = s.value(QLatin1String("translations")).toArray().first().toObject().value(QLatin1String("stream_id")).toString() == QLatin1String("main~es");
            if (s.value(QLatin1String("id")).toString() == QLatin1String("main~es"))
                listed = s.value(QLatin1String("translation_of")).toString() == QLatin1String("main");
        }
        QVERIFY(linked);
        QVERIFY(listed);

        // --record main~es: the Spanish channel is recorded like any stream, in Ogg Opus, with
        // the captions (original and translated) on its timeline.
        const RecordingStatus rec = server.engine().recordings()->status(QStringLiteral("main~es"));
        QVERIFY(rec.recording);
        QVERIFY(rec.elapsedMs > 3000);
        QTest::qWait(700); // the timeline reaches the file every 500 ms
        QString recError;
        const auto recInfo = server.engine().recordings()->find(rec.id, &recError);
        QVERIFY2(recInfo && recInfo->stream == QLatin1String("main~es"), qPrintable(recError));
        QFile recFile(recInfo->path);
        QVERIFY(recFile.open(QIODevice::ReadOnly));
        QVERIFY(recFile.read(4) == "OggS" && recFile.size() > 4000);
        QSet<QString> captionLangs;
        for (const QJsonValue &line : Recordings::readTimeline(recInfo->timelinePath()))
            if (line.toObject().value(QLatin1String("type")).toString() == QLatin1String("caption"))
                captionLangs.insert(line.toObject().value(QLatin1String("lang")).toString());
        QCOMPARE(captionLangs, (QSet<QString>{QStringLiteral("en"), QStringLiteral("es")}));

        // Off air: the channel ends too.
        speaker.client.socket.close();
        QTRY_VERIFY_WITH_TIMEOUT(spanish.lastJsonOfType(QStringLiteral("speaker_left")).size() > 0, waitMs(25000));
        QTRY_VERIFY_WITH_TIMEOUT(sessionOf(server.engine(), QStringLiteral("main")).isEmpty(), 5000);
    }

    // Failing stages: the original never stalls, the channel falls back, health says which.
    // Issue 21: a human interpreter takes the Spanish channel from the machine, and the
    // machine takes it back the moment they leave.
    void personTakesOverFromTheMachine()
    {
        const EngineConfig c = interpretingConfig();
        TestServer server(c, {}, defaultInterpretationBackends(c));
        const Wav w = speech(QStringList(kWarmup) << kSentence << kSentence << kSentence);
        WsClient events;
        QVERIFY(events.openAndWaitConnected(server.ws(QStringLiteral("/ws/events"))));
        QVERIFY(events.subscribe({QStringLiteral("stream:main")}));
        WavSpeaker speaker(server, QStringLiteral("main"), w);
        QTimer pump;
        QObject::connect(&pump, &QTimer::timeout, &speaker.client, [&speaker] { speaker.pump(); });
        pump.start(5);
        QTRY_VERIFY_WITH_TIMEOUT(server.engine().hub()->hasSpeaker(QStringLiteral("main~es")), 5000);
        WsClient spanish;
        QList<QPair<qint64, QByteArray>> frames;
        QElapsedTimer clock;
        clock.start();
        QObject::connect(&spanish.socket, &QWebSocket::binaryMessageReceived, &spanish.socket,
                         [&](const QByteArray &b) { frames.append({clock.elapsed(), b}); });
        QVERIFY(spanish.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main~es"))));
        auto source = [&] { return spanish.lastJsonOfType(QStringLiteral("channel_source")).value(QLatin1String("source")).toString(); };
        QTRY_COMPARE_WITH_TIMEOUT(source(), QStringLiteral("machine"), 3000);
        QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= 25, 3000);

        auto person = std::make_unique<ToneSpeaker>(server.ws(QStringLiteral("/ws/speak/main~es")), 660);
        QVERIFY(person->ok());
        QTRY_COMPARE_WITH_TIMEOUT(source(), QStringLiteral("human"), 3000);
        const qsizetype eventsAtHuman = events.json.size();
        const auto firstHuman = [&] {
            for (qsizetype i = 0; i < frames.size(); ++i)
                if (person->sentPackets.contains(frames[i].second))
                    return i;
            return qsizetype(-1);
        };
        QTRY_VERIFY_WITH_TIMEOUT(firstHuman() >= 0 && frames.size() - firstHuman() >= 50, 5000);
        const qsizetype from = firstHuman();
        qsizetype machineAfter = 0;
        for (qsizetype i = from; i < frames.size(); ++i)
            machineAfter += person->sentPackets.contains(frames[i].second) ? 0 : 1;
        QCOMPARE(machineAfter, 0); // byte-identical, and nothing of the machine meanwhile
        qInfo("machine -> person: %lld ms between frames", frames[from].first - frames[from - 1].first);
        QCOMPARE(channelOfFloor(server.engine(), QStringLiteral("main~es")).value(QLatin1String("source")).toString(), QStringLiteral("human"));

        // The floor is still recognised while the person interprets: its captions keep flowing.
        QTRY_VERIFY_WITH_TIMEOUT(!captionsOf(events.json.mid(eventsAtHuman), QStringLiteral("en")).isEmpty(), waitMs(15000));
        QCOMPARE(source(), QStringLiteral("human"));

        const QSet<QByteArray> personPackets = person->sentPackets;
        const qsizetype before = frames.size();
        person->stop();
        QTRY_COMPARE_WITH_TIMEOUT(source(), QStringLiteral("machine"), 3000);
        QTRY_VERIFY_WITH_TIMEOUT(frames.size() - before >= 25, 5000);
        qint64 lastHuman = -1, gap = -1;
        for (qsizetype i = qMax<qsizetype>(0, before - 5); i < frames.size() && gap < 0; ++i) {
            if (personPackets.contains(frames[i].second))
                lastHuman = frames[i].first;
            else if (lastHuman >= 0)
                gap = frames[i].first - lastHuman;
        }
        qInfo("person -> machine: %lld ms between the last person frame and the machine's next", gap);
        QVERIFY2(gap >= 0 && gap <= 100, qPrintable(QString::number(gap)));
        const QJsonObject ch = channelOfFloor(server.engine(), QStringLiteral("main~es"));
        QCOMPARE(ch.value(QLatin1String("source")).toString(), QStringLiteral("machine"));
        QVERIFY(ch.value(QLatin1String("machine")).toBool());
    }

    void textToSpeechFailsCaptionsOnly()
    {
        EngineConfig c = interpretingConfig();
        c.stageBreakerThreshold = 1;
        c.stageBreakerCooldownMs = 60000;
        TestServer server(c, {}, defaultInterpretationBackends(c));
        server.engine().stageFaults(QStringLiteral("text_to_speech"))->failures = 1000;
        const Wav w = speech(QStringList(kWarmup) << kSentence);
        WsClient events;
        QVERIFY(events.openAndWaitConnected(server.ws(QStringLiteral("/ws/events"))));
        QVERIFY(events.subscribe({QStringLiteral("stream:main")}));
        WsClient original;
        QVERIFY(original.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
        WavSpeaker speaker(server, QStringLiteral("main"), w);
        QTRY_VERIFY_WITH_TIMEOUT(server.engine().hub()->hasSpeaker(QStringLiteral("main~es")), 5000);
        WsClient spanish;
        QVERIFY(spanish.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main~es"))));
        speaker.sendAll();
        QTRY_VERIFY_WITH_TIMEOUT(captionsOf(events.json, QStringLiteral("es")).contains(QLatin1String("hoy")), waitMs(20000));
        const QJsonObject ch = channelOf(server.engine(), QStringLiteral("main"), QStringLiteral("es"));
        QCOMPARE(ch.value(QLatin1String("mode")).toString(), QStringLiteral("captions_only"));
        QVERIFY(ch.value(QLatin1String("reason")).toString().contains(QLatin1String("speech synthesis")));
        const QJsonObject tts = stageOf(server.engine(), QStringLiteral("main"), QStringLiteral("text_to_speech"));
        QCOMPARE(tts.value(QLatin1String("state")).toString(), QStringLiteral("open"));
        QVERIFY(tts.value(QLatin1String("last_error")).toString().contains(QLatin1String("injected")));
        // Health reports it; the channel carries silence, not speech.
        const QJsonObject health = server.engine().healthJson();
        QCOMPARE(health.value(QLatin1String("status")).toString(), QStringLiteral("degraded"));
        QVERIFY(QJsonDocument(health.value(QLatin1String("reasons")).toArray()).toJson().contains("captions_only"));
        QVERIFY(spanish.binary.size() > 100);
        QCOMPARE(measure(spanish.binary).second, 0.0);
        QTRY_COMPARE_WITH_TIMEOUT(qint64(original.binary.size()), speaker.framesSent(), 5000);
        // The mode change was announced on the stream's topic.
        bool announced = false;
        for (const QJsonObject &e : std::as_const(events.json)) {
            const QJsonObject d = e.value(QLatin1String("data")).toObject();
            if (d.value(QLatin1String("event")).toString() == QLatin1String("interpretation"))
                announced |= d.value(QLatin1String("channels")).toArray().first().toObject().value(QLatin1String("mode")).toString() == QLatin1String("captions_only");
        }
        QVERIFY(announced);
    }

    void translatorFailsOriginalAudioThenRecovers()
    {
        EngineConfig c = interpretingConfig();
        c.stageBreakerThreshold = 1;
        c.stageBreakerCooldownMs = 1500;
        TestServer server(c, {}, defaultInterpretationBackends(c));
        const Wav w = speech(QStringList(kWarmup) << kSentence << kSentence);
        WsClient events;
        QVERIFY(events.openAndWaitConnected(server.ws(QStringLiteral("/ws/events"))));
        QVERIFY(events.subscribe({QStringLiteral("stream:main")}));
        WsClient original;
        QVERIFY(original.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
        WavSpeaker speaker(server, QStringLiteral("main"), w);
        QTRY_VERIFY_WITH_TIMEOUT(server.engine().hub()->hasSpeaker(QStringLiteral("main~es")), 5000);
        WsClient spanish;
        QVERIFY(spanish.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main~es"))));
        // Every attempt fails (first try and retry) for the first utterance.
        server.engine().stageFaults(QStringLiteral("translator"))->failures = 2;
        bool sawOriginal = false;
        speaker.sendAll([&] {
            const QJsonObject ch = channelOf(server.engine(), QStringLiteral("main"), QStringLiteral("es"));
            sawOriginal |= ch.value(QLatin1String("mode")).toString() == QLatin1String("original_audio");
            return false;
        });
        QVERIFY2(sawOriginal, "the channel relays the original while the translator's circuit is open");
        // The original speaker's voice went out on main~es meanwhile (not silence)…
        QVERIFY(measure(spanish.binary).second > 0.3);
        // …and after the cooldown a trial closed the circuit: later sentences are translated.
        QTRY_VERIFY_WITH_TIMEOUT(captionsOf(events.json, QStringLiteral("es")).contains(QLatin1String("hoy")), waitMs(20000));
        QTRY_COMPARE_WITH_TIMEOUT(channelOf(server.engine(), QStringLiteral("main"), QStringLiteral("es")).value(QLatin1String("mode")).toString(),
                                  QStringLiteral("speech"), 10000);
        const QJsonObject mt = stageOf(server.engine(), QStringLiteral("main"), QStringLiteral("translator"));
        QVERIFY(mt.value(QLatin1String("failures")).toInt() >= 1);
        QVERIFY(mt.value(QLatin1String("retries")).toInt() >= 1);
        QTRY_COMPARE_WITH_TIMEOUT(qint64(original.binary.size()), speaker.framesSent(), 5000);
    }

    void translatorProcessKilledIsRestarted()
    {
        TestServer server(interpretingConfig(), {}, defaultInterpretationBackends(interpretingConfig()));
        const Wav w = speech(QStringList(kWarmup) << kSentence << kSentence);
        WsClient events;
        QVERIFY(events.openAndWaitConnected(server.ws(QStringLiteral("/ws/events"))));
        QVERIFY(events.subscribe({QStringLiteral("stream:main")}));
        WavSpeaker speaker(server, QStringLiteral("main"), w);
        QVERIFY(speaker.ok);
        bool killed = false;
        qsizetype before = 0;
        auto esCount = [&] { return captionsOf(events.json, QStringLiteral("es")).split(QStringLiteral(" | "), Qt::SkipEmptyParts).size(); };
        speaker.sendAll([&] {
            // After the first translated caption, kill -9 the Apertium pipeline's first program.
            if (!killed && esCount() > 0) {
                killed = true;
                before = esCount();
                QProcess::execute(QStringLiteral("pkill"), {QStringLiteral("-9"), QStringLiteral("-f"), QStringLiteral("eng-spa.automorf.bin")});
            }
            return false;
        });
        QVERIFY2(killed, "a first translation arrived before the end");
        // Later utterances are translated again (the dead pipeline was restarted by a retry).
        QTRY_VERIFY_WITH_TIMEOUT(esCount() >= before + 2, waitMs(20000));
        QVERIFY(captionsOf(events.json, QStringLiteral("es")).contains(QLatin1String("hoy")));
        const QJsonObject mt = stageOf(server.engine(), QStringLiteral("main"), QStringLiteral("translator"));
        qInfo("translator after kill: %s", QJsonDocument(mt).toJson(QJsonDocument::Compact).constData());
        QVERIFY(mt.value(QLatin1String("retries")).toInt() >= 1);
        QCOMPARE(mt.value(QLatin1String("state")).toString(), QStringLiteral("closed"));
    }

    void recogniserFallsBehindOriginalAudio()
    {
        EngineConfig c = interpretingConfig();
        c.stageBreakerThreshold = 1;
        c.stageBreakerCooldownMs = 60000;
        c.sttMaxBacklogMs = 1000;
        TestServer server(c, {}, defaultInterpretationBackends(c));
        // Every 100 ms chunk takes 300 ms: the recogniser falls behind within a second.
        server.engine().stageFaults(QStringLiteral("speech_to_text"))->delayMs = 300;
        const Wav w = speech(QStringList(kWarmup) << kSentence);
        WsClient original;
        QVERIFY(original.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main"))));
        WavSpeaker speaker(server, QStringLiteral("main"), w);
        QTRY_VERIFY_WITH_TIMEOUT(server.engine().hub()->hasSpeaker(QStringLiteral("main~es")), 5000);
        WsClient spanish;
        QVERIFY(spanish.openAndWaitConnected(server.ws(QStringLiteral("/ws/listen/main~es"))));
        speaker.sendAll();
        const QJsonObject ch = channelOf(server.engine(), QStringLiteral("main"), QStringLiteral("es"));
        QCOMPARE(ch.value(QLatin1String("mode")).toString(), QStringLiteral("original_audio"));
        QVERIFY(ch.value(QLatin1String("reason")).toString().contains(QLatin1String("speech recognition")));
        const QJsonObject stt = stageOf(server.engine(), QStringLiteral("main"), QStringLiteral("speech_to_text"));
        QVERIFY(stt.value(QLatin1String("timeouts")).toInt() >= 1);
        QVERIFY(stt.value(QLatin1String("dropped")).toInt() >= 1);
        QVERIFY(measure(spanish.binary).second > 1.0); // the speaker, relayed
        QTRY_COMPARE_WITH_TIMEOUT(qint64(original.binary.size()), speaker.framesSent(), 5000);
        server.engine().stageFaults(QStringLiteral("speech_to_text"))->delayMs = 0;
    }

    void recogniserUnavailable()
    {
        EngineConfig c = interpretingConfig();
        c.sttModelDir = QStringLiteral("/nonexistent-model");
        TestServer server(c, {}, defaultInterpretationBackends(c));
        WavSpeaker speaker(server, QStringLiteral("main"), speech({QStringLiteral("Hello.")}));
        QVERIFY(speaker.ok);
        speaker.sendAll();
        QTRY_COMPARE_WITH_TIMEOUT(stageOf(server.engine(), QStringLiteral("main"), QStringLiteral("speech_to_text"))
                                      .value(QLatin1String("state")).toString(), QStringLiteral("unavailable"), 5000);
        const QJsonObject ch = channelOf(server.engine(), QStringLiteral("main"), QStringLiteral("es"));
        QCOMPARE(ch.value(QLatin1String("mode")).toString(), QStringLiteral("original_audio"));
        QVERIFY(ch.value(QLatin1String("reason")).toString().contains(QLatin1String("model not found")));
    }


    // Stopping a session (new settings, or the engine going away) while a stage's answer is on
    // its way: the answer arrives after the stage threads are gone and must be ignored (it once
    // crashed the desktop app at exit: a recognised utterance sent to a translator that was
    // already stopped).
    void stopWhileStagesAnswer()
    {
        EngineConfig c = testConfig();
        c.translateTargets = {QStringLiteral("es")};
        auto server = std::make_unique<TestServer>(c, ProcessorFactory{}, slowStandIns());
        WsClient events;
        QVERIFY(events.openAndWaitConnected(server->ws(QStringLiteral("/ws/events"))));
        QVERIFY(events.subscribe({QStringLiteral("stream:main")}));
        WavSpeaker speaker(*server, QStringLiteral("main"), tone(30));
        QVERIFY(speaker.ok);
        QString lang = QStringLiteral("es");
        QTRY_VERIFY_WITH_TIMEOUT((speaker.pump(), captionsOf(events.json, lang).contains(QLatin1String("[es] hello world"))), 10000);
        for (int i = 0; i < 8; ++i) {
            lang = lang == QLatin1String("es") ? QStringLiteral("fr") : QStringLiteral("es");
            QString error;
            QVERIFY2(server->engine().setInterpretation(QStringLiteral("main"), QStringLiteral("en"), {lang}, &error), qPrintable(error));
            events.json.clear();
            speaker.speakFor(350 + 40 * i); // the recogniser is always busy: a feed is in flight at the next switch
            QVERIFY(server->engine().hub()->hasSpeaker(translatedStreamId(QStringLiteral("main"), lang)));
        }
        QTRY_VERIFY_WITH_TIMEOUT((speaker.pump(), captionsOf(events.json, lang).contains(u'[' + lang + u"] hello world")), 10000);
        QCOMPARE(server->engine().interpretationJson().value(QLatin1String("sessions")).toArray().size(), 1);
        // The engine goes away with a feed in flight.
        speaker.speakFor(150);
        server.reset();
        QVERIFY(speaker.client.waitDisconnected(5000));
    }


    // A stage call that hangs (never checks for stopping) does not hold up stopping its
    // session: after the longer stage timeout + 1 s it is left to finish on its own thread,
    // health counts it, the next session works, and its late answer is dropped.
    void hangingStageDoesNotHoldUpStopping()
    {
        EngineConfig c = testConfig();
        c.translateTargets = {QStringLiteral("es")};
        c.translateTimeoutMs = 300;
        c.ttsTimeoutMs = 300;
        c.stageRetries = 0;
        HangOnce::armed = true;
        HangOnce::entered = false;
        HangOnce::returned = false;
        auto server = std::make_unique<TestServer>(c, ProcessorFactory{}, slowStandIns(true));
        WsClient events;
        QVERIFY(events.openAndWaitConnected(server->ws(QStringLiteral("/ws/events"))));
        QVERIFY(events.subscribe({QStringLiteral("stream:main")}));
        WavSpeaker speaker(*server, QStringLiteral("main"), tone(40));
        QVERIFY(speaker.ok);
        QTRY_VERIFY_WITH_TIMEOUT((speaker.pump(), HangOnce::entered.load()), 10000);
        // The hanging call times out for the session: the channel falls back meanwhile.
        QTRY_COMPARE_WITH_TIMEOUT((speaker.pump(), channelOf(server->engine(), QStringLiteral("main"), QStringLiteral("es"))
                                                     .value(QLatin1String("mode")).toString()),
                                  QStringLiteral("original_audio"), 5000);
        QVERIFY(!HangOnce::returned);
        QElapsedTimer switching;
        switching.start();
        QString error;
        QVERIFY(server->engine().setInterpretation(QStringLiteral("main"), QStringLiteral("en"), {QStringLiteral("fr")}, &error));
        const qint64 tookMs = switching.elapsed();
        qInfo("stopping the session with a hanging translator took %lld ms", tookMs);
        QVERIFY2(!HangOnce::returned, "the switch waited for the hanging call");
        QCOMPARE(server->engine().interpretationJson().value(QLatin1String("abandoned_stage_calls")).toInt(), 1);
        events.json.clear();
        QTRY_VERIFY_WITH_TIMEOUT((speaker.pump(), captionsOf(events.json, QStringLiteral("fr")).contains(QLatin1String("[fr] hello world"))), 10000);
        // The hanging call returns later; its answer (for a session that is gone) is dropped.
        QTRY_VERIFY_WITH_TIMEOUT((speaker.pump(), HangOnce::returned.load()), 15000);
        const qsizetype before = events.json.size();
        quietPeriod(300); // a late "[es]" caption would arrive now
        QVERIFY(!captionsOf(events.json.mid(before), QStringLiteral("es")).contains(QLatin1String("[es]")));
        server.reset();
    }

    // Without stages (ONAIR_INTERPRETATION=OFF), asking for interpretation is a clear error.
    void withoutStages()
    {
        TestServer server;
        QString error;
        QVERIFY(!server.engine().setInterpretation(QStringLiteral("main"), QStringLiteral("en"), {QStringLiteral("es")}, &error));
        QVERIFY(error.contains(QLatin1String("no interpretation stages")));
        QVERIFY(!server.engine().interpretationJson().value(QLatin1String("available")).toBool());
    }
};

QTEST_MAIN(TestInterpretation)
#include "tst_interpretation.moc"
