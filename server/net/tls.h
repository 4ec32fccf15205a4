#pragma once

#include <QSslConfiguration>
#include <QString>
#include <QStringList>

#include <optional>

namespace onair {

// Server-side TLS configuration from PEM files: the certificate (a chain: leaf first) and its
// private key (EC or RSA). TLS 1.2+, no client certificates. nullopt with *error when the files
// are missing, unreadable, or the key does not belong to the certificate.
std::optional<QSslConfiguration> loadTlsConfiguration(const QString &certPath, const QString &keyPath,
                                                      QString *error);

// "AB:CD:…" SHA-256 of the DER certificate, as browsers show it.
QString certificateFingerprint(const QSslCertificate &cert);

// Makes a self-signed certificate for this machine on the local network: an EC P-256 key and an
// X.509 v3 certificate (serverAuth) valid for `days`, with subjectAltNames localhost, the host
// name (+ ".local"), 127.0.0.1, ::1 and every address of the machine's up interfaces, plus
// `extraNames` (DNS names or IP addresses). Written as PEM to certPath and keyPath (the key
// 0600). Uses OpenSSL's X509 API.
bool makeSelfSignedCertificate(const QString &certPath, const QString &keyPath, const QStringList &extraNames,
                               int days, QString *error);

} // namespace onair
