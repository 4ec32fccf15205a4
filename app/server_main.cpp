// onair-server: the engine without a window, for replicas and scripts.
#include "engine.h"
#include "serveroptions.h"
#include "unixsignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>

#include <cstdio>

int main(int argc, char *argv[])
{
    // Qt's own UNIX event dispatcher: the glib one spends a large share of CPU on socket
    // notifier bookkeeping once thousands of sockets are open. Must precede the app object.
    qputenv("QT_NO_GLIB", "1");
    if (!qEnvironmentVariableIsSet("QT_MESSAGE_PATTERN"))
        qputenv("QT_MESSAGE_PATTERN", "%{time yyyy-MM-ddThh:mm:ss.zzz} %{category} %{type}: %{message}");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("onair"));
    QCoreApplication::setOrganizationName(QStringLiteral("OnAir"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ONAIR_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "OnAir headless broadcast server: /ws/speak/{stream}, /ws/listen/{stream}, /ws, /health, /metrics."));
    parser.addHelpOption();
    parser.addVersionOption();
    onair::addEngineOptions(parser);
    parser.process(app);

    onair::EngineConfig config;
    if (const QString err = onair::applyEngineOptions(parser, &config); !err.isEmpty()) {
        std::fprintf(stderr, "onair-server: %s\n", qPrintable(err));
        return 2;
    }
    QDir().mkpath(config.dataDir);

    onair::Engine engine(config);
    QString error;
    if (!engine.start(&error)) {
        std::fprintf(stderr, "onair-server: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("OnAir listening on http://%s:%u\n", qPrintable(engine.address().toString()), engine.port());
    std::fflush(stdout);

    onair::UnixSignals unixSignals;
    QObject::connect(&unixSignals, &onair::UnixSignals::terminationRequested, &engine, &onair::Engine::shutdown);
    QObject::connect(&engine, &onair::Engine::stopped, &app, [] { QCoreApplication::exit(0); });
    return app.exec();
}
