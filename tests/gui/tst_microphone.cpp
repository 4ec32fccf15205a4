// The microphone path with a real PulseAudio server (started by microphone_test.sh): speech
// played into a virtual source reaches a WebSocket listener, moves the meter, and the local
// monitor plays the stream back through QAudioSink.
#include "audiolevel.h"
#include "enginehost.h"
#include "levelmeter.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "monitor.h"
#include "streamsmodel.h"
#include "testsupport.h"

#include <QCheckBox>
#include <QLabel>
#include <QAudioDevice>
#include <QMediaDevices>
#include <QTableView>
#include <QTest>

using namespace onair;
using namespace onair::test;

class TestMicrophone : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fromPulseAudioVirtualSource();
};

void TestMicrophone::fromPulseAudioVirtualSource()
{
    // microphone_test.sh starts PulseAudio with a virtual source that plays speech.
    bool found = false;
    for (const QAudioDevice &d : QMediaDevices::audioInputs())
        found |= d.description().contains(QLatin1String("VirtualMic"));
    QVERIFY2(found, "the PulseAudio VirtualMic source is not visible to Qt Multimedia");
    QTemporaryDir dir;
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toUtf8());
    EngineConfig c = testConfig();
    c.dataDir = dir.filePath(QStringLiteral("data"));
    LogModel log;
    EngineHost host(c);
    QString error;
    QVERIFY2(host.start(&error), qPrintable(error));
    MainWindow window(&host, &log);
    window.show();
    MainWindow *m_window = &window;
    WsClient l;
    QVERIFY(l.openAndWaitConnected(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/listen/mic").arg(host.engine()->port()))));
    m_window->setSource(QStringLiteral("mic:VirtualMic"));
    m_window->goOnAir(QStringLiteral("mic"));
    QVERIFY2(l.waitBinary(100, 10000), qPrintable(m_window->statusMessage()->text()));
    double loudest = -120;
    for (const QByteArray &f : std::as_const(l.binary))
        loudest = qMax(loudest, measureS16(f).peakDb);
    qInfo() << "loudest captured frame:" << loudest << "dBFS";
    QVERIFY2(loudest > -30, "the virtual microphone's speech did not reach the listener");
    QTRY_VERIFY(m_window->levelMeter()->peakDb() > -60);
    // Monitoring the stream locally plays it through QAudioSink (PulseAudio's null sink here).
    QTRY_COMPARE(m_window->streamsModel()->rowOf(QStringLiteral("mic")), 0);
    m_window->streamsView()->selectRow(0);
    m_window->monitorBox()->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->monitor()->framesPlayed() > 20, 5000);
    QVERIFY(m_window->statusMessage()->text().isEmpty() || !m_window->statusMessage()->text().contains(QLatin1String("No audio output")));
}

QTEST_MAIN(TestMicrophone)
#include "tst_microphone.moc"
