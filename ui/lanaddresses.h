#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>

namespace onair {

// One network interface as the Share panel needs it: plain data, so the choice of addresses
// can be tested with any machine's interfaces (QNetworkInterface cannot be made up).
struct NetworkInterfaceInfo
{
    QString name; // "wlan0", "docker0"
    bool up = false;
    bool running = false;
    bool loopback = false;
    QList<QHostAddress> addresses;
};

// An address a phone on the same network could reach this computer at.
struct LanAddress
{
    QHostAddress address;
    QString interfaceName;
    bool virtualInterface = false; // a container or VM bridge, a VPN tunnel

    QString label() const; // "192.168.1.20 — wlan0"
    bool operator==(const LanAddress &other) const = default;
};

// This machine's interfaces, read now.
QList<NetworkInterfaceInfo> systemInterfaces();

// The IPv4 addresses of interfaces that are up and running, without loopback, link-local
// (169.254/16, no DHCP answer) and multicast. Container and VM bridges (docker0, br-…,
// virbr…, veth…) and tunnels only when nothing real is left: a phone cannot reach them.
// Private addresses (192.168/16, 10/8, 172.16/12) first, then in the system's order.
QList<LanAddress> lanAddresses(const QList<NetworkInterfaceInfo> &interfaces);

} // namespace onair
