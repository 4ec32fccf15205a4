#include "sharepanel.h"

#include "enginehost.h"
#include "qrcode.h"
#include "protocol/streamid.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace onair {

namespace {

const QString kNetworkKey = QStringLiteral("server/network"); // shared with the Settings dialog
const QString kAddressKey = QStringLiteral("share/address");
const QString kQrSecureKey = QStringLiteral("share/qrSecure");

// Two sheets of paper: a copy icon in the text colour (no icon theme is guaranteed).
QIcon copyIcon(const QColor &color)
{
    QPixmap pm(32, 32);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(color, 2.5));
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(QRectF(4, 4, 16, 19), 3, 3);
    p.setBrush(color.darker(300));
    p.drawRoundedRect(QRectF(11, 10, 16, 19), 3, 3);
    return QIcon(pm);
}

// 95 characters without a space would set the panel's minimum width: two lines of 16 bytes.
QString twoLines(const QString &fingerprint)
{
    const int half = fingerprint.size() / 2;
    const qsizetype colon = fingerprint.indexOf(u':', half - 1);
    return colon < 0 ? fingerprint : fingerprint.left(colon + 1) + u'\n' + fingerprint.mid(colon + 1);
}

} // namespace

SharePanel::SharePanel(EngineHost *host, QWidget *parent) : QGroupBox(tr("Share"), parent), m_host(host)
{
    m_interfaces = &systemInterfaces;
    createAccessWidgets();
    createLinkWidgets();
    layOut();
    connectControls();
    connect(m_host, &EngineHost::addressChanged, this, &SharePanel::refresh);
    // A laptop joins another Wi-Fi, a cable is plugged in: the link follows within seconds.
    m_rescan.setInterval(3000);
    connect(&m_rescan, &QTimer::timeout, this, &SharePanel::rescan);
    m_rescan.start();
    refresh();
}

// The QR code, the state line, the buttons that open and close listening to the network, and
// the address the links use.
void SharePanel::createAccessWidgets()
{
    m_qr = new QLabel;
    m_qr->setObjectName(QStringLiteral("shareQr"));
    m_qr->setFixedSize(150, 150);
    m_qr->setScaledContents(true);
    m_qr->setAccessibleName(tr("QR code of the listener link"));

    m_state = new QLabel;
    m_state->setObjectName(QStringLiteral("shareState"));
    m_state->setWordWrap(true);

    m_openButton = new QPushButton(tr("Open to the local network"));
    m_openButton->setObjectName(QStringLiteral("shareOpen"));
    m_openButton->setToolTip(tr("Phones and other computers on this network can then listen. Applies at once."));
    m_localButton = new QPushButton(tr("This computer only"));
    m_localButton->setToolTip(tr("New listeners can then only connect from this computer; those already listening stay."));

    // Green: open. Said in words by the tooltip and the accessible name.
    m_dot = new QLabel(QStringLiteral("<span style='color:#2ecc71'>\u25CF</span>"));
    m_dot->setToolTip(tr("Phones and other computers on this network can listen."));
    m_dot->setAccessibleName(m_dot->toolTip());
    m_picker = new QComboBox;
    m_picker->setAccessibleName(tr("Address in the link"));
    m_picker->setToolTip(tr("This computer has several network addresses: choose the one of the network the listeners are on."));
    m_picker->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_address = new QLabel;
    m_address->setObjectName(QStringLiteral("shareAddress"));
    m_address->setTextInteractionFlags(Qt::TextSelectableByMouse);
}

