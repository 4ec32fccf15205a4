// Live interpretation benchmark (issue 8): end of an utterance → the first translated audio
// frame at a listener of "<stream>~es", measured from outside the server.
//
// Speaks N English sentences (espeak-ng, en-us+f2, 140 wpm, separated by 1.2 s of silence) in
// real time as 20 ms PCM frames into /ws/speak/<stream>, listens to /ws/listen/<stream>~es and
// to the stream:<stream> captions. For each translated caption the sentence it belongs to is
// the one whose true end of speech (found in the PCM) is nearest its end_ms; the latency is
// the arrival of the first loud frame on the channel after that caption minus the wall time at
// which that sentence's last voiced sample was sent. Prints one JSON object.
//
// usage: onair-interpbench --port P [--stream main] [--rounds 3]
#include "audio/pcmlevel.h"
#include "benchstats.h"
#include "audio/opuscodec.h"
#include "audio/wavfile.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace {

const QStringList kSentences{
    QStringLiteral("Good morning everyone."),
    QStringLiteral("We will start the meeting in five minutes."),
    QStringLiteral("Thank you very much for coming today."),
    QStringLiteral("The weather is very good today."),
    QStringLiteral("Please take your seats."),
    QStringLiteral("The next train leaves at ten o'clock."),
};

struct Sentence
{
    qint64 startSample = 0, voicedEndSample = 0;
};

