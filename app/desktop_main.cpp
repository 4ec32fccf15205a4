// onair: the desktop control room, with the engine running in-process on its own threads.
#include "enginehost.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "engine/serveroptions.h"
#include "settingsdialog.h"
#include "speakcontroller.h"
#include "style.h"
#include "core/unixsignals.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QTimer>
#include <QTranslator>

#include <cstdio>

namespace {

void describeApplication()
{
    QApplication::setApplicationName(QStringLiteral("onair"));
    QApplication::setOrganizationName(QStringLiteral("OnAir"));
    QApplication::setApplicationVersion(QStringLiteral(ONAIR_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.onair.OnAir"));
}

// The engine's options and the control room's own; exits on --help, --version or a bad option.
void parseOptions(QCommandLineParser &parser, const QApplication &app)
{
    parser.setApplicationDescription(QStringLiteral("OnAir control room: go on air, watch listeners, send banners."));
    parser.addHelpOption();
    parser.addVersionOption();
    onair::addEngineOptions(parser);
    parser.addOption({QStringLiteral("source"), QStringLiteral("Audio source: mic, mic:NAME, tone, tone:HZ or file:PATH."),
                      QStringLiteral("spec")});
    parser.addOption({QStringLiteral("codec"), QStringLiteral("Speaker codec: opus or pcm [default: saved setting, opus]."),
                      QStringLiteral("codec")});
    parser.addOption({QStringLiteral("bitrate"), QStringLiteral("Opus bitrate in b/s [default: saved setting, 32000]."),
                      QStringLiteral("bps")});
    parser.addOption({QStringLiteral("frame-ms"), QStringLiteral("Opus frame length: 10 or 20 [default: saved setting, 20]."),
                      QStringLiteral("ms")});
    parser.addOption({QStringLiteral("voice-processing"),
                      QStringLiteral("Voice processing (high-pass, noise suppression, automatic gain, limiter; switched one "
                                     "by one in Settings > Audio) for: mic (microphones), all (the tone and files too) or off [mic]."),
                      QStringLiteral("mode"), QStringLiteral("mic")});
    parser.addOption({QStringLiteral("on-air"), QStringLiteral("Go on air on this stream at launch."), QStringLiteral("stream")});
    parser.addOption({QStringLiteral("lang"), QStringLiteral("User interface language (en, nl) [default: the system's]."),
                      QStringLiteral("lang")});
    parser.addOption({QStringLiteral("tab"),
                      QStringLiteral("The tab shown below at launch: log, channels (Interpretation: language channels), "
                                     "interpretation (Interpretation: the machine's), or archive [log]."),
                      QStringLiteral("name")});
    parser.addOption({QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window after --screenshot-delay ms and quit."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("screenshot-delay"), QStringLiteral("Delay before --screenshot [3000]."),
                      QStringLiteral("ms"), QStringLiteral("3000")});
    parser.process(app);
}

// OnAir's strings and Qt's own (the standard dialogs' buttons) in --lang, else the system's language.
void installTranslators(const QCommandLineParser &parser, QTranslator *translator, QTranslator *qtTranslator)
{
    const QString lang = parser.isSet(QStringLiteral("lang")) ? parser.value(QStringLiteral("lang")) : QLocale().name();
    if (translator->load(QLocale(lang), QStringLiteral("onair"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(translator);
    if (qtTranslator->load(QLocale(lang), QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qtTranslator);
}

// The engine's configuration and the certificate for secure connections: 0 when the engine
// may start, else the exit status.
int configureEngine(const QCommandLineParser &parser, onair::EngineConfig *config)
{
    onair::SettingsDialog::loadInto(config); // saved settings, then flags and ONAIR_* on top
    if (const QString err = onair::applyEngineOptions(parser, config); !err.isEmpty()) {
        std::fprintf(stderr, "onair: %s\n", qPrintable(err));
        return 2;
    }
    if (QString err; !onair::SettingsDialog::prepareTls(config, &err)) {
        std::fprintf(stderr, "onair: %s\n", qPrintable(err));
        QMessageBox::critical(nullptr, QObject::tr("OnAir"), QObject::tr("No certificate for secure connections:\n%1").arg(err));
        return 1;
    }
#ifndef ONAIR_HAS_INTERPRETATION
    if (!config->translateTargets.isEmpty()) {
        std::fprintf(stderr, "onair: --translate: this build has no interpretation stages (ONAIR_INTERPRETATION=OFF or packages missing)\n");
        return 2;
    }
#endif
    return 0;
}

// --codec, --bitrate and --frame-ms over the saved encoding (none given: *encoding stays empty).
// 0, else the exit status.
int speakerEncoding(const QCommandLineParser &parser, std::optional<onair::AudioEncoding> *encoding)
{
    if (!parser.isSet(QStringLiteral("codec")) && !parser.isSet(QStringLiteral("bitrate")) && !parser.isSet(QStringLiteral("frame-ms")))
        return 0;
    onair::AudioEncoding e = onair::AudioEncoding::load();
    if (parser.isSet(QStringLiteral("codec")))
        e.codec = parser.value(QStringLiteral("codec"));
    if (parser.isSet(QStringLiteral("bitrate")))
        e.bitrate = parser.value(QStringLiteral("bitrate")).toInt();
    if (parser.isSet(QStringLiteral("frame-ms")))
        e.frameMs = parser.value(QStringLiteral("frame-ms")).toDouble();
    if (const QString err = e.validate(); !err.isEmpty()) {
        std::fprintf(stderr, "onair: %s\n", qPrintable(err));
        return 2;
    }
    *encoding = e;
    return 0;
}

// --voice-processing: 0, else the exit status.
int voiceMode(const QCommandLineParser &parser, onair::VoiceMode *mode)
{
    if (onair::parseVoiceMode(parser.value(QStringLiteral("voice-processing")), mode))
        return 0;
    std::fprintf(stderr, "onair: --voice-processing must be mic, all or off\n");
    return 2;
}

// Starts the engine and says where it listens; false (said on stderr and in a box) when it cannot.
bool startEngine(onair::EngineHost &host)
{
    QString error;
    if (!host.start(&error)) {
        std::fprintf(stderr, "onair: %s\n", qPrintable(error));
        QMessageBox::critical(nullptr, QObject::tr("OnAir"), QObject::tr("The broadcast server could not start:\n%1").arg(error));
        return false;
    }
    std::printf("OnAir listening on %s://%s:%u\n", host.engine()->secure() ? "https" : "http",
                qPrintable(host.engine()->address().toString()), host.engine()->port());
    if (host.engine()->secure())
        std::printf("TLS certificate SHA-256 %s\n", qPrintable(host.engine()->tlsFingerprint()));
    std::fflush(stdout);
    return true;
}

// --translate (engine option): every stream spoken on here is interpreted; the panel shows it.
void showInterpretation(onair::MainWindow &window, onair::EngineHost &host, const onair::EngineConfig &config)
{
    const QStringList installed = host.interpretationTargets(config.translateSource);
    for (const QString &target : std::as_const(config.translateTargets)) {
        if (!installed.contains(target))
            std::fprintf(stderr, "onair: --translate: no translation from %s into %s is installed (installed: %s)\n",
                         qPrintable(config.translateSource), qPrintable(target),
                         installed.isEmpty() ? "none" : qPrintable(installed.join(u',')));
    }
    window.showInterpretation();
}

// --screenshot: a PNG of the window after --screenshot-delay ms, then quit.
void scheduleScreenshot(const QCommandLineParser &parser, onair::MainWindow &window)
{
    const QString path = parser.value(QStringLiteral("screenshot"));
    QTimer::singleShot(parser.value(QStringLiteral("screenshot-delay")).toInt(), &window, [&window, path] {
        window.grab().save(path);
        window.close();
        QApplication::quit();
    });
}

// Benchmark hook: ONAIR_UI_STALL_REPORT=1 measures how late a 10 ms timer on the window's
// thread fires (the window's responsiveness) and prints the worst and p99 lateness at exit.
class StallReport
{
public:
    void start(QApplication &app)
    {
        m_clock.start();
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, &app, [this] {
            m_lateness.append(qMax<qint64>(0, m_clock.restart() - 10));
        });
        m_timer.start(10);
        QObject::connect(&app, &QCoreApplication::aboutToQuit, &app, [this] {
            std::sort(m_lateness.begin(), m_lateness.end());
            if (!m_lateness.isEmpty())
                std::printf("UI timer lateness over %lld ticks: p50 %lld ms, p99 %lld ms, max %lld ms\n",
                            qlonglong(m_lateness.size()), qlonglong(m_lateness[m_lateness.size() / 2]),
                            qlonglong(m_lateness[m_lateness.size() * 99 / 100]), qlonglong(m_lateness.last()));
            std::fflush(stdout);
        });
    }

private:
    QElapsedTimer m_clock;
    QList<qint64> m_lateness;
    QTimer m_timer;
};

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_NO_GLIB", "1"); // see app/server_main.cpp: the fan-out workers need the UNIX dispatcher
    // The Archive tab plays Ogg Opus recordings with QMediaPlayer: the FFmpeg backend plays them
    // with nothing else installed, where Qt 6.4's GStreamer one crashes without its plugins.
    if (!qEnvironmentVariableIsSet("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    describeApplication();
    QCommandLineParser parser;
    parseOptions(parser, app);
    QTranslator translator;
    QTranslator qtTranslator;
    installTranslators(parser, &translator, &qtTranslator);

    onair::EngineConfig config;
    if (const int status = configureEngine(parser, &config))
        return status;
    std::optional<onair::AudioEncoding> encoding;
    if (const int status = speakerEncoding(parser, &encoding))
        return status;
    onair::VoiceMode voice = onair::VoiceMode::Microphones;
    if (const int status = voiceMode(parser, &voice))
        return status;
    onair::applyControlRoomStyle(app);
    onair::LogModel log;
    onair::EngineHost host(config);
    if (!startEngine(host))
        return 1;

    onair::MainWindow window(&host, &log);
    if (encoding)
        window.speaker()->setEncoding(*encoding);
    window.speaker()->setVoiceMode(voice);
    if (parser.isSet(QStringLiteral("source")))
        window.setSource(parser.value(QStringLiteral("source")));
    if (!config.translateTargets.isEmpty())
        showInterpretation(window, host, config);
    if (const QString tab = parser.value(QStringLiteral("tab")); tab == QLatin1String("channels"))
        window.showLanguageChannels();
    else if (tab == QLatin1String("interpretation"))
        window.showInterpretation();
    else if (tab == QLatin1String("archive"))
        window.showArchive();
    else if (!tab.isEmpty() && tab != QLatin1String("log"))
        std::fprintf(stderr, "onair: --tab: use log, channels, interpretation or archive\n");
    window.show();
    if (parser.isSet(QStringLiteral("on-air")))
        window.goOnAir(parser.value(QStringLiteral("on-air")));
    if (parser.isSet(QStringLiteral("screenshot")))
        scheduleScreenshot(parser, window);
    StallReport stalls;
    if (qEnvironmentVariableIsSet("ONAIR_UI_STALL_REPORT"))
        stalls.start(app);
    onair::UnixSignals unixSignals;
    QObject::connect(&unixSignals, &onair::UnixSignals::terminationRequested, &app, [&window] {
        window.close();
        QApplication::quit();
    });
    return app.exec();
}