// The links (plain and secure, the operator choosing which the QR code opens), the
// certificate's fingerprint and the playlist for other apps.
void SharePanel::createLinkWidgets()
{
    m_hint = new QLabel(tr("Listeners scan the code or open the link:"));
    m_plainChoice = new QRadioButton(tr("Any phone"));
    m_plainChoice->setToolTip(tr("Plain link (http): opens on every phone, without a warning. The QR code opens the link chosen here."));
    m_secureChoice = new QRadioButton(tr("HTTPS"));
    m_secureChoice->setToolTip(tr("Secure link: phones show a certificate warning first. The QR code opens the link chosen here."));
    const bool qrSecure = QSettings().value(kQrSecureKey, false).toBool();
    m_plainChoice->setChecked(!qrSecure);
    m_secureChoice->setChecked(qrSecure);

    const QIcon copy = copyIcon(palette().color(QPalette::Text));
    m_plain = makeLink(QStringLiteral("shareUrl"), tr("Listener link"), copy);
    m_secureLink = makeLink(QStringLiteral("shareSecureUrl"), tr("Secure listener link (HTTPS)"), copy);

    m_fingerprint = new QLabel;
    m_fingerprint->setObjectName(QStringLiteral("tlsFingerprint"));
    m_fingerprint->setWordWrap(true); // the sentence wraps in longer languages; the hex lines are short
    m_fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_playlist = new QLabel;
    m_playlist->setObjectName(QStringLiteral("sharePlaylist"));
    m_playlist->setTextFormat(Qt::RichText);
    m_playlist->setOpenExternalLinks(true);
    m_playlist->setTextInteractionFlags(Qt::TextBrowserInteraction);
    for (QLabel *small : {m_fingerprint, m_playlist}) {
        QFont f = small->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        small->setFont(f);
    }
}

// A read-only link with a copy button inside.
QLineEdit *SharePanel::makeLink(const QString &name, const QString &accessible, const QIcon &copy)
{
    auto *edit = new QLineEdit;
    edit->setReadOnly(true);
    edit->setObjectName(name);
    edit->setAccessibleName(accessible);
    QAction *action = edit->addAction(copy, QLineEdit::TrailingPosition);
    action->setToolTip(tr("Copy link"));
    connect(action, &QAction::triggered, this, [this, edit] {
        QGuiApplication::clipboard()->setText(edit->text());
        Q_EMIT message(tr("Link copied."), false);
    });
    return edit;
}

void SharePanel::layOut()
{
    // Everything beside the QR code: the panel stays as tall as the code (a laptop's 768 rows).
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_dot);
    actions->addWidget(m_picker);
    actions->addWidget(m_address);
    actions->addWidget(m_openButton);
    actions->addStretch();
    actions->addWidget(m_localButton);
    auto *links = new QGridLayout;
    links->setVerticalSpacing(4);
    links->addWidget(m_hint, 0, 0, 1, 2);
    links->addWidget(m_plainChoice, 1, 0);
    links->addWidget(m_plain, 1, 1);
    links->addWidget(m_secureChoice, 2, 0);
    links->addWidget(m_secureLink, 2, 1);
    links->setColumnStretch(1, 1);
    auto *col = new QVBoxLayout;
    col->setSpacing(4);
    col->addWidget(m_state);
    col->addLayout(actions);
    col->addLayout(links);
    col->addWidget(m_fingerprint);
    col->addWidget(m_playlist);
    col->addStretch();
    auto *l = new QHBoxLayout(this);
    l->addWidget(m_qr, 0, Qt::AlignTop);
    l->addLayout(col, 1);
    // As tall as what it shows: in the loopback state two lines, not the room the QR code left.
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
}

void SharePanel::connectControls()
{
    connect(m_openButton, &QPushButton::clicked, this, [this] { setOpenToNetwork(true); });
    connect(m_localButton, &QPushButton::clicked, this, [this] { setOpenToNetwork(false); });
    connect(m_picker, &QComboBox::activated, this, [this](int) {
        QSettings().setValue(kAddressKey, m_picker->currentData().toString());
        showState();
    });
    for (QRadioButton *choice : {m_plainChoice, m_secureChoice}) {
        connect(choice, &QRadioButton::toggled, this, [this](bool) {
            QSettings().setValue(kQrSecureKey, m_secureChoice->isChecked());
            showState();
        });
    }
}

void SharePanel::setStream(const QString &stream)
{
    if (!isValidStreamId(stream) || stream == m_stream)
        return; // while the operator types an invalid name, the last good link stays
    m_stream = stream;
    showState();
}

void SharePanel::setInterfaceSource(std::function<QList<NetworkInterfaceInfo>()> source)
{
    m_interfaces = std::move(source);
    refresh();
}

void SharePanel::refresh()
{
    m_shown.clear();
    rescan();
}

