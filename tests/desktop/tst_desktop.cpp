// The desktop control room under QT_QPA_PLATFORM=offscreen, against real WebSocket clients:
// the streams table, the banner composer, going on air with the tone source, kick, the Dutch
// translation, the Interpretation panel (with stand-in stages, and end to end with pocketsphinx,
// Apertium and espeak-ng on a spoken WAV file). The microphone path is tst_microphone (needs PulseAudio; see microphone_test.sh).
#include "audiolevel.h"
#include "audiosource.h"
#include "enginehost.h"
#include "interpretationpanel.h"
#include "levelmeter.h"
#include "listenersmodel.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "monitor.h"
#include "opuscodec.h"
#include "speakcontroller.h"
#include "settingsdialog.h"
#include "streamsmodel.h"
#include "testsupport.h"
#include "tls.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDateTime>
#include <QFile>
#include <QtEndian>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSettings>
#include <QSslCertificate>
#include <QSslSocket>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTranslator>

#include <cmath>
#include <numbers>

using namespace onair;
using namespace onair::test;

class TestDesktop : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void streamsTableFollowsListeners();
    void bannerComposer();
    void onAirWithToneReachesListenersAndMovesMeter();
    void kickClosesListener();
    void wavFileSource();
    void opusTenMsFramesAndMonitorDecodes();
    void dutchTranslationLoads();
    void settingsMintSpeakerToken();
    void settingsSaveAudioEncoding();
    void clusterDotAmberWhileRedisIsDown();
    void secureConnectionsWithOwnCertificate();
    void interpretationPanelAppliesThroughEngine();
    void interpretationCaptionsBoundedAndGrouped();
    void interpretationUnavailableWithoutStages();
    void liveInterpretationOfSpokenFile();

private:
    void startWindow(const EngineConfig &c, std::optional<InterpretationBackends> backends = std::nullopt);
    void startWithStandInStages();
    QUrl ws(const QString &path) const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_host->engine()->port()).arg(path));
    }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LogModel> m_log;
    std::unique_ptr<EngineHost> m_host;
    std::unique_ptr<MainWindow> m_window;
};

namespace {

QByteArray wavBytes(const QByteArray &pcm, quint32 rate, quint16 channels)
{
    auto le32 = [](quint32 v) { QByteArray b(4, 0); qToLittleEndian(v, b.data()); return b; };
    auto le16 = [](quint16 v) { QByteArray b(2, 0); qToLittleEndian(v, b.data()); return b; };
    QByteArray wav = "RIFF" + le32(quint32(36 + pcm.size())) + "WAVEfmt ";
    wav += le32(16) + le16(1) + le16(channels) + le32(rate) + le32(rate * 2 * channels) + le16(quint16(2 * channels)) + le16(16);
    wav += "data" + le32(quint32(pcm.size())) + pcm;
    return wav;
}

// Stages that need nothing installed: the recogniser hears nothing, the translator tags the
// text, the synthesiser makes silence. English can go to Spanish or French; Dutch nowhere.
struct DeafRecognizer final : SpeechToText
{
    QString name() const override { return QStringLiteral("deaf"); }
    bool feed(const qint16 *, int, QList<RecognizedUtterance> *, QString *) override { return true; }
    bool finish(QList<RecognizedUtterance> *, QString *) override { return true; }
};
struct TagTranslator final : Translator
{
    QString to;
    QString name() const override { return QStringLiteral("tag"); }
    bool translate(const QString &text, QString *out, QString *) override
    {
        *out = QStringLiteral("[%1] %2").arg(to, text);
        return true;
    }
};
struct SilentVoice final : TextToSpeech
{
    QString name() const override { return QStringLiteral("silent"); }
    bool synthesize(const QString &, QByteArray *pcm, QString *) override
    {
        *pcm = QByteArray(9600, 0);
        return true;
    }
};

InterpretationBackends standInStages()
{
    InterpretationBackends b;
    b.speechToText = [](const QString &, QString *) { return std::make_unique<DeafRecognizer>(); };
    b.translator = [](const QString &, const QString &to, QString *) {
        auto t = std::make_unique<TagTranslator>();
        t->to = to;
        return t;
    };
    b.textToSpeech = [](const QString &, QString *) { return std::make_unique<SilentVoice>(); };
    b.sourceLanguages = [] { return QStringList{QStringLiteral("en"), QStringLiteral("nl")}; };
    b.targetLanguages = [](const QString &source) {
        return source == QLatin1String("en") ? QStringList{QStringLiteral("es"), QStringLiteral("fr")} : QStringList();
    };
    return b;
}

[[maybe_unused]] QString captionText(const InterpretationPanel *panel, bool translations)
{
    QString all;
    const QListWidget *list = panel->captionsView();
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->data(Qt::UserRole + 1).toBool() == translations)
            all += list->item(i)->text().toLower() + u'\n';
    }
    return all;
}

} // namespace

void TestDesktop::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    qputenv("XDG_CONFIG_HOME", m_dir->filePath(QStringLiteral("config")).toUtf8()); // fresh QSettings
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data"));
    c.openSpeakers = false; // as the app runs by default
    startWindow(c);
}

