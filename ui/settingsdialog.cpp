#include "settingsdialog.h"

#include "auth/auth.h"
#include "config/config.h"
#include "enginehost.h"
#include "speakcontroller.h"
#include "protocol/streamid.h"
#include "net/tls.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QSslCertificate>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace onair {

void SettingsDialog::loadInto(EngineConfig *config)
{
    const QSettings s;
    config->port = quint16(s.value(QStringLiteral("server/port"), config->port).toUInt());
    if (s.value(QStringLiteral("server/network"), false).toBool())
        config->bindAddress = QHostAddress::AnyIPv4;
    config->maxListenersPerStream = s.value(QStringLiteral("server/maxListeners"), config->maxListenersPerStream).toInt();
    config->maxConnections = s.value(QStringLiteral("server/maxConnections"), config->maxConnections).toInt();
}

QString SettingsDialog::tlsDir(const EngineConfig &config)
{
    return QDir(config.dataDir).filePath(QStringLiteral("tls"));
}

bool SettingsDialog::prepareTls(EngineConfig *config, QString *error, bool renew)
{
    if (!config->tlsCertPath.isEmpty() || !QSettings().value(QStringLiteral("server/tls"), false).toBool())
        return true;
    const QDir dir(tlsDir(*config));
    const QString cert = dir.filePath(QStringLiteral("onair-cert.pem"));
    const QString key = dir.filePath(QStringLiteral("onair-key.pem"));
    bool fresh = !renew && QFile::exists(key);
    if (fresh) {
        const QList<QSslCertificate> c = QSslCertificate::fromPath(cert);
        fresh = !c.isEmpty() && c.first().expiryDate() > QDateTime::currentDateTimeUtc().addDays(30);
    }
    if (!fresh && !makeSelfSignedCertificate(cert, key, {}, 397, error))
        return false;
    config->tlsCertPath = cert;
    config->tlsKeyPath = key;
    return true;
}