void SharePanel::rescan()
{
    const QHostAddress bound = m_host->engine() ? m_host->engine()->address() : QHostAddress();
    QList<LanAddress> usable;
    if (bound == QHostAddress::Any || bound == QHostAddress::AnyIPv4 || bound == QHostAddress::AnyIPv6) {
        usable = lanAddresses(m_interfaces());
    } else if (!bound.isNull() && !bound.isLoopback()) {
        // Bound to one address (--bind): that one is the only way in.
        LanAddress only{bound, QString(), false};
        for (const NetworkInterfaceInfo &i : m_interfaces()) {
            if (i.addresses.contains(bound))
                only.interfaceName = i.name;
        }
        usable.append(only);
    }
    m_addresses = usable;
    m_open = !bound.isNull() && !bound.isLoopback();
    m_secure = m_host->engine() && m_host->engine()->secure();
    // With HTTPS the same port answers plain HTTP for listening unless --plain-http off.
    m_plainToo = !m_secure || m_host->engine()->config().plainHttp;
    showState();
}

bool SharePanel::setOpenToNetwork(bool open)
{
    QString error;
    if (!m_host->rebind(open ? QHostAddress(QHostAddress::AnyIPv4) : QHostAddress(QHostAddress::LocalHost), &error)) {
        Q_EMIT message(open ? tr("Could not open listening to the local network: %1").arg(error)
                            : tr("Could not limit listening to this computer: %1").arg(error),
                       true);
        refresh();
        return false;
    }
    // The same setting as Settings → "Listen on the network": the next start keeps the choice.
    QSettings().setValue(kNetworkKey, open);
    refresh(); // addressChanged() did already when the address changed; cheap
    Q_EMIT message(open ? tr("Phones and other computers on this network can listen now.")
                        : tr("Only this computer can listen now. Listeners already connected stay."),
                   false);
    return true;
}

QHostAddress SharePanel::chosenAddress() const
{
    if (m_addresses.isEmpty())
        return {};
    const QString remembered = QSettings().value(kAddressKey).toString();
    for (const LanAddress &a : m_addresses) {
        if (a.address.toString() == remembered)
            return a.address;
    }
    return m_addresses.first().address;
}

QString SharePanel::url(const QString &scheme, const QString &path) const
{
    const QHostAddress a = chosenAddress();
    if (!m_open || a.isNull() || m_stream.isEmpty() || !m_host->engine())
        return {};
    QUrl u;
    u.setScheme(scheme);
    u.setHost(a.toString());
    u.setPort(m_host->engine()->port());
    u.setPath(path);
    return u.toString();
}

QString SharePanel::plainUrl() const
{
    return m_plainToo ? url(QStringLiteral("http"), QStringLiteral("/listen/") + m_stream) : QString();
}

QString SharePanel::secureUrl() const
{
    return m_secure ? url(QStringLiteral("https"), QStringLiteral("/listen/") + m_stream) : QString();
}

QString SharePanel::playlistUrl() const
{
    return url(m_plainToo ? QStringLiteral("http") : QStringLiteral("https"), QStringLiteral("/stream/%1.m3u").arg(m_stream));
}

QStringList SharePanel::listenerUrls(const QString &stream) const
{
    const Engine *engine = m_host->engine();
    if (!engine)
        return {};
    QList<QHostAddress> hosts;
    for (const LanAddress &a : m_addresses)
        hosts.append(a.address);
    if (hosts.isEmpty())
        hosts.append(QHostAddress(m_host->baseUrl().host())); // this computer (the Health panel's view)
    QStringList out;
    for (const QHostAddress &h : std::as_const(hosts)) {
        QUrl u;
        u.setScheme(m_host->baseUrl().scheme());
        u.setHost(h.toString());
        u.setPort(engine->port());
        out.append(u.toString() + QStringLiteral("/listen/") + stream);
    }
    return out;
}