void TestDesktop::startWindow(const EngineConfig &c, std::optional<InterpretationBackends> backends)
{
    m_log = std::make_unique<LogModel>();
    m_host = std::make_unique<EngineHost>(c);
    if (backends)
        m_host->setInterpretationBackends(std::move(*backends));
    QString error;
    QVERIFY2(m_host->start(&error), qPrintable(error));
    m_window = std::make_unique<MainWindow>(m_host.get(), m_log.get());
    m_window->show();
}

void TestDesktop::cleanup()
{
    m_window.reset();
    m_host.reset();
    m_log.reset();
}

void TestDesktop::streamsTableFollowsListeners()
{
    StreamsModel *model = m_window->streamsModel();
    QCOMPARE(model->rowCount(), 0);
    auto a = std::make_unique<WsClient>();
    WsClient b;
    QVERIFY(a->openAndWaitConnected(ws(QStringLiteral("/ws/listen/room1"))));
    QVERIFY(b.openAndWaitConnected(ws(QStringLiteral("/ws/listen/room1"))));
    QTRY_VERIFY(model->rowOf(QStringLiteral("room1")) >= 0);
    const int row = model->rowOf(QStringLiteral("room1"));
    QTRY_COMPARE(model->data(model->index(row, StreamsModel::Listeners), Qt::DisplayRole).toInt(), 2);
    // The selected stream's listeners are listed with their addresses.
    QTRY_COMPARE(m_window->listenersModel()->rowCount(), 2);
    a->socket.close();
    a.reset();
    QTRY_COMPARE(model->data(model->index(model->rowOf(QStringLiteral("room1")), StreamsModel::Listeners), Qt::DisplayRole).toInt(), 1);
    b.socket.close();
    QTRY_COMPARE(model->rowOf(QStringLiteral("room1")), -1);
}

void TestDesktop::bannerComposer()
{
    WsClient l;
    QVERIFY(l.openAndWaitConnected(ws(QStringLiteral("/ws/listen/main"))));
    QPlainTextEdit *edit = m_window->bannerEdit();
    QPushButton *send = m_window->sendBannerButton();
    QVERIFY(!send->isEnabled()); // empty
    edit->setPlainText(QStringLiteral("   \n "));
    QVERIFY(!send->isEnabled()); // whitespace
    edit->setPlainText(QString(281, u'x'));
    QVERIFY(!send->isEnabled());
    QCOMPARE(m_window->bannerCounter()->text(), QStringLiteral("281/280"));
    QCOMPARE(m_window->bannerCounter()->property("over").toBool(), true);
    edit->setPlainText(QString(280, u'x'));
    QVERIFY(send->isEnabled());
    QCOMPARE(m_window->bannerCounter()->property("over").toBool(), false);
    edit->setPlainText(QStringLiteral("Session B starts in 5 minutes"));
    QTest::mouseClick(send, Qt::LeftButton);
    QVERIFY(l.waitJsonType(QStringLiteral("new_broadcast")));
    QCOMPARE(l.lastJsonOfType(QStringLiteral("new_broadcast")).value(QLatin1String("broadcast")).toObject()
                 .value(QLatin1String("message")).toString(), QStringLiteral("Session B starts in 5 minutes"));
    QVERIFY(edit->toPlainText().isEmpty());
}

void TestDesktop::onAirWithToneReachesListenersAndMovesMeter()
{
    WsClient l;
    QVERIFY(l.openAndWaitConnected(ws(QStringLiteral("/ws/listen/desk"))));
    m_window->setSource(QStringLiteral("tone"));
    QCOMPARE(m_window->levelMeter()->peakDb(), -120.0);
    m_window->goOnAir(QStringLiteral("desk"));
    QTRY_VERIFY(m_window->onAirButton()->isChecked());
    QVERIFY(l.waitJsonType(QStringLiteral("format")));
    // Opus by default: 48 kHz mono, 20 ms, 32 kb/s, in-band FEC.
    const QJsonObject format = l.lastJsonOfType(QStringLiteral("format")).value(QLatin1String("format")).toObject();
    QCOMPARE(format.value(QLatin1String("codec")).toString(), QStringLiteral("opus"));
    QCOMPARE(format.value(QLatin1String("sample_rate")).toInt(), 48000);
    QCOMPARE(format.value(QLatin1String("channels")).toInt(), 1);
    QCOMPARE(format.value(QLatin1String("frame_ms")).toDouble(), 20.0);
    QCOMPARE(format.value(QLatin1String("bitrate")).toInt(), 32000);
    QCOMPARE(format.value(QLatin1String("fec")).toBool(), true);
    QVERIFY(l.waitBinary(50, 5000)); // a second of audio
    OpusFrameDecoder dec;
    QString error;
    QVERIFY(dec.open(48000, 1, &error));
    qint64 bytes = 0;
    QByteArray pcm;
    for (const QByteArray &packet : std::as_const(l.binary)) {
        QVERIFY2(packet.size() < 400, qPrintable(QString::number(packet.size()))); // not PCM (1920)
        bytes += packet.size();
        pcm = dec.decode(packet);
        QCOMPARE(pcm.size(), 1920); // 20 ms decoded
    }
    QVERIFY2(bytes * 8 / l.binary.size() * 50 < 32000 * 13 / 10, qPrintable(QString::number(bytes))); // ~32 kb/s
    QVERIFY(measureS16(pcm).peakDb > -20); // the tone survives the codec
    // Latency marks, once a second, stamped with the capture time.
    QVERIFY(l.waitJsonType(QStringLiteral("mark"), 3000));
    const QJsonObject mark = l.lastJsonOfType(QStringLiteral("mark"));
    QCOMPARE(mark.value(QLatin1String("stream_id")).toString(), QStringLiteral("desk"));
    QVERIFY(std::abs(mark.value(QLatin1String("t")).toDouble() - double(QDateTime::currentMSecsSinceEpoch())) < 5000);
    QTRY_VERIFY(m_window->levelMeter()->peakDb() > -20); // the meter moved (tone at -10 dBFS)
    m_window->onAirButton()->click();
    QVERIFY(l.waitJsonType(QStringLiteral("speaker_left")));
    QTRY_VERIFY(!m_window->onAirButton()->isChecked());
}

