#include "lanaddresses.h"

#include <QNetworkInterface>

#include <algorithm>

namespace onair {

namespace {

bool isVirtual(const QString &name)
{
    // Names the usual container, VM and VPN software gives its interfaces on Linux.
    static const char *const prefixes[] = {"docker", "br-", "virbr", "veth", "vmnet", "vboxnet", "lxcbr", "lxdbr",
                                           "cni", "flannel", "podman", "tun", "tap", "wg", "zt", "tailscale"};
    return std::any_of(std::begin(prefixes), std::end(prefixes),
                       [&name](const char *p) { return name.startsWith(QLatin1String(p)); });
}

bool isPrivate(const QHostAddress &a)
{
    return a.isInSubnet(QHostAddress(QStringLiteral("192.168.0.0")), 16) || a.isInSubnet(QHostAddress(QStringLiteral("10.0.0.0")), 8)
        || a.isInSubnet(QHostAddress(QStringLiteral("172.16.0.0")), 12);
}

} // namespace

QString LanAddress::label() const
{
    return interfaceName.isEmpty() ? address.toString() : QStringLiteral("%1 \u2014 %2").arg(address.toString(), interfaceName);
}

QList<NetworkInterfaceInfo> systemInterfaces()
{
    QList<NetworkInterfaceInfo> out;
    const QList<QNetworkInterface> all = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &i : all) {
        NetworkInterfaceInfo info;
        info.name = i.name();
        info.up = i.flags().testFlag(QNetworkInterface::IsUp);
        info.running = i.flags().testFlag(QNetworkInterface::IsRunning);
        info.loopback = i.flags().testFlag(QNetworkInterface::IsLoopBack);
        const QList<QNetworkAddressEntry> entries = i.addressEntries();
        for (const QNetworkAddressEntry &e : entries)
            info.addresses.append(e.ip());
        out.append(info);
    }
    return out;
}

QList<LanAddress> lanAddresses(const QList<NetworkInterfaceInfo> &interfaces)
{
    QList<LanAddress> real, virt;
    for (const NetworkInterfaceInfo &i : interfaces) {
        if (!i.up || !i.running || i.loopback)
            continue;
        for (const QHostAddress &a : i.addresses) {
            if (a.protocol() != QAbstractSocket::IPv4Protocol || a.isLoopback() || a.isLinkLocal() || a.isMulticast()
                || a.isBroadcast() || a == QHostAddress::AnyIPv4)
                continue;
            LanAddress l{a, i.name, isVirtual(i.name)};
            (l.virtualInterface ? virt : real).append(l);
        }
    }
    QList<LanAddress> out = real.isEmpty() ? virt : real;
    std::stable_partition(out.begin(), out.end(), [](const LanAddress &l) { return isPrivate(l.address); });
    return out;
}

} // namespace onair
