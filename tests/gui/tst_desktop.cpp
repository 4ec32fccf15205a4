// The desktop control room under QT_QPA_PLATFORM=offscreen, against real WebSocket clients:
// the streams table, the banner composer, going on air with the tone source, kick, the Dutch
// translation, the Share panel (loopback or open to the network, switched at once with clients
// connected; LAN addresses; plain and HTTPS links), the Interpretation panel (with stand-in
// stages, and end to end with pocketsphinx, Apertium and espeak-ng on a spoken WAV file). The microphone path is tst_microphone (needs PulseAudio; see microphone_test.sh).
#include "audiolevel.h"
#include "audiosource.h"
#include "enginehost.h"
#include "interpretationpanel.h"
#include "lanaddresses.h"
#include "levelmeter.h"
#include "listenersmodel.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "monitor.h"
#include "audio/opuscodec.h"
#include "speakcontroller.h"
#include "settingsdialog.h"
#include "sharepanel.h"
#include "streamsmodel.h"
#include "testsupport.h"
#include "net/tls.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QClipboard>
#include <QDateTime>
#include <QElapsedTimer>
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
#include <QRadioButton>
#include <QStatusBar>
#include <QTcpServer>
#include <QTcpSocket>
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
    void hearingStatesAndWarnings();
    void wavFileSource();
    void opusTenMsFramesAndMonitorDecodes();
    void dutchTranslationLoads();
    void settingsMintSpeakerToken();
    void settingsSaveAudioEncoding();
    void clusterDotAmberWhileRedisIsDown();
    void secureConnectionsWithOwnCertificate();
    void lanAddressChoice_data();
    void lanAddressChoice();
    void shareSaysLoopbackByDefault();
    void shareOpensToNetworkAndBackKeepingListeners();
    void shareRebindFailureKeepsLoopback();
    void shareStates_data();
    void shareStates();
    void sharePickerChangesLinkAndIsRemembered();
    void shareHttpsShowsBothLinksQrPlainByDefault();
    void settingsNetworkAppliesAtOnceAndAgreesWithPanel();
    void interpretationPanelAppliesThroughEngine();
    void interpretationCaptionsBoundedAndGrouped();
    void interpretationUnavailableWithoutStages();
    void liveInterpretationOfSpokenFile();

private:
    void startWindow(const EngineConfig &c, std::optional<InterpretationBackends> backends = std::nullopt);
    void startWithStandInStages();
    void startSecureWindow(bool plainHttp = true);
    SharePanel *share() const { return m_window->sharePanel(); }
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

// "wlan0 192.168.1.20 10.0.0.2", flags "down", "norun", "loopback" among the words.
QList<NetworkInterfaceInfo> interfaces(const QStringList &spec)
{
    QList<NetworkInterfaceInfo> out;
    for (const QString &line : spec) {
        const QStringList words = line.split(u' ', Qt::SkipEmptyParts);
        NetworkInterfaceInfo i;
        i.name = words.value(0);
        i.up = !words.contains(QLatin1String("down"));
        i.running = i.up && !words.contains(QLatin1String("norun"));
        i.loopback = words.contains(QLatin1String("loopback"));
        for (const QString &w : words.mid(1)) {
            if (QHostAddress a(w); !a.isNull())
                i.addresses.append(a);
        }
        out.append(i);
    }
    return out;
}

// Every text the panel shows right now (labels, links, buttons, the picker), one per line.
QString visibleText(const QWidget *panel)
{
    QStringList out;
    for (const QWidget *w : panel->findChildren<QWidget *>()) {
        if (!w->isVisibleTo(panel))
            continue;
        if (auto *l = qobject_cast<const QLabel *>(w))
            out.append(l->text());
        else if (auto *e = qobject_cast<const QLineEdit *>(w))
            out.append(e->text());
        else if (auto *b = qobject_cast<const QAbstractButton *>(w))
            out.append(b->text());
        else if (auto *c = qobject_cast<const QComboBox *>(w)) {
            for (int i = 0; i < c->count(); ++i)
                out.append(c->itemText(i));
        }
    }
    return out.join(u'\n');
}

// Connects to address:port; true when the connection was accepted, false when refused.
bool tcpConnects(const QHostAddress &address, quint16 port, QString *why = nullptr)
{
    QTcpSocket s;
    s.connectToHost(address, port);
    const bool ok = s.waitForConnected(3000);
    if (why)
        *why = s.errorString();
    return ok;
}