void TestDesktop::kickClosesListener()
{
    WsClient keep, go;
    QVERIFY(keep.openAndWaitConnected(ws(QStringLiteral("/ws/listen/kick"))));
    QVERIFY(go.openAndWaitConnected(ws(QStringLiteral("/ws/listen/kick"))));
    QTRY_COMPARE(m_window->listenersModel()->rowCount(), 2);
    QTableView *view = m_window->listenersView();
    int row = -1;
    for (int r = 0; r < m_window->listenersModel()->rowCount(); ++r) {
        if (m_window->listenersModel()->index(r, ListenersModel::Address).data().toString().endsWith(
                u':' + QString::number(go.socket.localPort())))
            row = r;
    }
    QVERIFY(row >= 0);
    view->selectRow(row);
    QTRY_VERIFY(m_window->kickButton()->isEnabled());
    QTest::mouseClick(m_window->kickButton(), Qt::LeftButton);
    QVERIFY(go.waitDisconnected());
    QCOMPARE(go.closeCode, 1008);
    QVERIFY(!keep.disconnected);
}

void TestDesktop::wavFileSource()
{
    // A 48 kHz stereo WAV of two known samples repeated: the source mixes it down and loops it.
    const QByteArray pcm = QByteArray("\x10\x00\x20\x00", 4).repeated(4800); // left 16, right 32
    const QByteArray wav = wavBytes(pcm, 48000, 2);
    const QString path = m_dir->filePath(QStringLiteral("test.wav"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(wav);
    f.close();
    QString error;
    const QByteArray mono = WavFileSource::loadWav(path, &error);
    QCOMPARE(mono.size(), 9600);
    QCOMPARE(qFromLittleEndian<qint16>(mono.constData()), qint16(24)); // (16 + 32) / 2
    QVERIFY(WavFileSource::loadWav(m_dir->filePath(QStringLiteral("missing.wav")), &error).isEmpty());
    QVERIFY(!error.isEmpty());
    {
        // Other rates are resampled to 48 kHz: one second of a 1 kHz sine at 22050 Hz stays one
        // second, at the same level.
        QByteArray sine(22050 * 2, Qt::Uninitialized);
        for (int i = 0; i < 22050; ++i)
            qToLittleEndian(qint16(10000 * std::sin(2 * std::numbers::pi * 1000 * i / 22050.0)), sine.data() + 2 * i);
        const QString p22 = m_dir->filePath(QStringLiteral("test-22k.wav"));
        QFile f22(p22);
        QVERIFY(f22.open(QIODevice::WriteOnly));
        f22.write(wavBytes(sine, 22050, 1));
        f22.close();
        const QByteArray up = WavFileSource::loadWav(p22, &error);
        QVERIFY2(qAbs(up.size() / 2 - 48000) <= 48, qPrintable(QString::number(up.size() / 2)));
        double sum = 0;
        for (int i = 4800; i < 43200; ++i) { // away from the edges
            const double v = qFromLittleEndian<qint16>(up.constData() + 2 * i);
            sum += v * v;
        }
        const double rms = std::sqrt(sum / 38400);
        QVERIFY2(qAbs(rms - 10000 / std::sqrt(2.0)) < 150, qPrintable(QString::number(rms)));
        // A rate no resampler should take is refused with the reason.
        const QString p4k = m_dir->filePath(QStringLiteral("test-4k.wav"));
        QFile f4k(p4k);
        QVERIFY(f4k.open(QIODevice::WriteOnly));
        f4k.write(wavBytes(sine, 4000, 1));
        f4k.close();
        QVERIFY(WavFileSource::loadWav(p4k, &error).isEmpty());
        QVERIFY2(error.contains(QLatin1String("4000 Hz")), qPrintable(error));
    }
    WsClient l;
    QVERIFY(l.openAndWaitConnected(ws(QStringLiteral("/ws/listen/wav"))));
    AudioEncoding pcmEncoding;
    pcmEncoding.codec = QStringLiteral("pcm"); // uncompressed: the frames are the file's bytes
    m_window->speaker()->setEncoding(pcmEncoding);
    m_window->setSource(QStringLiteral("file:") + path);
    m_window->goOnAir(QStringLiteral("wav"));
    QVERIFY(l.waitBinary(10, 5000)); // 10 frames of 4800 samples = 2 s of the 0.1 s file, looped
    QCOMPARE(l.binary.first(), QByteArray(mono.left(1920)));
    QCOMPARE(l.binary.at(5), QByteArray(mono.mid(1920 * 5 % 9600, 1920)));
}

void TestDesktop::opusTenMsFramesAndMonitorDecodes()
{
    // The settings the dialog saves are what the next ON AIR uses.
    AudioEncoding e;
    e.frameMs = 10;
    e.bitrate = 24000;
    e.save();
    QCOMPARE(AudioEncoding::load().frameMs, 10.0);
    WsClient l;
    QVERIFY(l.openAndWaitConnected(ws(QStringLiteral("/ws/listen/ten"))));
    m_window->setSource(QStringLiteral("tone:1000"));
    m_window->goOnAir(QStringLiteral("ten"));
    QVERIFY(l.waitJsonType(QStringLiteral("format")));
    const QJsonObject format = l.lastJsonOfType(QStringLiteral("format")).value(QLatin1String("format")).toObject();
    QCOMPARE(format.value(QLatin1String("frame_ms")).toDouble(), 10.0);
    QCOMPARE(format.value(QLatin1String("bitrate")).toInt(), 24000);
    QVERIFY(l.waitBinary(40, 5000));
    OpusFrameDecoder dec;
    QString error;
    QVERIFY(dec.open(48000, 1, &error));
    for (const QByteArray &packet : std::as_const(l.binary))
        QCOMPARE(dec.decode(packet).size(), 960); // 10 ms

    // The monitor decodes the Opus stream for local playback (no output device needed to decode).
    Monitor *monitor = m_window->monitor();
    m_window->monitorBox()->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(monitor->pcmBytesOut() >= 960 * 2 * 20, 5000);
    QTRY_VERIFY(monitor->lastPeakDb() > -20);
    m_window->monitorBox()->setChecked(false);
    m_window->onAirButton()->click();
    QVERIFY(l.waitJsonType(QStringLiteral("speaker_left")));
    AudioEncoding().save();
}

void TestDesktop::dutchTranslationLoads()
{
    QTranslator t;
    const QString qm = qEnvironmentVariable("ONAIR_NL_QM");
    QVERIFY2(t.load(qm), qPrintable(qm));
    QCOMPARE(t.translate("onair::MainWindow", "Go on air"), QStringLiteral("Ga de lucht in"));
    QCOMPARE(t.translate("onair::MainWindow", "Banner"), QStringLiteral("Mededeling"));
    QCOMPARE(t.translate("onair::StreamsModel", "Listeners"), QStringLiteral("Luisteraars"));
    QCOMPARE(t.translate("onair::MainWindow", "Interpretation"), QStringLiteral("Tolken"));
    QCOMPARE(t.translate("onair::InterpretationPanel", "Spanish"), QStringLiteral("Spaans"));
    QApplication::installTranslator(&t);
    MainWindow dutch(m_host.get(), m_log.get());
    QCOMPARE(dutch.onAirButton()->text(), QStringLiteral("Ga de lucht in"));
    QCOMPARE(dutch.sendBannerButton()->text(), QStringLiteral("Versturen"));
    QApplication::removeTranslator(&t);
}

void TestDesktop::settingsMintSpeakerToken()
{
    SettingsDialog dialog(m_host.get());
    QLineEdit *stream = nullptr, *token = nullptr;
    for (QLineEdit *e : dialog.findChildren<QLineEdit *>()) {
        if (e->accessibleName() == QLatin1String("Stream for the token"))
            stream = e;
        if (e->accessibleName() == QLatin1String("Speaker token"))
            token = e;
    }
    QVERIFY(stream && token);
    stream->setText(QStringLiteral("hall-b"));
    QPushButton *mint = nullptr;
    for (QPushButton *b : dialog.findChildren<QPushButton *>())
        if (b->text() == QLatin1String("Mint token"))
            mint = b;
    QVERIFY(mint);
    mint->click();
    QString error;
    const auto claims = verifyToken(token->text().toLatin1(), m_host->engine()->hub()->secret(), &error);
    QVERIFY2(claims, qPrintable(error));
    QVERIFY(claims->maySpeakOn(QStringLiteral("hall-b")));
    QVERIFY(!claims->maySpeakOn(QStringLiteral("main")));
    // The token really opens the speaker endpoint of a server that requires tokens.
    WsClient speaker;
    QVERIFY(speaker.openAndWaitConnected(ws(QStringLiteral("/ws/speak/hall-b?token=") + token->text())));
}

void TestDesktop::settingsSaveAudioEncoding()
{
    SettingsDialog dialog(m_host.get());
    QComboBox *codec = nullptr, *bitrate = nullptr, *frame = nullptr;
    for (QComboBox *c : dialog.findChildren<QComboBox *>()) {
        if (c->accessibleName() == QLatin1String("Codec"))
            codec = c;
        else if (c->accessibleName() == QLatin1String("Bitrate"))
            bitrate = c;
        else if (c->accessibleName() == QLatin1String("Frame length"))
            frame = c;
    }
    QVERIFY(codec && bitrate && frame);
    QCOMPARE(codec->currentData().toString(), QStringLiteral("opus")); // the defaults
    QCOMPARE(bitrate->currentData().toInt(), 32000);
    QCOMPARE(frame->currentData().toDouble(), 20.0);
    QVERIFY(bitrate->isEnabled());
    if (const QString shots = qEnvironmentVariable("ONAIR_SHOTS"); !shots.isEmpty()) {
        dialog.show();
        dialog.grab().save(shots + QStringLiteral("/settings.png"));
    }
    bitrate->setCurrentIndex(bitrate->findData(48000));
    codec->setCurrentIndex(codec->findData(QStringLiteral("pcm")));
    QVERIFY(!bitrate->isEnabled()); // PCM has no bitrate to choose
    QDialogButtonBox *box = dialog.findChild<QDialogButtonBox *>();
    QVERIFY(box);
    box->button(QDialogButtonBox::Save)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const AudioEncoding saved = AudioEncoding::load();
    QCOMPARE(saved.codec, QStringLiteral("pcm"));
    QCOMPARE(saved.bitrate, 48000);
    AudioEncoding().save();
}

void TestDesktop::clusterDotAmberWhileRedisIsDown()
{
    // A replica whose Redis is not there (yet): the health panel shows an amber cluster dot
    // with the reason, and turns it green once Redis answers, without a restart.
    cleanup();
    const quint16 port = freePort();
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data-cluster"));
    c.redisUrl = QStringLiteral("redis://127.0.0.1:%1").arg(port);
    c.redisRetryMaxMs = 300;
    startWindow(c);
    auto *components = m_window->findChild<QLabel *>(QStringLiteral("healthComponents"));
    QVERIFY(components);
    QTRY_VERIFY_WITH_TIMEOUT(components->text().contains(QStringLiteral("#f1c40f'>\u25CF</span> cluster")), 5000);
    QVERIFY2(components->toolTip().contains(QLatin1String("Redis unreachable")), qPrintable(components->toolTip()));
    QCOMPARE(m_host->snapshot().clusterState, QStringLiteral("degraded"));

    QProcess redis;
    redis.start(QStringLiteral("redis-server"), {QStringLiteral("--port"), QString::number(port), QStringLiteral("--bind"),
                                                  QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                                                  QStringLiteral("--appendonly"), QStringLiteral("no")});
    QVERIFY2(redis.waitForStarted(5000), "redis-server (scripts/deps.sh test installs it)");
    QTRY_VERIFY_WITH_TIMEOUT(components->text().contains(QStringLiteral("#2ecc71'>\u25CF</span> cluster")), 10000);
    QVERIFY(components->toolTip().contains(QLatin1String("1 replica")));
    cleanup();
    redis.kill();
    redis.waitForFinished(5000);
}

void TestDesktop::secureConnectionsWithOwnCertificate()
{
    // "Secure connections" in Settings: the app makes a certificate for this computer, serves
    // HTTPS/WSS with it, shares https:// links and shows the fingerprint listeners compare.
    cleanup();
    QSettings().setValue(QStringLiteral("server/tls"), true);
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data-tls"));
    QString error;
    QVERIFY2(SettingsDialog::prepareTls(&c, &error), qPrintable(error));
    QVERIFY(QFile::exists(c.tlsCertPath) && QFile::exists(c.tlsKeyPath));
    const QString made = c.tlsCertPath;
    const QByteArray firstPem = QSslCertificate::fromPath(made).first().toPem();
    EngineConfig again = testConfig();
    again.dataDir = c.dataDir;
    QVERIFY(SettingsDialog::prepareTls(&again, &error));
    QCOMPARE(QSslCertificate::fromPath(again.tlsCertPath).first().toPem(), firstPem); // kept, not remade
    startWindow(c);
    QVERIFY(m_host->engine()->secure());
    const QString fingerprint = certificateFingerprint(QSslCertificate::fromPath(made).first());
    auto *label = m_window->findChild<QLabel *>(QStringLiteral("tlsFingerprint"));
    QVERIFY(label);
    QVERIFY2(label->text().contains(fingerprint), qPrintable(label->text()));
    auto *share = m_window->findChild<QLineEdit *>(QStringLiteral("shareUrl"));
    QTRY_VERIFY(share && share->text().startsWith(QLatin1String("https://")));
    // A verifying TLS client that trusts this certificate gets the page.
    QSslSocket s;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromPath(made));
    s.setSslConfiguration(tls);
    s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_host->engine()->port());
    QTRY_VERIFY_WITH_TIMEOUT(s.isEncrypted(), 5000);
    s.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += s.readAll()).contains("\"tls\":true"), 5000);
    // "Make a new certificate" path: a renewal gives a different key and fingerprint.
    EngineConfig renewed = testConfig();
    renewed.dataDir = c.dataDir;
    QVERIFY(SettingsDialog::prepareTls(&renewed, &error, true));
    QVERIFY(certificateFingerprint(QSslCertificate::fromPath(renewed.tlsCertPath).first()) != fingerprint);
    cleanup();
    QSettings().remove(QStringLiteral("server/tls"));
}

