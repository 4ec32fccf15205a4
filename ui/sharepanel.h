#pragma once

#include "lanaddresses.h"

#include <QGroupBox>
#include <QTimer>

#include <functional>

class QComboBox;
class QIcon;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace onair {

class EngineHost;

// The Share panel: the link and QR code listeners open. It never offers a link a phone cannot
// reach: while the engine listens on loopback it says so and offers to open listening to the
// local network (a rebind, at once, keeping every connection), and back. Open, the link uses
// one of this machine's LAN addresses (a picker when there are several); with HTTPS it shows
// the secure link and the plain one on the same port, the QR code opening the chosen one.
class SharePanel final : public QGroupBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SharePanel)
public:
    explicit SharePanel(EngineHost *host, QWidget *parent = nullptr);

    // The stream the links point at (the selected one, else the speak bar's).
    void setStream(const QString &stream);
    // Where the interfaces come from (tests); the system's by default. Re-reads them.
    void setInterfaceSource(std::function<QList<NetworkInterfaceInfo>()> source);
    // Re-reads the interfaces and the engine's address, updates what changed.
    void refresh();
    // Listens on the whole network (true) or on this computer only; false with a message
    // when the engine kept its address.
    bool setOpenToNetwork(bool open);

    // What is shown now, for the window's Health panel and for tests.
    bool openToNetwork() const { return m_open; }
    QList<LanAddress> addresses() const { return m_addresses; }
    QHostAddress chosenAddress() const;
    QString plainUrl() const;  // empty when no phone could open it, or HTTPS only (--plain-http off)
    QString secureUrl() const; // empty without HTTPS
    QString playlistUrl() const;
    QString qrUrl() const { return m_qrUrl; } // what the QR code encodes, empty when none is shown
    // "{scheme}://{address}:{port}/listen/{stream}" for every address a listener can use.
    QStringList listenerUrls(const QString &stream) const;

    QLabel *stateLabel() const { return m_state; }
    QPushButton *openButton() const { return m_openButton; }
    QPushButton *localButton() const { return m_localButton; }
    QComboBox *addressPicker() const { return m_picker; }
    QRadioButton *plainChoice() const { return m_plainChoice; }
    QRadioButton *secureChoice() const { return m_secureChoice; }
    QLabel *qrLabel() const { return m_qr; }

Q_SIGNALS:
    // For the status bar.
    void message(const QString &text, bool error);

private:
    void createAccessWidgets();
    void createLinkWidgets();
    QLineEdit *makeLink(const QString &name, const QString &accessible, const QIcon &copy);
    void layOut();
    void connectControls();
    void rescan();
    void showState();
    void showAccess(bool reachable, const QHostAddress &chosen);
    void showLinks(bool reachable, bool both, const QString &plain, const QString &secure);
    void showFingerprintAndPlaylist(bool reachable);
    QString url(const QString &scheme, const QString &path) const;

    EngineHost *m_host;
    std::function<QList<NetworkInterfaceInfo>()> m_interfaces;
    QList<LanAddress> m_addresses;
    bool m_open = false;
    bool m_secure = false;
    bool m_plainToo = true; // plain HTTP answers too (always without HTTPS)
    QString m_stream;
    QString m_qrUrl;
    QString m_shown; // what the widgets show now: no work at 4 Hz when nothing changed
    QTimer m_rescan;

    QLabel *m_qr = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_dot = nullptr;
    QComboBox *m_picker = nullptr;
    QLabel *m_address = nullptr;
    QPushButton *m_openButton = nullptr;
    QPushButton *m_localButton = nullptr;
    QLabel *m_hint = nullptr;
    QRadioButton *m_plainChoice = nullptr;
    QRadioButton *m_secureChoice = nullptr;
    QLineEdit *m_plain = nullptr;
    QLineEdit *m_secureLink = nullptr;
    QLabel *m_fingerprint = nullptr;
    QLabel *m_playlist = nullptr;
};

} // namespace onair