SettingsDialog::SettingsDialog(EngineHost *host, QWidget *parent) : QDialog(parent), m_host(host)
{
    setWindowTitle(tr("Settings"));
    EngineConfig c;
    loadInto(&c);
    QGroupBox *server = buildServer(c);
    QGroupBox *audio = buildAudio();
    QGroupBox *tokens = buildToken();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    auto *l = new QVBoxLayout(this);
    l->addWidget(server);
    l->addWidget(audio);
    l->addWidget(tokens);
    l->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

// Port, network, HTTPS and limits, from the saved settings `c`.
QGroupBox *SettingsDialog::buildServer(const EngineConfig &c)
{
    m_port = new QSpinBox;
    m_port->setRange(0, 65535);
    m_port->setValue(c.port);
    m_network = new QCheckBox(tr("Listen on the network (phones and other computers can join; applies at once)"));
    // What the engine does now (the Share panel switches it at once), not only what was saved.
    m_network->setChecked(m_host->reachableFromNetwork());
    m_network->setToolTip(tr("Applies at once, like \"Open to the local network\" in the Share panel; "
                             "listeners already connected stay."));
    m_tls = new QCheckBox(tr("Secure connections (HTTPS) with a certificate made for this computer"));
    m_tls->setChecked(QSettings().value(QStringLiteral("server/tls"), false).toBool());
    m_tls->setToolTip(tr("Browsers on other machines need HTTPS for the microphone and the Opus decoder. "
                         "They warn once about a self-signed certificate: compare its fingerprint with the one shown here."));
    auto *renew = new QPushButton(tr("Make a new certificate"));
    renew->setToolTip(tr("For example after this computer got a new address on the network."));
    m_maxListeners = new QSpinBox;
    m_maxListeners->setRange(1, 19000);
    m_maxListeners->setValue(c.maxListenersPerStream);
    m_maxConnections = new QSpinBox;
    m_maxConnections->setRange(1, 19000);
    m_maxConnections->setValue(c.maxConnections);

    auto *server = new QGroupBox(tr("Server (applied at the next start)"));
    auto *f = new QFormLayout(server);
    f->addRow(tr("Port"), m_port);
    f->addRow(QString(), m_network);
    f->addRow(QString(), m_tls);
    const QString fingerprint = m_host->engine()->tlsFingerprint();
    auto *certInfo = new QLabel(fingerprint.isEmpty() ? tr("Not in use now.")
                                                      : tr("In use, SHA-256 fingerprint:\n%1").arg(fingerprint));
    certInfo->setObjectName(QStringLiteral("certificateInfo"));
    certInfo->setWordWrap(true);
    certInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    f->addRow(tr("Certificate"), certInfo);
    f->addRow(QString(), renew);
    connect(renew, &QPushButton::clicked, this, [this, certInfo] { renewCertificate(certInfo); });
    f->addRow(tr("Listeners per stream"), m_maxListeners);
    f->addRow(tr("Connections in total"), m_maxConnections);
    return server;
}

// A new self-signed certificate, used from the next start; `certInfo` shows its fingerprint.
void SettingsDialog::renewCertificate(QLabel *certInfo)
{
    EngineConfig cfg = m_host->engine()->config();
    cfg.tlsCertPath.clear();
    QString err;
    QSettings().setValue(QStringLiteral("server/tls"), true);
    m_tls->setChecked(true);
    if (!prepareTls(&cfg, &err, true)) {
        QMessageBox::warning(this, tr("Certificate"), tr("No certificate could be made: %1").arg(err));
        return;
    }
    const QList<QSslCertificate> made = QSslCertificate::fromPath(cfg.tlsCertPath);
    certInfo->setText(tr("New certificate (used at the next start), SHA-256 fingerprint:\n%1")
                          .arg(made.isEmpty() ? QString() : certificateFingerprint(made.first())));
}

// The speaker's codec, bitrate and frame length (bitrate and frame only for Opus).
QGroupBox *SettingsDialog::buildAudio()
{
    const AudioEncoding enc = AudioEncoding::load();
    m_codec = new QComboBox;
    m_codec->addItem(tr("Opus (recommended)"), QStringLiteral("opus"));
    m_codec->addItem(tr("PCM (uncompressed, 768 kb/s per listener)"), QStringLiteral("pcm"));
    m_codec->setCurrentIndex(qMax(0, m_codec->findData(enc.codec)));
    m_bitrate = new QComboBox;
    for (int kbps : {16, 24, 32, 48, 64, 96, 128})
        m_bitrate->addItem(kbps == 32 ? tr("%1 kb/s (speech)").arg(kbps) : tr("%1 kb/s").arg(kbps), kbps * 1000);
    m_bitrate->setCurrentIndex(qMax(0, m_bitrate->findData(enc.bitrate)));
    m_frame = new QComboBox;
    m_frame->addItem(tr("20 ms"), 20.0);
    m_frame->addItem(tr("10 ms (lower delay, more bandwidth)"), 10.0);
    m_frame->setCurrentIndex(enc.frameMs == 10 ? 1 : 0);
    auto *audio = new QGroupBox(tr("Audio"));
    auto *af = new QFormLayout(audio);
    m_codec->setAccessibleName(tr("Codec"));
    m_bitrate->setAccessibleName(tr("Bitrate"));
    m_frame->setAccessibleName(tr("Frame length"));
    af->addRow(tr("Codec"), m_codec);
    af->addRow(tr("Bitrate"), m_bitrate);
    af->addRow(tr("Frame length"), m_frame);
    auto *encodingNote = new QLabel(tr("The codec, bitrate and frame length apply when you next go on air."));
    encodingNote->setWordWrap(true);
    af->addRow(QString(), encodingNote);
    addVoiceProcessing(af);
    auto syncAudio = [this] {
        const bool opus = m_codec->currentData().toString() == QLatin1String("opus");
        m_bitrate->setEnabled(opus);
        m_frame->setEnabled(opus);
    };
    connect(m_codec, &QComboBox::currentIndexChanged, this, syncAudio);
    syncAudio();
    return audio;
}

// The four switches of the microphone's voice processing (server/audio/voiceprocessor.h).
void SettingsDialog::addVoiceProcessing(QFormLayout *form)
{
    const VoiceOptions o = loadVoiceOptions();
    auto box = [](const QString &text, bool on, const QString &tip) {
        auto *c = new QCheckBox(text);
        c->setChecked(on);
        c->setToolTip(tip);
        return c;
    };
    m_highPass = box(tr("High-pass filter"), o.highPass, tr("Removes rumble and hum below about 80 Hz."));
    m_noiseSuppression = box(tr("Noise suppression"), o.noiseSuppression,
                             tr("Lowers steady background noise (fans, air conditioning) between and under the words."));
    m_autoGain = box(tr("Automatic gain"), o.autoGain, tr("Brings quiet and loud speakers to an even level."));
    m_limiter = box(tr("Limiter"), o.limiter, tr("Keeps every peak at or below -1 dBFS, so speech never clips on air."));
    auto *note = new QLabel(tr("For microphones, not for the test tone or files; applies at once, also on air."));
    note->setWordWrap(true);
    auto *column = new QVBoxLayout;
    for (QWidget *w : {static_cast<QWidget *>(m_highPass), static_cast<QWidget *>(m_noiseSuppression),
                       static_cast<QWidget *>(m_autoGain), static_cast<QWidget *>(m_limiter), static_cast<QWidget *>(note)})
        column->addWidget(w);
    form->addRow(tr("Voice processing"), column);
}

// Minting a speaker token for a second presenter, and copying it.
QGroupBox *SettingsDialog::buildToken()
{
    auto *tokens = new QGroupBox(tr("Speaker token"));
    auto *tl = new QVBoxLayout(tokens);
    tl->addWidget(new QLabel(tr("A second presenter speaks from a browser or another OnAir with this token (valid 8 hours).")));
    auto *row = new QHBoxLayout;
    m_tokenStream = new QLineEdit(QStringLiteral("main"));
    m_tokenStream->setAccessibleName(tr("Stream for the token"));
    auto *mintButton = new QPushButton(tr("Mint token"));
    row->addWidget(new QLabel(tr("Stream")));
    row->addWidget(m_tokenStream);
    row->addWidget(mintButton);
    tl->addLayout(row);
    m_token = new QLineEdit;
    m_token->setReadOnly(true);
    m_token->setAccessibleName(tr("Speaker token"));
    auto *copy = new QPushButton(tr("Copy token"));
    auto *row2 = new QHBoxLayout;
    row2->addWidget(m_token);
    row2->addWidget(copy);
    tl->addLayout(row2);
    connect(mintButton, &QPushButton::clicked, this, &SettingsDialog::mint);
    connect(copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_token->text()); });
    return tokens;
}