void TestDesktop::startWithStandInStages()
{
    cleanup();
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data-interpretation"));
    startWindow(c, standInStages());
    m_window->showInterpretation();
}

void TestDesktop::interpretationPanelAppliesThroughEngine()
{
    startWithStandInStages();
    InterpretationPanel *panel = m_window->interpretationPanel();
    QVERIFY(panel->available());
    QVERIFY(panel->isVisible());
    // What is installed: the recogniser's languages, and the targets of the chosen one.
    QComboBox *source = panel->sourceCombo();
    QCOMPARE(source->count(), 2);
    QCOMPARE(source->itemData(0).toString(), QStringLiteral("en"));
    QCOMPARE(source->itemData(1).toString(), QStringLiteral("nl"));
    QCOMPARE(source->currentData().toString(), QStringLiteral("en")); // the default
    QCOMPARE(source->currentText(), QStringLiteral("English (en)"));
    QStringList langs;
    for (QCheckBox *b : panel->targetBoxes())
        langs.append(b->property("lang").toString());
    QCOMPARE(langs, (QStringList{QStringLiteral("es"), QStringLiteral("fr")}));
    QCOMPARE(panel->targetBox(QStringLiteral("es"))->text(), QStringLiteral("Spanish (es)"));
    QCOMPARE(panel->targetBox(QStringLiteral("es"))->accessibleName(), QStringLiteral("Translate into Spanish (es)"));
    QVERIFY(!source->accessibleName().isEmpty() && !panel->captionsView()->accessibleName().isEmpty()
            && !panel->stagesTable()->accessibleName().isEmpty() && !panel->streamCombo()->accessibleName().isEmpty());
    for (QWidget *w : std::initializer_list<QWidget *>{panel->streamCombo(), source, panel->targetBox(QStringLiteral("es")),
                                                       panel->offButton(), panel->captionsView(), panel->stagesTable()})
        QVERIFY2(w->focusPolicy() & Qt::TabFocus, qPrintable(w->accessibleName()));
    // The stream: the speak bar's (nothing is on air, nothing selected yet).
    QTRY_COMPARE(panel->currentStream(), QStringLiteral("main"));
    QCOMPARE(m_host->interpretationOf(QStringLiteral("main")).second, QStringList());
    QVERIFY2(panel->statusLabel()->text().contains(QLatin1String("not interpreted")), qPrintable(panel->statusLabel()->text()));

    // A click applies through the engine; so does the keyboard.
    QTest::mouseClick(panel->targetBox(QStringLiteral("es")), Qt::LeftButton);
    QCOMPARE(m_host->interpretationOf(QStringLiteral("main")),
             qMakePair(QStringLiteral("en"), QStringList{QStringLiteral("es")}));
    QVERIFY2(m_window->statusMessage()->text().contains(QLatin1String("Interpreting main from English (en) into Spanish (es)")),
             qPrintable(m_window->statusMessage()->text()));
    QTest::keyClick(panel->targetBox(QStringLiteral("fr")), Qt::Key_Space);
    QCOMPARE(m_host->interpretationOf(QStringLiteral("main")).second, (QStringList{QStringLiteral("es"), QStringLiteral("fr")}));
    QVERIFY(panel->statusLabel()->text().contains(QLatin1String("starts when its speaker goes on air")));
    // Nobody speaks yet: the stage table lists what is installed, idle.
    QTRY_COMPARE(panel->stagesTable()->rowCount(), 3);
    QCOMPARE(panel->stagesTable()->item(0, InterpretationPanel::StageName)->text(), QStringLiteral("Speech to text"));
    QCOMPARE(panel->stagesTable()->item(1, InterpretationPanel::StageName)->text(), QStringLiteral("Translation"));
    QCOMPARE(panel->stagesTable()->item(2, InterpretationPanel::StageName)->text(), QStringLiteral("Text to speech"));

    // Off turns every target off.
    QTest::mouseClick(panel->offButton(), Qt::LeftButton);
    QCOMPARE(m_host->interpretationOf(QStringLiteral("main")).second, QStringList());
    QVERIFY(!panel->targetBox(QStringLiteral("es"))->isChecked() && !panel->targetBox(QStringLiteral("fr"))->isChecked());

    // A setting made elsewhere (the REST API, another window) shows at the next refresh.
    QString error;
    QVERIFY2(m_host->setInterpretation(QStringLiteral("main"), QStringLiteral("en"), {QStringLiteral("fr")}, &error),
             qPrintable(error));
    QTRY_VERIFY(panel->targetBox(QStringLiteral("fr"))->isChecked());
    QVERIFY(!panel->targetBox(QStringLiteral("es"))->isChecked());

    // Going on air: the stream spoken on is the panel's, its session shows in the tables.
    m_window->setSource(QStringLiteral("tone"));
    m_window->streamEdit()->setText(QStringLiteral("hall"));
    m_window->goOnAir(QStringLiteral("hall"));
    QTRY_COMPARE(panel->currentStream(), QStringLiteral("hall"));
    QCOMPARE(panel->streamCombo()->currentText(), QStringLiteral("hall (on air)"));
    QTest::mouseClick(panel->targetBox(QStringLiteral("es")), Qt::LeftButton);
    QCOMPARE(m_host->interpretationOf(QStringLiteral("hall")).second, QStringList{QStringLiteral("es")});
    QTRY_VERIFY_WITH_TIMEOUT(panel->channelsTable()->rowCount() == 1, 5000);
    QCOMPARE(panel->channelsTable()->item(0, InterpretationPanel::ChannelId)->text(), QStringLiteral("hall~es"));
    QTRY_COMPARE(panel->channelsTable()->item(0, InterpretationPanel::ChannelMode)->text(), QStringLiteral("translated speech"));
    QTRY_VERIFY(panel->stagesTable()->rowCount() >= 3);
    QTRY_VERIFY(panel->statusLabel()->text().startsWith(QLatin1String("Interpreting hall from English (en) into Spanish (es).")));
    // Choosing another stream in the table follows it (the translated channel stands for its stream).
    QTRY_VERIFY(m_window->streamsModel()->rowOf(QStringLiteral("hall~es")) >= 0);
    m_window->streamsView()->selectRow(m_window->streamsModel()->rowOf(QStringLiteral("hall~es")));
    QCOMPARE(panel->currentStream(), QStringLiteral("hall"));
    panel->setCurrentStream(QStringLiteral("main"));
    QVERIFY(panel->targetBox(QStringLiteral("fr"))->isChecked()); // main's own setting
    QVERIFY(!panel->targetBox(QStringLiteral("es"))->isChecked());

    // A spoken language without any translation installed: said so, nothing to tick.
    panel->setCurrentStream(QStringLiteral("hall"));
    source->setFocus();
    QTest::keyClick(source, Qt::Key_Down); // Dutch
    QCOMPARE(source->currentData().toString(), QStringLiteral("nl"));
    QCOMPARE(panel->targetBoxes().size(), 0);
    auto *none = panel->findChild<QLabel *>(QStringLiteral("noTargets"));
    QVERIFY(none && none->isVisible());
    QVERIFY2(none->text().contains(QLatin1String("no translation from Dutch (nl) is installed")), qPrintable(none->text()));
    QCOMPARE(m_host->interpretationOf(QStringLiteral("hall")), qMakePair(QStringLiteral("nl"), QStringList()));
    m_window->goOffAir();
}

