#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace onair {

class EngineHost;
struct EngineConfig;

// Settings kept in QSettings (port, this machine only or the whole network, limits; applied at
// the next start; the speaker's codec, applied at the next ON AIR) and minting a speaker token for a second presenter.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(EngineHost *host, QWidget *parent = nullptr);
    // Defaults for the engine from QSettings; command-line flags still win.
    static void loadInto(EngineConfig *config);

private:
    void save();
    void mint();

    EngineHost *m_host;
    QSpinBox *m_port = nullptr;
    QCheckBox *m_network = nullptr;
    QSpinBox *m_maxListeners = nullptr;
    QSpinBox *m_maxConnections = nullptr;
    QComboBox *m_codec = nullptr;
    QComboBox *m_bitrate = nullptr;
    QComboBox *m_frame = nullptr;
    QLineEdit *m_tokenStream = nullptr;
    QLineEdit *m_token = nullptr;
};

} // namespace onair