QByteArray speak(const QString &text, int *rate)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.wav"));
    QProcess p;
    p.start(QStringLiteral("espeak-ng"), {QStringLiteral("-v"), QStringLiteral("en-us+f2"), QStringLiteral("-s"),
                                          QStringLiteral("140"), QStringLiteral("-w"), path, text});
    p.waitForFinished(20000);
    onair::WavAudio wav;
    if (onair::readWavFile(path, &wav) != onair::WavError::None)
        return {};
    *rate = wav.sampleRate;
    return onair::monoS16(wav);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int port = 8765, rounds = 3;
    QString stream = QStringLiteral("bench");
    for (int i = 1; i + 1 < argc; i += 2) {
        const QByteArray k = argv[i];
        if (k == "--port")
            port = QByteArray(argv[i + 1]).toInt();
        else if (k == "--stream")
            stream = QString::fromLocal8Bit(argv[i + 1]);
        else if (k == "--rounds")
            rounds = QByteArray(argv[i + 1]).toInt();
    }

    // The recording: warm-up + the sentences, `rounds` times, 1.2 s of silence after each.
    int rate = 22050;
    QByteArray pcm;
    std::vector<Sentence> sentences;
    for (int r = 0; r < rounds; ++r) {
        for (const QString &s : kSentences) {
            const QByteArray one = speak(s, &rate);
            if (one.isEmpty()) {
                std::fprintf(stderr, "espeak-ng failed\n");
                return 1;
            }
            Sentence sent;
            sent.startSample = pcm.size() / 2;
            const auto *x = reinterpret_cast<const qint16 *>(one.constData());
            qsizetype last = one.size() / 2 - 1;
            while (last > 0 && std::abs(int(x[last])) < 300)
                --last;
            sent.voicedEndSample = sent.startSample + last;
            sentences.push_back(sent);
            pcm += one;
            pcm += QByteArray(qsizetype(rate) * 1200 / 1000 * 2, '\0');
        }
    }
    const int frameBytes = rate / 50 * 2;

    const QString base = QStringLiteral("ws://127.0.0.1:%1").arg(port);
    QWebSocket speaker, listener, events;
    QElapsedTimer clock;
    qint64 sendStart = -1;
    qsizetype offset = 0;
    qint64 framesSent = 0;
    struct Caption
    {
        qint64 arrivedMs;
        qint64 endMs;
        QString text;
    };
    std::vector<Caption> captions;
    std::vector<std::pair<qint64, bool>> frames; // (arrival ms, loud)
    onair::OpusFrameDecoder dec;
    QString error;
    dec.open(48000, 1, &error);
    int english = 0;

    QObject::connect(&events, &QWebSocket::textMessageReceived, [&](const QString &m) {
        const QJsonObject o = QJsonDocument::fromJson(m.toUtf8()).object();
        if (o.value(QLatin1String("type")).toString() == QLatin1String("connected"))
            events.sendTextMessage(QStringLiteral(R"({"type":"subscribe","topics":["stream:%1"]})").arg(stream));
        const QJsonObject d = o.value(QLatin1String("data")).toObject();
        if (d.value(QLatin1String("event")).toString() != QLatin1String("caption"))
            return;
        if (d.value(QLatin1String("lang")).toString() == QLatin1String("en")) {
            ++english;
            return;
        }
        captions.push_back({clock.elapsed(), d.value(QLatin1String("end_ms")).toInteger(-1), d.value(QLatin1String("text")).toString()});
    });
    // end_ms is on the original caption; remember it by utterance for the translated one.
    QHash<int, qint64> endByUtterance;
    QObject::connect(&events, &QWebSocket::textMessageReceived, [&](const QString &m) {
        const QJsonObject d = QJsonDocument::fromJson(m.toUtf8()).object().value(QLatin1String("data")).toObject();
        if (d.value(QLatin1String("lang")).toString() == QLatin1String("en"))
            endByUtterance.insert(d.value(QLatin1String("utterance")).toInt(), d.value(QLatin1String("end_ms")).toInteger());
        else if (d.value(QLatin1String("event")).toString() == QLatin1String("caption") && !captions.empty())
            captions.back().endMs = endByUtterance.value(d.value(QLatin1String("utterance")).toInt(), -1);
    });
    QObject::connect(&listener, &QWebSocket::binaryMessageReceived, [&](const QByteArray &packet) {
        frames.emplace_back(clock.elapsed(), onair::pcmRms(dec.decode(packet)) > 500);
    });

    clock.start();
    events.open(QUrl(base + QStringLiteral("/ws/events")));
    speaker.open(QUrl(base + QStringLiteral("/ws/speak/") + stream));
    QTimer pump;
    pump.setTimerType(Qt::PreciseTimer);
    QObject::connect(&speaker, &QWebSocket::connected, [&] {
        speaker.sendTextMessage(QStringLiteral(R"({"type":"hello","format":{"codec":"pcm","sample_rate":%1,"channels":1,"sample_format":"s16le","frame_ms":20}})").arg(rate));
        // The channel goes on air with the speaker: join it, then start talking.
        QTimer::singleShot(700, [&] {
            listener.open(QUrl(base + QStringLiteral("/ws/listen/") + stream + QStringLiteral("~es")));
            QTimer::singleShot(300, [&] {
                sendStart = clock.elapsed();
                pump.start(5);
            });
        });
    });
    QObject::connect(&pump, &QTimer::timeout, [&] {
        const qint64 due = (clock.elapsed() - sendStart) / 20 + 1;
        while (framesSent < due && offset < pcm.size()) {
            speaker.sendBinaryMessage(pcm.mid(offset, frameBytes));
            offset += frameBytes;
            ++framesSent;
        }
        if (offset >= pcm.size()) {
            pump.stop();
            QTimer::singleShot(6000, &app, &QCoreApplication::quit); // let the last one play
        }
    });
    QTimer::singleShot(10 * 60 * 1000, &app, &QCoreApplication::quit);
    app.exec();

    // Pair and measure.
    std::vector<double> lat;
    int unmatched = 0;
    for (const Caption &c : captions) {
        if (c.endMs < 0) {
            ++unmatched;
            continue;
        }
        const qint64 endSample = c.endMs * rate / 1000;
        const auto nearest = std::min_element(sentences.begin(), sentences.end(), [&](const Sentence &a, const Sentence &b) {
            return std::llabs(a.voicedEndSample - endSample) < std::llabs(b.voicedEndSample - endSample);
        });
        if (std::llabs(nearest->voicedEndSample - endSample) > rate) { // more than 1 s off: a split utterance
            ++unmatched;
            continue;
        }
        const qint64 endWall = sendStart + nearest->voicedEndSample * 1000 / rate;
        const auto onset = std::find_if(frames.begin(), frames.end(), [&](const auto &f) { return f.first >= c.arrivedMs && f.second; });
        if (onset == frames.end()) {
            ++unmatched;
            continue;
        }
        lat.push_back(double(onset->first - endWall));
    }
    const QJsonObject out{{QStringLiteral("sentences"), int(sentences.size())},
                          {QStringLiteral("captions_en"), english},
                          {QStringLiteral("captions_es"), int(captions.size())},
                          {QStringLiteral("measured"), int(lat.size())},
                          {QStringLiteral("unmatched"), unmatched},
                          {QStringLiteral("audio_seconds"), double(pcm.size()) / 2 / rate},
                          {QStringLiteral("end_to_audio_p50_ms"), quantile(lat, 0.5)},
                          {QStringLiteral("end_to_audio_p99_ms"), quantile(lat, 0.99)},
                          {QStringLiteral("end_to_audio_max_ms"), lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end())}};
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return lat.empty() ? 1 : 0;
}