void TestDesktop::interpretationCaptionsBoundedAndGrouped()
{
    startWithStandInStages();
    InterpretationPanel *panel = m_window->interpretationPanel();
    QTRY_COMPARE(panel->currentStream(), QStringLiteral("main"));
    Engine *engine = m_host->engine();
    auto caption = [engine](const QString &stream, int utterance, const QString &lang, const QString &text,
                            const QString &sourceLang = QString()) {
        QJsonObject e{{QStringLiteral("event"), QStringLiteral("caption")}, {QStringLiteral("stream_id"), stream},
                      {QStringLiteral("utterance"), utterance}, {QStringLiteral("lang"), lang},
                      {QStringLiteral("text"), text}, {QStringLiteral("final"), true}};
        if (!sourceLang.isEmpty()) {
            e.insert(QStringLiteral("source_lang"), sourceLang);
            e.insert(QStringLiteral("channel"), QString(stream + u'~' + lang));
        }
        Q_EMIT engine->interpretationEvent(e);
    };
    caption(QStringLiteral("main"), 1, QStringLiteral("en"), QStringLiteral("good morning everyone"));
    caption(QStringLiteral("main"), 2, QStringLiteral("en"), QStringLiteral("thank you very much"));
    caption(QStringLiteral("main"), 1, QStringLiteral("es"), QStringLiteral("buenos días a todos"), QStringLiteral("en"));
    caption(QStringLiteral("other"), 1, QStringLiteral("en"), QStringLiteral("another stream"));
    QListWidget *list = panel->captionsView();
    QTRY_COMPARE(list->count(), 3); // only the panel's stream
    // The translation sits under its original, marked apart: arrow, language, colour, italics.
    QVERIFY(list->item(0)->text().contains(QLatin1String("good morning everyone")));
    QCOMPARE(list->item(1)->text(), QStringLiteral("\u2192 ES   buenos días a todos"));
    QVERIFY(list->item(2)->text().contains(QLatin1String("thank you very much")));
    QVERIFY(!list->item(0)->data(Qt::UserRole + 1).toBool());
    QVERIFY(list->item(1)->data(Qt::UserRole + 1).toBool());
    QVERIFY(list->item(1)->font().italic() && !list->item(0)->font().italic());
    QVERIFY(list->item(1)->foreground().color() != list->item(0)->foreground().color());
    QCOMPARE(list->item(1)->data(Qt::AccessibleTextRole).toString(),
             QStringLiteral("Translation into Spanish (es): buenos días a todos"));
    // Bounded: the last lines only.
    for (int i = 0; i < 300; ++i)
        caption(QStringLiteral("main"), 10 + i, QStringLiteral("en"), QStringLiteral("line %1").arg(i));
    QCOMPARE(list->count(), InterpretationPanel::kMaxCaptionLines);
    QVERIFY(list->item(list->count() - 1)->text().endsWith(QLatin1String("line 299")));
    // Another stream's captions are kept for when it is chosen.
    panel->setStreams(QStringLiteral("main"), false, QStringLiteral("other"), QStringLiteral("other"));
    QCOMPARE(panel->currentStream(), QStringLiteral("other"));
    QCOMPARE(list->count(), 1);
}

