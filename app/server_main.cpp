// onair-server: the engine without a window, for replicas and scripts.
#include "auth/auth.h"
#include "engine/engine.h"
#include "protocol/streamid.h"
#include "engine/serveroptions.h"
#include "net/tls.h"
#include "core/unixsignals.h"
#ifdef ONAIR_HAS_INTERPRETATION
#include "interpretation/stages/stages.h"
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTcpSocket>

#include <cstdio>

namespace {
// onair-server token --role speaker --stream main --ttl 8h [--sub NAME] [--data-dir DIR]
int mintTokenCommand(QCoreApplication &app)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Prints a token signed with the data directory's secret."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("token"), QStringLiteral("the subcommand"));
    p.addOption({QStringLiteral("role"), QStringLiteral("admin, speaker, interpreter or listener."), QStringLiteral("role")});
    p.addOption({QStringLiteral("stream"), QStringLiteral("Limit a speaker to this stream or language channel (main~nl), an interpreter to the channels of this stream (repeatable)."), QStringLiteral("id")});
    p.addOption({QStringLiteral("ttl"), QStringLiteral("Lifetime: 30m, 8h, 7d or seconds [default 8h]."), QStringLiteral("ttl"),
                 QStringLiteral("8h")});
    p.addOption({QStringLiteral("sub"), QStringLiteral("Who the token names [default: the role]."), QStringLiteral("name")});
    p.addOption({QStringLiteral("data-dir"), QStringLiteral("The server's data directory."), QStringLiteral("dir")});
    p.addOption({QStringLiteral("secret"), QStringLiteral("Use this secret instead of the data directory's."), QStringLiteral("secret")});
    p.process(app);
    const onair::Role role = onair::roleFromName(p.value(QStringLiteral("role")));
    if (role == onair::Role::None) {
        std::fprintf(stderr, "onair-server token: --role must be admin, speaker, interpreter or listener\n");
        return 2;
    }
    const qint64 ttl = onair::parseDurationSecs(p.value(QStringLiteral("ttl")));
    if (ttl <= 0) {
        std::fprintf(stderr, "onair-server token: --ttl: use e.g. 30m, 8h, 7d\n");
        return 2;
    }
    for (const QString &s : p.values(QStringLiteral("stream"))) {
        const QString e = role == onair::Role::Interpreter ? onair::streamIdError(s) : onair::listenableStreamIdError(s);
        if (!e.isEmpty()) {
            std::fprintf(stderr, "onair-server token: --stream '%s': %s\n", qPrintable(s), qPrintable(e));
            return 2;
        }
    }
    QByteArray secret = p.value(QStringLiteral("secret")).toUtf8();
    if (secret.isEmpty())
        secret = qEnvironmentVariable("ONAIR_SECRET").toUtf8();
    if (secret.isEmpty()) {
        QString dir = p.value(QStringLiteral("data-dir"));
        if (dir.isEmpty())
            dir = qEnvironmentVariable("ONAIR_DATA_DIR");
        if (dir.isEmpty())
            dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QDir().mkpath(dir);
        QString error;
        secret = onair::loadOrCreateSecret(QDir(dir).filePath(QStringLiteral("secret.key")), &error);
        if (secret.isEmpty()) {
            std::fprintf(stderr, "onair-server token: %s\n", qPrintable(error));
            return 1;
        }
    }
    onair::TokenClaims c;
    c.role = role;
    c.sub = p.isSet(QStringLiteral("sub")) ? p.value(QStringLiteral("sub")) : onair::roleName(role);
    c.streams = p.values(QStringLiteral("stream"));
    c.iat = QDateTime::currentSecsSinceEpoch();
    c.exp = c.iat + ttl;
    std::printf("%s\n", onair::mintToken(c, secret).constData());
    return 0;
}

// onair-server cert --out DIR [--name NAME ...] [--days N]: a self-signed certificate for this
// machine (names: localhost, the host name, its addresses, plus --name), for --tls-cert/--tls-key.
int certCommand(QCoreApplication &app)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Makes a self-signed TLS certificate for this machine on the local network."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("cert"), QStringLiteral("the subcommand"));
    p.addOption({QStringLiteral("out"), QStringLiteral("Directory for onair-cert.pem and onair-key.pem."), QStringLiteral("dir")});
    p.addOption({QStringLiteral("name"), QStringLiteral("Another DNS name or IP address (repeatable)."), QStringLiteral("name")});
    p.addOption({QStringLiteral("days"), QStringLiteral("Validity in days [default: 397]."), QStringLiteral("n"), QStringLiteral("397")});
    p.process(app);
    bool ok = false;
    const int days = p.value(QStringLiteral("days")).toInt(&ok);
    if (!p.isSet(QStringLiteral("out")) || !ok || days < 1) {
        std::fprintf(stderr, "onair-server cert: give --out DIR and --days >= 1\n");
        return 2;
    }
    const QDir dir(p.value(QStringLiteral("out")));
    const QString cert = dir.filePath(QStringLiteral("onair-cert.pem"));
    const QString key = dir.filePath(QStringLiteral("onair-key.pem"));
    QString error;
    if (!onair::makeSelfSignedCertificate(cert, key, p.values(QStringLiteral("name")), days, &error)) {
        std::fprintf(stderr, "onair-server cert: %s\n", qPrintable(error));
        return 1;
    }
    const QList<QSslCertificate> c = QSslCertificate::fromPath(cert);
    std::printf("--tls-cert %s --tls-key %s\nSHA-256 %s\n", qPrintable(cert), qPrintable(key),
                qPrintable(c.isEmpty() ? QString() : onair::certificateFingerprint(c.first())));
    return 0;
}
} // namespace

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

    if (argc > 1 && qstrcmp(argv[1], "token") == 0)
        return mintTokenCommand(app);
    if (argc > 1 && qstrcmp(argv[1], "cert") == 0)
        return certCommand(app);

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
#ifdef ONAIR_HAS_INTERPRETATION
    engine.setInterpretationBackends(onair::defaultInterpretationBackends(config));
#else
    if (!config.translateTargets.isEmpty()) {
        std::fprintf(stderr, "onair-server: --translate: this build has no interpretation stages (ONAIR_INTERPRETATION=OFF or packages missing)\n");
        return 2;
    }
#endif
    QString error;
    if (!engine.start(&error)) {
        std::fprintf(stderr, "onair-server: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("OnAir listening on %s://%s:%u\n", engine.secure() ? "https" : "http", qPrintable(engine.address().toString()), engine.port());
    std::fflush(stdout);

    onair::UnixSignals unixSignals;
    QObject::connect(&unixSignals, &onair::UnixSignals::terminationRequested, &engine, &onair::Engine::shutdown);
    QObject::connect(&engine, &onair::Engine::stopped, &app, [&engine] {
        // Answers to REST calls handled during the drain may still sit in their sockets'
        // buffers; destroying the sockets would drop them (a banner stored, its 201 never
        // sent). Hand them to the kernel first, which delivers them after the exit.
        const QList<QTcpSocket *> sockets = engine.findChildren<QTcpSocket *>();
        for (QTcpSocket *s : sockets) {
            if (s->state() == QAbstractSocket::ConnectedState && s->bytesToWrite() > 0) {
                s->flush();
                if (s->bytesToWrite() > 0)
                    s->waitForBytesWritten(200);
            }
        }
        QCoreApplication::exit(0);
    });
    return app.exec();
}