void SettingsDialog::save()
{
    QSettings s;
    s.setValue(QStringLiteral("server/port"), m_port->value());
    if (m_network->isChecked() != m_host->reachableFromNetwork()) {
        // At once, as the Share panel does: no restart, no listener dropped.
        QString error;
        if (!m_host->rebind(m_network->isChecked() ? QHostAddress(QHostAddress::AnyIPv4) : QHostAddress(QHostAddress::LocalHost),
                            &error))
            QMessageBox::warning(this, tr("Settings"), tr("The network setting could not be applied: %1").arg(error));
    }
    s.setValue(QStringLiteral("server/network"), m_host->reachableFromNetwork());
    s.setValue(QStringLiteral("server/tls"), m_tls->isChecked());
    s.setValue(QStringLiteral("server/maxListeners"), m_maxListeners->value());
    s.setValue(QStringLiteral("server/maxConnections"), m_maxConnections->value());
    AudioEncoding enc;
    enc.codec = m_codec->currentData().toString();
    enc.bitrate = m_bitrate->currentData().toInt();
    enc.frameMs = m_frame->currentData().toDouble();
    enc.save();
    saveVoiceOptions({m_highPass->isChecked(), m_noiseSuppression->isChecked(), m_autoGain->isChecked(),
                      m_limiter->isChecked()});
}

void SettingsDialog::mint()
{
    const QString stream = m_tokenStream->text().trimmed();
    if (const QString err = streamIdError(stream); !err.isEmpty()) {
        m_token->setText(err);
        return;
    }
    TokenClaims c;
    c.sub = QStringLiteral("presenter");
    c.role = Role::Speaker;
    c.streams = {stream};
    c.iat = QDateTime::currentSecsSinceEpoch();
    c.exp = c.iat + 8 * 3600;
    m_token->setText(QString::fromLatin1(mintToken(c, m_host->engine()->secret())));
}

} // namespace onair