// A GET through `address` (a LAN address, as a phone would), with that address in Host; the
// whole response (Connection: close).
HttpReply httpVia(const QHostAddress &address, quint16 port, const QString &path)
{
    HttpReply r;
    QTcpSocket s;
    s.connectToHost(address, port);
    if (!s.waitForConnected(3000))
        return r;
    s.write(QStringLiteral("GET %1 HTTP/1.1\r\nHost: %2:%3\r\nConnection: close\r\n\r\n")
                .arg(path, address.toString()).arg(port).toLatin1());
    return readAnswerUntilClosed(s, 5000);
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
    // QSettings keeps the first test's file for the whole process: the Share panel's choices
    // must not leak into the next test.
    QSettings settings;
    settings.remove(QStringLiteral("server/network"));
    settings.remove(QStringLiteral("share"));
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

// "Are they hearing me?": listeners' reports in the streams and listeners tables, and the
// warning strip for a stream on air that nobody hears.
void TestDesktop::hearingStatesAndWarnings()
{
    m_window.reset();
    m_host.reset();
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data"));
    c.warnUnheardS = 1;
    startWindow(c);
    m_window->setSource(QStringLiteral("tone"));
    m_window->goOnAir(QStringLiteral("desk"));
    QTRY_VERIFY(m_window->onAirButton()->isChecked());
    QLabel *warnings = m_window->warningsLabel();
    QTRY_VERIFY_WITH_TIMEOUT(warnings->isVisible(), 8000);
    QVERIFY2(warnings->text().contains(QLatin1String("desk: on air, but nobody has heard it")), qPrintable(warnings->text()));

    WsClient a, b, blocked;
    for (WsClient *w : {&a, &b, &blocked})
        QVERIFY(w->openAndWaitConnected(ws(QStringLiteral("/ws/listen/desk"))));
    auto report = [](WsClient &w, const QByteArray &json) { w.socket.sendTextMessage(QString::fromUtf8(json)); };
    report(a, R"({"type":"listener_report","state":"playing","delay_ms":100,"decoder":"webcodecs"})");
    report(b, R"({"type":"listener_report","state":"playing","delay_ms":300,"decoder":"wasm","hidden":true})");
    report(blocked, R"({"type":"listener_report","state":"blocked","decoder":"wasm"})");
    StreamsModel *model = m_window->streamsModel();
    auto cell = [model](int column) {
        return model->data(model->index(model->rowOf(QStringLiteral("desk")), column), Qt::DisplayRole).toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(cell(StreamsModel::Hearing), QStringLiteral("2 hear you · 1 tap-to-play"), 5000);
    QCOMPARE(cell(StreamsModel::Delay), QStringLiteral("300 / 300 ms"));
    QTRY_VERIFY_WITH_TIMEOUT(!warnings->isVisible(), 5000);

    m_window->streamsView()->selectRow(model->rowOf(QStringLiteral("desk")));
    ListenersModel *listeners = m_window->listenersModel();
    QTRY_COMPARE(listeners->rowCount(), 3);
    QStringList states;
    auto collect = [&] {
        states.clear();
        for (int r = 0; r < listeners->rowCount(); ++r)
            states.append(listeners->data(listeners->index(r, ListenersModel::State), Qt::DisplayRole).toString());
        states.sort();
        return states;
    };
    QTRY_COMPARE_WITH_TIMEOUT(collect(), (QStringList{QStringLiteral("Playing"), QStringLiteral("Playing (background)"),
                                                      QStringLiteral("Tap to play")}), 5000);
    m_window->onAirButton()->click();
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
    QCOMPARE(t.translate("onair::BannerPanel", "Banner"), QStringLiteral("Mededeling"));
    QCOMPARE(t.translate("onair::BannerPanel", "Alert again"), QStringLiteral("Opnieuw waarschuwen"));
    QCOMPARE(t.translate("onair::StreamsModel", "Listeners"), QStringLiteral("Luisteraars"));
    QCOMPARE(t.translate("onair::MainWindow", "Interpretation"), QStringLiteral("Tolken"));
    QCOMPARE(t.translate("onair::InterpretationPanel", "Spanish"), QStringLiteral("Spaans"));
    QCOMPARE(t.translate("onair::SharePanel", "Open to the local network"), QStringLiteral("Openen voor het lokale netwerk"));
    QApplication::installTranslator(&t);
    MainWindow dutch(m_host.get(), m_log.get());
    QCOMPARE(dutch.onAirButton()->text(), QStringLiteral("Ga de lucht in"));
    QCOMPARE(dutch.sendBannerButton()->text(), QStringLiteral("Versturen"));
    QCOMPARE(dutch.sharePanel()->title(), QStringLiteral("Delen"));
    QCOMPARE(dutch.sharePanel()->stateLabel()->text(),
             QStringLiteral("Alleen deze computer kan luisteren. Telefoons en andere computers kunnen hem nog niet bereiken."));
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
    const auto claims = verifyToken(token->text().toLatin1(), m_host->engine()->secret(), &error);
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
    ONAIR_SKIP_WITHOUT("redis-server");
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
    QTRY_VERIFY_WITH_TIMEOUT(components->text().contains(QStringLiteral("#f1c40f'>\u25B2</span> cluster")) /* amber and a triangle */, 5000);
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
    share()->setInterfaceSource([] { return interfaces({QStringLiteral("wlan0 192.168.1.20")}); });
    QVERIFY(share()->setOpenToNetwork(true));
    auto *label = m_window->findChild<QLabel *>(QStringLiteral("tlsFingerprint"));
    QVERIFY(label && label->isVisible());
    QVERIFY2(label->text().remove(u'\n').contains(fingerprint), qPrintable(label->text())); // in two lines
    auto *secureLink = m_window->findChild<QLineEdit *>(QStringLiteral("shareSecureUrl"));
    QTRY_VERIFY(secureLink && secureLink->text().startsWith(QLatin1String("https://192.168.1.20:")));
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

void TestDesktop::lanAddressChoice_data()
{
    QTest::addColumn<QStringList>("interfaces");
    QTest::addColumn<QStringList>("expected"); // labels, in order
    const QString wifi = QStringLiteral("192.168.1.20 \u2014 wlan0");
    QTest::addRow("wifi") << QStringList{QStringLiteral("lo 127.0.0.1 ::1 loopback"), QStringLiteral("wlan0 192.168.1.20")}
                          << QStringList{wifi};
    QTest::addRow("loopback only: none") << QStringList{QStringLiteral("lo 127.0.0.1 loopback")} << QStringList();
    QTest::addRow("link-local (no DHCP answer): none") << QStringList{QStringLiteral("eth0 169.254.10.20")} << QStringList();
    QTest::addRow("interface down: none") << QStringList{QStringLiteral("eth0 down 192.168.1.30")} << QStringList();
    QTest::addRow("cable out (up, not running): none") << QStringList{QStringLiteral("eth0 norun 192.168.1.30")} << QStringList();
    QTest::addRow("IPv6 only: none") << QStringList{QStringLiteral("wlan0 fe80::1 2001:db8::5")} << QStringList();
    QTest::addRow("bridges skipped beside wifi")
        << QStringList{QStringLiteral("docker0 172.17.0.1"), QStringLiteral("br-4f2a 172.18.0.1"), QStringLiteral("virbr0 192.168.122.1"),
                       QStringLiteral("veth12ab 10.200.0.1"), QStringLiteral("tun0 10.8.0.6"), QStringLiteral("wlan0 192.168.1.20")}
        << QStringList{wifi};
    QTest::addRow("only a bridge: kept, better than nothing")
        << QStringList{QStringLiteral("docker0 172.17.0.1")} << QStringList{QStringLiteral("172.17.0.1 \u2014 docker0")};
    QTest::addRow("private before public, then the system's order")
        << QStringList{QStringLiteral("eth0 192.0.2.2"), QStringLiteral("wlan0 192.168.1.20 10.0.0.7")}
        << QStringList{wifi, QStringLiteral("10.0.0.7 \u2014 wlan0"), QStringLiteral("192.0.2.2 \u2014 eth0")};
}

void TestDesktop::lanAddressChoice()
{
    QFETCH(QStringList, interfaces);
    QFETCH(QStringList, expected);
    QStringList labels;
    for (const LanAddress &a : lanAddresses(::interfaces(interfaces)))
        labels.append(a.label());
    QCOMPARE(labels, expected);
}

void TestDesktop::shareSaysLoopbackByDefault()
{
    // The app's default: 127.0.0.1. No link, no QR code a phone would fail to open.
    QCOMPARE(m_host->engine()->address(), QHostAddress(QHostAddress::LocalHost));
    SharePanel *panel = share();
    QVERIFY(!panel->openToNetwork());
    QVERIFY(panel->stateLabel()->isVisible());
    QCOMPARE(panel->stateLabel()->text(),
             QStringLiteral("Only this computer can listen. Phones and other computers cannot reach it yet."));
    QVERIFY(panel->openButton()->isVisible());
    QCOMPARE(panel->openButton()->text(), QStringLiteral("Open to the local network"));
    QVERIFY(!panel->localButton()->isVisible());
    QVERIFY(!panel->qrLabel()->isVisible());
    QVERIFY(panel->qrUrl().isEmpty());
    QVERIFY(panel->plainUrl().isEmpty());
    const QString shown = visibleText(panel);
    QVERIFY2(!shown.contains(QLatin1String("127.0.0.1")) && !shown.contains(QLatin1String("http")), qPrintable(shown));
    // And it is true: this machine's LAN address does not answer.
    const QList<LanAddress> lan = lanAddresses(systemInterfaces());
    if (!lan.isEmpty())
        QVERIFY(!tcpConnects(lan.first().address, m_host->engine()->port()));
}

void TestDesktop::shareOpensToNetworkAndBackKeepingListeners()
{
    const quint16 port = m_host->engine()->port();
    WsClient before; // connected over loopback before the switch
    QVERIFY(before.openAndWaitConnected(ws(QStringLiteral("/ws/listen/main"))));
    SharePanel *panel = share();

    QTest::mouseClick(panel->openButton(), Qt::LeftButton);
    QCOMPARE(m_host->engine()->address(), QHostAddress(QHostAddress::AnyIPv4));
    QCOMPARE(m_host->engine()->port(), port); // the same port: links already handed out keep working
    QVERIFY(panel->openToNetwork());
    QCOMPARE(QSettings().value(QStringLiteral("server/network")).toBool(), true); // the Settings dialog's key
    QVERIFY(m_window->statusMessage()->text().contains(QLatin1String("can listen now")));
    QVERIFY(!panel->openButton()->isVisible());
    QVERIFY(panel->localButton()->isVisible());
    QCOMPARE(panel->localButton()->text(), QStringLiteral("This computer only"));
    // The listener connected before lives on and is still served.
    QString error;
    QVERIFY(m_host->sendBanner(QStringLiteral("still here"), QStringLiteral("info"), &error));
    QVERIFY(before.waitJsonType(QStringLiteral("new_broadcast")));
    QVERIFY(!before.disconnected);

    // Another address of this machine than 127.0.0.1: its LAN address, or (a machine without
    // one, as a CI container may be) 127.0.0.2, which reaches the engine only while it listens
    // on every address. The link and QR checks need a real LAN address.
    const QList<LanAddress> lan = lanAddresses(systemInterfaces());
    const QHostAddress other = lan.isEmpty() ? QHostAddress(QStringLiteral("127.0.0.2")) : lan.first().address;
    QVERIFY2(tcpConnects(other, port, &error), qPrintable(error));
    WsClient fromLan; // a listener that came in over the network
    QVERIFY(fromLan.openAndWaitConnected(
        QUrl(QStringLiteral("ws://%1:%2/ws/listen/main").arg(other.toString()).arg(port))));
    if (lan.isEmpty()) {
        qInfo("no non-loopback IPv4 address here: the link and QR checks are left out, reachability checked via 127.0.0.2");
    } else {
        // A phone's view: this machine's LAN address answers, in the link and the QR code.
        const QUrl link(panel->plainUrl());
        QCOMPARE(link.scheme(), QStringLiteral("http"));
        QCOMPARE(QHostAddress(link.host()), lan.first().address);
        QCOMPARE(link.port(), int(port));
        QCOMPARE(link.path(), QStringLiteral("/listen/main"));
        QCOMPARE(panel->qrUrl(), panel->plainUrl());
        QVERIFY(panel->qrLabel()->isVisible() && !panel->qrLabel()->pixmap().isNull());
        QVERIFY(!panel->stateLabel()->isVisible());
        QCOMPARE(panel->playlistUrl(), QStringLiteral("http://%1:%2/stream/main.m3u").arg(lan.first().address.toString()).arg(port));
        QVERIFY(!visibleText(panel).contains(QLatin1String("127.0.0.1")));
        // What the link and the QR code open, fetched through the LAN address as a phone would.
        const HttpReply page = httpVia(lan.first().address, port, link.path());
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("<html") || page.body.contains("<!DOCTYPE") || page.body.contains("<!doctype"));
        // The playlist for other apps names the players' streams at the address it was fetched on.
        const HttpReply playlist = httpVia(lan.first().address, port, QUrl(panel->playlistUrl()).path());
        QCOMPARE(playlist.status, 200);
        QVERIFY2(playlist.body.contains(QStringLiteral("http://%1:%2/stream/main.")
                                            .arg(lan.first().address.toString()).arg(port).toLatin1()),
                 playlist.body.constData());
    }

    // Back to this computer only: new connections from the network are refused, nobody is dropped.
    before.json.clear();
    QTest::mouseClick(panel->localButton(), Qt::LeftButton);
    QCOMPARE(m_host->engine()->address(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(m_host->engine()->port(), port);
    QCOMPARE(QSettings().value(QStringLiteral("server/network")).toBool(), false);
    QVERIFY(!panel->openToNetwork());
    QVERIFY(panel->stateLabel()->isVisible() && panel->openButton()->isVisible());
    QVERIFY(panel->qrUrl().isEmpty() && !panel->qrLabel()->isVisible());
    QVERIFY(!tcpConnects(other, port, &error));
    QVERIFY2(error.contains(QLatin1String("refused")), qPrintable(error));
    QVERIFY(tcpConnects(QHostAddress(QHostAddress::LocalHost), port));
    QVERIFY(m_host->sendBanner(QStringLiteral("still here after"), QStringLiteral("info"), &error));
    QVERIFY(before.waitJsonType(QStringLiteral("new_broadcast")));
    QVERIFY(fromLan.waitJsonType(QStringLiteral("new_broadcast")));
    QVERIFY(!before.disconnected && !fromLan.disconnected);
}

void TestDesktop::shareRebindFailureKeepsLoopback()
{
    // Another program holds the port on another loopback address: the whole network cannot be
    // had. The engine stays where it was, says why, and nothing is saved.
    const quint16 port = m_host->engine()->port();
    QTcpServer squatter;
    if (!squatter.listen(QHostAddress(QStringLiteral("127.0.0.2")), port))
        QSKIP("cannot listen on 127.0.0.2 here");
    WsClient before;
    QVERIFY(before.openAndWaitConnected(ws(QStringLiteral("/ws/listen/main"))));
    QTest::mouseClick(share()->openButton(), Qt::LeftButton);
    QCOMPARE(m_host->engine()->address(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(m_host->engine()->port(), port);
    QVERIFY(!share()->openToNetwork());
    QVERIFY(share()->openButton()->isVisible());
    QVERIFY(!QSettings().contains(QStringLiteral("server/network")));
    const QString message = m_window->statusMessage()->text();
    QVERIFY2(message.startsWith(QLatin1String("Could not open listening to the local network: cannot listen on 0.0.0.0:"))
                 && message.contains(QLatin1String("in use")),
             qPrintable(message));
    QVERIFY(tcpConnects(QHostAddress(QHostAddress::LocalHost), port)); // still listening
    QVERIFY(!before.disconnected);
    // The engine's own call says the same.
    QString error;
    QVERIFY(!m_host->rebind(QHostAddress(QHostAddress::AnyIPv4), &error));
    QVERIFY2(error.contains(QLatin1String("cannot listen on 0.0.0.0")), qPrintable(error));
}

void TestDesktop::shareStates_data()
{
    QTest::addColumn<bool>("secure");
    QTest::addColumn<bool>("plain"); // plain HTTP answers (always without HTTPS; --plain-http with it)
    QTest::addColumn<QStringList>("interfaces");
    QTest::addColumn<QString>("state");    // the panel's sentence, empty when it shows the link
    QTest::addColumn<int>("choices");      // addresses in the picker (hidden below 2)
    QTest::addColumn<QString>("linkHost"); // empty: no link, no QR code
    QTest::addColumn<QString>("hidden");   // an address that must not show
    const QStringList wifi{QStringLiteral("lo 127.0.0.1 loopback"), QStringLiteral("wlan0 192.168.1.20")};
    const QStringList several{QStringLiteral("docker0 172.17.0.1"), QStringLiteral("wlan0 192.168.1.20"),
                              QStringLiteral("eth1 10.1.2.3")};
    const QStringList none{QStringLiteral("lo 127.0.0.1 loopback"), QStringLiteral("eth0 169.254.7.7"),
                           QStringLiteral("docker0 down 172.17.0.1")};
    const QString noNetwork = QStringLiteral("No network connection found.");
    const QString docker = QStringLiteral("172.17.0.1");
    QTest::addRow("one address") << false << true << wifi << QString() << 1 << QStringLiteral("192.168.1.20") << QStringLiteral("127.0.0.1");
    QTest::addRow("several addresses: a picker, bridges left out") << false << true << several << QString() << 2
                                                                   << QStringLiteral("192.168.1.20") << docker;
    QTest::addRow("no network: said, no link") << false << true << none << noNetwork << 0 << QString() << QStringLiteral("169.254.7.7");
    QTest::addRow("only a container bridge: its link, with a caution")
        << false << true << QStringList{QStringLiteral("docker0 172.17.0.1")}
        << QStringLiteral("Only a virtual or VPN network was found") << 1 << docker << QStringLiteral("127.0.0.1");
    QTest::addRow("https, several addresses") << true << true << several << QString() << 2 << QStringLiteral("192.168.1.20") << docker;
    QTest::addRow("https, no network") << true << true << none << noNetwork << 0 << QString() << QStringLiteral("127.0.0.1");
    QTest::addRow("https only (--plain-http off): one link, https in the code")
        << true << false << wifi << QString() << 1 << QStringLiteral("192.168.1.20") << QStringLiteral("http://");
}

void TestDesktop::shareStates()
{
    QFETCH(bool, secure);
    QFETCH(bool, plain);
    QFETCH(QStringList, interfaces);
    QFETCH(QString, state);
    QFETCH(int, choices);
    QFETCH(QString, linkHost);
    QFETCH(QString, hidden);
    if (secure)
        startSecureWindow(plain);
    SharePanel *panel = share();
    panel->setInterfaceSource([interfaces] { return ::interfaces(interfaces); });
    QVERIFY(panel->setOpenToNetwork(true));
    QVERIFY(panel->openToNetwork());
    QCOMPARE(panel->stateLabel()->isVisible(), !state.isEmpty());
    if (!state.isEmpty())
        QVERIFY2(panel->stateLabel()->text().startsWith(state), qPrintable(panel->stateLabel()->text()));
    QCOMPARE(panel->addressPicker()->isVisible(), choices > 1);
    QCOMPARE(panel->addressPicker()->count(), choices);
    QVERIFY(panel->localButton()->isVisible()); // the way back is always there
    const quint16 port = m_host->engine()->port();
    if (linkHost.isEmpty()) {
        QVERIFY(panel->plainUrl().isEmpty() && panel->qrUrl().isEmpty());
        QVERIFY(!panel->qrLabel()->isVisible());
        QVERIFY2(!visibleText(panel).contains(QLatin1String("http")), qPrintable(visibleText(panel)));
    } else {
        QCOMPARE(panel->plainUrl(), plain ? QStringLiteral("http://%1:%2/listen/main").arg(linkHost).arg(port) : QString());
        QCOMPARE(panel->secureUrl(), secure ? QStringLiteral("https://%1:%2/listen/main").arg(linkHost).arg(port) : QString());
        // Plain by default: it opens on every phone without a warning.
        QCOMPARE(panel->qrUrl(), plain ? panel->plainUrl() : panel->secureUrl());
        QVERIFY(panel->qrLabel()->isVisible());
        QCOMPARE(panel->plainChoice()->isVisible(), secure && plain); // a choice only between two links
        const QString shown = visibleText(panel);
        if (plain)
            QVERIFY2(shown.contains(panel->plainUrl()), qPrintable(shown));
        if (secure)
            QVERIFY2(shown.contains(panel->secureUrl()), qPrintable(shown));
        else
            QVERIFY2(!shown.contains(QLatin1String("https")), qPrintable(shown));
        QVERIFY2(shown.contains(QLatin1String("Other apps (VLC, radio apps)")) && shown.contains(panel->playlistUrl()),
                 qPrintable(shown));
        QVERIFY(panel->playlistUrl().startsWith(plain ? QLatin1String("http://") : QLatin1String("https://")));
    }
    QVERIFY2(!visibleText(panel).contains(hidden), qPrintable(visibleText(panel)));
    // A 1366x768 laptop: the window can be made that small in every state (the styled app adds
    // ~60 px of group box margins to these unstyled sizes; a title bar and a desktop panel take
    // ~70), and the panel is no taller than its QR code, as before.
    const QSize window = m_window->minimumSizeHint();
    QVERIFY2(window.width() <= 1280 && window.height() <= 620, qPrintable(QStringLiteral("%1x%2").arg(window.width()).arg(window.height())));
    QVERIFY2(panel->minimumSizeHint().height() <= panel->qrLabel()->height() + 45,
             qPrintable(QString::number(panel->minimumSizeHint().height())));
    QVERIFY2(panel->minimumSizeHint().width() <= 560, qPrintable(QString::number(panel->minimumSizeHint().width())));
    if (const QString shots = qEnvironmentVariable("ONAIR_SHOTS"); !shots.isEmpty())
        panel->grab().save(shots + QStringLiteral("/share-%1.png").arg(QString::fromLatin1(QTest::currentDataTag()).section(u':', 0, 0).replace(u' ', u'-').remove(u',')));
}

void TestDesktop::sharePickerChangesLinkAndIsRemembered()
{
    const QStringList several{QStringLiteral("wlan0 192.168.1.20"), QStringLiteral("eth1 10.1.2.3")};
    SharePanel *panel = share();
    panel->setInterfaceSource([several] { return interfaces(several); });
    QTest::mouseClick(panel->openButton(), Qt::LeftButton);
    QComboBox *picker = panel->addressPicker();
    QVERIFY(picker->isVisible());
    QCOMPARE(picker->itemText(0), QStringLiteral("192.168.1.20 \u2014 wlan0"));
    QCOMPARE(picker->itemText(1), QStringLiteral("10.1.2.3 \u2014 eth1"));
    QCOMPARE(QUrl(panel->plainUrl()).host(), QStringLiteral("192.168.1.20"));
    picker->setFocus();
    QTest::keyClick(picker, Qt::Key_Down);
    QCOMPARE(picker->currentIndex(), 1);
    QCOMPARE(QUrl(panel->plainUrl()).host(), QStringLiteral("10.1.2.3"));
    QCOMPARE(QUrl(panel->qrUrl()).host(), QStringLiteral("10.1.2.3"));
    QCOMPARE(QUrl(panel->playlistUrl()).host(), QStringLiteral("10.1.2.3"));
    QCOMPARE(QSettings().value(QStringLiteral("share/address")).toString(), QStringLiteral("10.1.2.3"));
    // The next start (a new window on an engine opened by the saved setting) shows the same.
    m_window.reset();
    m_window = std::make_unique<MainWindow>(m_host.get(), m_log.get());
    m_window->show();
    share()->setInterfaceSource([several] { return interfaces(several); });
    QCOMPARE(QUrl(share()->plainUrl()).host(), QStringLiteral("10.1.2.3"));
    // The remembered address went away (another Wi-Fi): the first one left, and no stale link.
    share()->setInterfaceSource([] { return interfaces({QStringLiteral("wlan0 192.168.1.20")}); });
    QCOMPARE(QUrl(share()->plainUrl()).host(), QStringLiteral("192.168.1.20"));
    QVERIFY(!share()->addressPicker()->isVisible());
}

void TestDesktop::shareHttpsShowsBothLinksQrPlainByDefault()
{
    startSecureWindow();
    SharePanel *panel = share();
    panel->setInterfaceSource([] { return interfaces({QStringLiteral("wlan0 192.168.1.20")}); });
    QVERIFY(panel->setOpenToNetwork(true));
    const quint16 port = m_host->engine()->port();
    const QString plain = QStringLiteral("http://192.168.1.20:%1/listen/main").arg(port);
    const QString secure = QStringLiteral("https://192.168.1.20:%1/listen/main").arg(port);
    auto *plainEdit = m_window->findChild<QLineEdit *>(QStringLiteral("shareUrl"));
    auto *secureEdit = m_window->findChild<QLineEdit *>(QStringLiteral("shareSecureUrl"));
    QVERIFY(plainEdit && secureEdit && plainEdit->isVisible() && secureEdit->isVisible());
    QCOMPARE(plainEdit->text(), plain);
    QCOMPARE(secureEdit->text(), secure);
    QCOMPARE(panel->plainChoice()->text(), QStringLiteral("Any phone"));
    QCOMPARE(panel->secureChoice()->text(), QStringLiteral("HTTPS"));
    QVERIFY(panel->plainChoice()->toolTip().contains(QLatin1String("without a warning")));
    QVERIFY(panel->secureChoice()->toolTip().contains(QLatin1String("certificate warning")));
    // The QR code opens the plain link until the operator chooses HTTPS; the choice is kept.
    QVERIFY(panel->plainChoice()->isChecked());
    QCOMPARE(panel->qrUrl(), plain);
    const QImage plainQr = panel->qrLabel()->pixmap().toImage();
    QTest::mouseClick(panel->secureChoice(), Qt::LeftButton);
    QCOMPARE(panel->qrUrl(), secure);
    QVERIFY(panel->qrLabel()->pixmap().toImage() != plainQr);
    QCOMPARE(QSettings().value(QStringLiteral("share/qrSecure")).toBool(), true);
    auto *fingerprint = m_window->findChild<QLabel *>(QStringLiteral("tlsFingerprint"));
    QVERIFY(fingerprint && fingerprint->isVisible());
    QVERIFY(fingerprint->text().remove(u'\n').contains(m_host->engine()->tlsFingerprint()));
    // Both really answer on the one port: plain HTTP (what a phone gets without a warning) and TLS.
    const HttpReply plainPage = httpGet(port, QStringLiteral("/listen/main"));
    QCOMPARE(plainPage.status, 200);
    QSslSocket tls;
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // its own certificate; the fingerprint is compared by people
    tls.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    QVERIFY(tls.waitForEncrypted(5000));
    // Copying a link puts exactly it on the clipboard.
    const QList<QAction *> actions = secureEdit->actions();
    QCOMPARE(actions.size(), 1);
    actions.first()->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), secure);
    m_window.reset();
    m_window = std::make_unique<MainWindow>(m_host.get(), m_log.get());
    share()->setInterfaceSource([] { return interfaces({QStringLiteral("wlan0 192.168.1.20")}); });
    QVERIFY(share()->secureChoice()->isChecked());
    QCOMPARE(share()->qrUrl(), secure);
}

void TestDesktop::settingsNetworkAppliesAtOnceAndAgreesWithPanel()
{
    auto networkBox = [](SettingsDialog &dialog) -> QCheckBox * {
        for (QCheckBox *b : dialog.findChildren<QCheckBox *>())
            if (b->text().startsWith(QLatin1String("Listen on the network")))
                return b;
        return nullptr;
    };
    auto save = [](SettingsDialog &dialog) {
        dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->click();
    };
    {
        SettingsDialog dialog(m_host.get());
        QCheckBox *network = networkBox(dialog);
        QVERIFY(network && !network->isChecked());
        QTest::mouseClick(share()->openButton(), Qt::LeftButton); // the panel, while the dialog is open
    }
    {
        SettingsDialog dialog(m_host.get());
        QVERIFY(networkBox(dialog)->isChecked()); // what the engine does now
        WsClient l;
        QVERIFY(l.openAndWaitConnected(ws(QStringLiteral("/ws/listen/main"))));
        networkBox(dialog)->setChecked(false);
        save(dialog);
        QCOMPARE(m_host->engine()->address(), QHostAddress(QHostAddress::LocalHost)); // at once
        QVERIFY(!l.disconnected);
    }
    QCOMPARE(QSettings().value(QStringLiteral("server/network")).toBool(), false);
    QVERIFY(!share()->openToNetwork()); // the panel followed
    QVERIFY(share()->openButton()->isVisible());
    {
        SettingsDialog dialog(m_host.get());
        networkBox(dialog)->setChecked(true);
        save(dialog);
    }
    QCOMPARE(m_host->engine()->address(), QHostAddress(QHostAddress::AnyIPv4));
    QVERIFY(share()->openToNetwork());
    QCOMPARE(QSettings().value(QStringLiteral("server/network")).toBool(), true);
    // What the next start reads.
    EngineConfig next;
    SettingsDialog::loadInto(&next);
    QCOMPARE(next.bindAddress, QHostAddress(QHostAddress::AnyIPv4));
}

void TestDesktop::startSecureWindow(bool plainHttp)
{
    cleanup();
    QSettings().setValue(QStringLiteral("server/tls"), true);
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data-share-tls"));
    c.plainHttp = plainHttp;
    QString error;
    QVERIFY2(SettingsDialog::prepareTls(&c, &error), qPrintable(error));
    QSettings().remove(QStringLiteral("server/tls"));
    startWindow(c);
    QVERIFY(m_host->engine()->secure());
}

void TestDesktop::startWithStandInStages()
{
    cleanup();
    EngineConfig c = testConfig();
    c.dataDir = m_dir->filePath(QStringLiteral("data-interpretation"));
    startWindow(c, standInStages());
    if (QTest::currentTestFailed())
        return;
    // The stand-ins are installed stages: the panel offers interpretation, and asking for it
    // shows the panel.
    InterpretationPanel *panel = m_window->interpretationPanel();
    QVERIFY(panel);
    QVERIFY(panel->available());
    m_window->showInterpretation();
    QVERIFY(panel->isVisible());
}

void TestDesktop::interpretationPanelAppliesThroughEngine()
{
    startWithStandInStages();
    if (QTest::currentTestFailed())
        return;
    InterpretationPanel *panel = m_window->interpretationPanel();
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
    // The engine's snapshot can select "hall" in the streams table (which the panel follows)
    // a moment before the audio thread says it is on air: the label follows then.
    QTRY_COMPARE(panel->streamCombo()->currentText(), QStringLiteral("hall (on air)"));
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
    if (QTest::currentTestFailed())
        return;
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
    ONAIR_SKIP_WITHOUT("espeak-ng");
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
