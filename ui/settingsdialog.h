#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace onair {

class EngineHost;
struct EngineConfig;

// Settings kept in QSettings (port, limits: applied at the next start; this machine only or the
// whole network: at once, shared with the Share panel; the speaker's codec, applied at the next
// ON AIR; the microphone's voice processing, applied at once by the caller through
// SpeakController::setVoiceOptions(loadVoiceOptions())) and minting a speaker token for a second
// presenter.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(EngineHost *host, QWidget *parent = nullptr);
    // Defaults for the engine from QSettings; command-line flags still win.
    static void loadInto(EngineConfig *config);
    // With "secure connections" on and no --tls-cert given: points the config at this
    // computer's self-signed certificate in <dataDir>/tls, making one when it is missing,
    // expires within 30 days, or `renew`. False with *error when OpenSSL fails.
    static bool prepareTls(EngineConfig *config, QString *error, bool renew = false);
    static QString tlsDir(const EngineConfig &config);

private:
    QGroupBox *buildServer(const EngineConfig &c);
    void renewCertificate(QLabel *certInfo);
    QGroupBox *buildAudio();
    void addVoiceProcessing(QFormLayout *form);
    QGroupBox *buildToken();
    void save();
    void mint();

    EngineHost *m_host;
    QSpinBox *m_port = nullptr;
    QCheckBox *m_network = nullptr;
    QCheckBox *m_tls = nullptr;
    QSpinBox *m_maxListeners = nullptr;
    QSpinBox *m_maxConnections = nullptr;
    QComboBox *m_codec = nullptr;
    QComboBox *m_bitrate = nullptr;
    QComboBox *m_frame = nullptr;
    QCheckBox *m_highPass = nullptr;
    QCheckBox *m_noiseSuppression = nullptr;
    QCheckBox *m_autoGain = nullptr;
    QCheckBox *m_limiter = nullptr;
    QLineEdit *m_tokenStream = nullptr;
    QLineEdit *m_token = nullptr;
};

} // namespace onair