void TestDesktop::interpretationUnavailableWithoutStages()
{
    cleanup();
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data-no-stages"));
    startWindow(c, InterpretationBackends{});
    m_window->showInterpretation();
    InterpretationPanel *panel = m_window->interpretationPanel();
    QVERIFY(!panel->available());
    QVERIFY2(panel->statusLabel()->text().contains(QLatin1String("Live interpretation is not available")),
             qPrintable(panel->statusLabel()->text()));
    QVERIFY(!panel->sourceCombo()->isEnabled());
    QVERIFY(!panel->offButton()->isEnabled());
    QVERIFY(panel->targetBoxes().isEmpty());
    QString error;
    QVERIFY(!m_host->setInterpretation(QStringLiteral("main"), QStringLiteral("en"), {QStringLiteral("es")}, &error));
    QVERIFY(!error.isEmpty());
}

void TestDesktop::liveInterpretationOfSpokenFile()
{
#ifndef ONAIR_HAS_INTERPRETATION
    QSKIP("built without the interpretation stages (ONAIR_INTERPRETATION=OFF or packages missing)");
#else
    // A speaker on a WAV file of espeak-ng speech, interpreted into Spanish by the real stages:
    // the panel shows the English words and their Spanish translation.
    cleanup();
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data-live"));
    startWindow(c);
    InterpretationPanel *panel = m_window->interpretationPanel();
    QVERIFY2(panel->available(), qPrintable(panel->statusLabel()->text()));
    QVERIFY(m_host->interpretationSources().contains(QStringLiteral("en")));
    QVERIFY2(m_host->interpretationTargets(QStringLiteral("en")).contains(QStringLiteral("es")),
             "Apertium English-Spanish (apertium-eng-spa, scripts/deps.sh test)");

    // The recogniser needs a few seconds of this voice before it hears it well: warm-up first.
    QProcess espeak;
    const QString raw = m_dir->filePath(QStringLiteral("speech-22k.wav"));
    espeak.start(QStringLiteral("espeak-ng"),
                 {QStringLiteral("-v"), QStringLiteral("en-us+f2"), QStringLiteral("-s"), QStringLiteral("140"),
                  QStringLiteral("-w"), raw,
                  QStringLiteral("Hello and welcome. This is a test of the live interpretation system. "
                                 "Good morning everyone. Thank you very much for coming today. "
                                 "We will start the meeting in five minutes.")});
    QVERIFY2(espeak.waitForFinished(20000) && espeak.exitCode() == 0, "espeak-ng (scripts/deps.sh test installs it)");
    // espeak-ng writes 22050 Hz: the file source resamples it to the stream's 48000 Hz.
    const QString path = raw;

    WsClient spanish;
    QVERIFY(spanish.openAndWaitConnected(ws(QStringLiteral("/ws/listen/main~es"))));
    m_window->showInterpretation();
    QTRY_COMPARE(panel->currentStream(), QStringLiteral("main"));
    QTest::mouseClick(panel->targetBox(QStringLiteral("es")), Qt::LeftButton);
    QCOMPARE(m_host->interpretationOf(QStringLiteral("main")),
             qMakePair(QStringLiteral("en"), QStringList{QStringLiteral("es")}));
    m_window->setSource(QStringLiteral("file:") + path);
    m_window->goOnAir(QStringLiteral("main"));
    QTRY_VERIFY(m_window->onAirButton()->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(panel->channelsTable()->rowCount() == 1, 10000);
    QCOMPARE(panel->channelsTable()->item(0, InterpretationPanel::ChannelId)->text(), QStringLiteral("main~es"));
    // The file loops: every pass is another chance for the words.
    const auto heard = [panel] {
        const QString en = captionText(panel, false), es = captionText(panel, true);
        return en.contains(QLatin1String("meeting")) && en.contains(QLatin1String("minutes"))
            && es.contains(QStringLiteral("reunión")) && es.contains(QLatin1String("minutos"));
    };
    QTRY_VERIFY2_WITH_TIMEOUT(heard(), qPrintable(QStringLiteral("English:\n%1\nSpanish:\n%2")
                                                     .arg(captionText(panel, false), captionText(panel, true))), 120000);
    QCOMPARE(panel->channelsTable()->item(0, InterpretationPanel::ChannelMode)->text(), QStringLiteral("translated speech"));
    // Each stage worked, with its latency measured.
    QTRY_VERIFY(panel->stagesTable()->rowCount() >= 3);
    for (int r = 0; r < panel->stagesTable()->rowCount(); ++r) {
        QTRY_COMPARE(panel->stagesTable()->item(r, InterpretationPanel::StageState)->text(),
                     QStringLiteral("working"));
        const QString latency = panel->stagesTable()->item(r, InterpretationPanel::StageLatency)->text(); // "p50 / p99"
        QVERIFY2(latency.section(u'/', 0, 0).trimmed().toInt() > 0, qPrintable(latency));
    }
    QVERIFY(panel->statusLabel()->text().startsWith(QLatin1String("Interpreting main from English (en) into Spanish (es).")));
    // The Spanish channel is a stream like any other: Opus audio for its listeners.
    QVERIFY(spanish.waitJsonType(QStringLiteral("format"), 10000));
    QVERIFY(spanish.waitBinary(20, 20000));
    if (const QString shots = qEnvironmentVariable("ONAIR_SHOTS"); !shots.isEmpty())
        m_window->grab().save(shots + QStringLiteral("/interpretation.png"));
    m_window->goOffAir();
#endif
}

QTEST_MAIN(TestDesktop)
#include "tst_desktop.moc"