void SharePanel::showState()
{
    const QHostAddress chosen = chosenAddress();
    QStringList labels;
    for (const LanAddress &a : std::as_const(m_addresses))
        labels.append(a.label());
    const bool reachable = m_open && !m_addresses.isEmpty();
    const bool both = m_secure && m_plainToo; // two links: the operator chooses the QR code's
    const bool qrSecure = m_secure && (!m_plainToo || m_secureChoice->isChecked());
    const QString shown = QStringList{QString::number(m_open), QString::number(m_secure), QString::number(m_plainToo),
                                      labels.join(u','),
                                      chosen.toString(), m_stream, QString::number(qrSecure)}
                              .join(u'|');
    if (shown == m_shown)
        return;
    m_shown = shown;

    showAccess(reachable, chosen);
    const QString plain = reachable ? plainUrl() : QString();
    const QString secure = reachable ? secureUrl() : QString();
    showLinks(reachable, both, plain, secure);
    showFingerprintAndPlaylist(reachable);

    m_qrUrl = qrSecure ? secure : plain;
    m_qr->setVisible(!m_qrUrl.isEmpty());
    m_qr->setPixmap(m_qrUrl.isEmpty() ? QPixmap() : QPixmap::fromImage(makeQrCode(m_qrUrl)));
    m_qr->setToolTip(m_qrUrl);
}

// The state line (shown when a phone could not listen), the open or close button and the
// address in the links (a picker when there are several).
void SharePanel::showAccess(bool reachable, const QHostAddress &chosen)
{
    // lanAddresses() offers container, VM and VPN addresses only when nothing else is up: a
    // phone on the room's Wi-Fi cannot reach them, and the panel says so.
    const bool onlyVirtual = reachable && std::all_of(m_addresses.cbegin(), m_addresses.cend(),
                                                      [](const LanAddress &a) { return a.virtualInterface; });
    m_state->setVisible(!reachable || onlyVirtual);
    if (!m_open)
        m_state->setText(tr("Only this computer can listen. Phones and other computers cannot reach it yet."));
    else if (onlyVirtual)
        m_state->setText(tr("Only a virtual or VPN network was found: phones reach this link only through it."));
    else
        m_state->setText(tr("No network connection found. Connect this computer to the network the listeners are on "
                            "(Wi-Fi or cable); the link appears here."));
    m_openButton->setVisible(!m_open);
    m_localButton->setVisible(m_open);

    {
        const QSignalBlocker block(m_picker);
        m_picker->clear();
        for (const LanAddress &a : std::as_const(m_addresses))
            m_picker->addItem(a.label(), a.address.toString());
        m_picker->setCurrentIndex(qMax(0, m_picker->findData(chosen.toString())));
    }
    m_dot->setVisible(reachable);
    m_picker->setVisible(m_open && m_addresses.size() > 1);
    m_address->setVisible(m_open && m_addresses.size() == 1);
    m_address->setText(m_addresses.size() == 1 ? m_addresses.first().label() : QString());
}

void SharePanel::showLinks(bool reachable, bool both, const QString &plain, const QString &secure)
{
    m_hint->setVisible(reachable && !both);
    m_plainChoice->setVisible(reachable && both);
    m_secureChoice->setVisible(reachable && both);
    m_plain->setVisible(reachable && m_plainToo);
    m_secureLink->setVisible(reachable && m_secure);
    for (auto [edit, text] : {std::pair{m_plain, plain}, std::pair{m_secureLink, secure}}) {
        // Two links beside their labels: a little smaller, so they read whole at 1280 px.
        QFont f = font();
        if (both)
            f.setPointSizeF(f.pointSizeF() * 0.85);
        edit->setFont(f);
        edit->setText(text);
        edit->setCursorPosition(0); // the start of a link says the most when it does not fit
        edit->setToolTip(text);
    }
}

void SharePanel::showFingerprintAndPlaylist(bool reachable)
{
    const QString fingerprint = m_host->engine() ? m_host->engine()->tlsFingerprint() : QString();
    m_fingerprint->setVisible(reachable && m_secure);
    // Listeners' browsers warn about the self-signed certificate; this is what they compare
    // (the browser shows the same SHA-256 in its certificate viewer).
    m_fingerprint->setText(fingerprint.isEmpty() ? QString()
                                                 : tr("HTTPS: phones warn first. Certificate SHA-256:\n%1").arg(twoLines(fingerprint)));

    const QString playlist = reachable ? playlistUrl() : QString();
    m_playlist->setVisible(!playlist.isEmpty());
    m_playlist->setText(playlist.isEmpty() ? QString()
                                           : tr("Other apps (VLC, radio apps): %1")
                                                 .arg(QStringLiteral("<a href=\"%1\">%2.m3u</a>")
                                                          .arg(playlist.toHtmlEscaped(), m_stream.toHtmlEscaped())));
    m_playlist->setToolTip(playlist);
}

} // namespace onair
