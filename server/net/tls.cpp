#include "net/tls.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QNetworkInterface>
#include <QSaveFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSysInfo>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace onair {

namespace {
template<typename T, void (*F)(T *)>
struct Deleter
{
    void operator()(T *p) const { F(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Names = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

bool addExtension(X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext)
        return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

QByteArray pem(int (*write)(BIO *, void *), void *object)
{
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get(), object) != 1)
        return {};
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, int(n));
}

bool writeFile(const QString &path, const QByteArray &data, bool secret, QString *error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    if (secret)
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(data);
    if (!f.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}
} // namespace

std::optional<QSslConfiguration> loadTlsConfiguration(const QString &certPath, const QString &keyPath, QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("TLS is not available (Qt found no TLS backend / OpenSSL)");
        return std::nullopt;
    }
    QFile certFile(certPath);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("--tls-cert: cannot read %1: %2").arg(certPath, certFile.errorString());
        return std::nullopt;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("--tls-cert: %1 holds no PEM certificate").arg(certPath);
        return std::nullopt;
    }
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("--tls-key: cannot read %1: %2").arg(keyPath, keyFile.errorString());
        return std::nullopt;
    }
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm alg : {QSsl::Ec, QSsl::Rsa}) {
        key = QSslKey(keyPem, alg, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("--tls-key: %1 holds no unencrypted PEM EC or RSA private key").arg(keyPath);
        return std::nullopt;
    }
    {
        const QByteArray certPem = chain.first().toPem();
        Bio cb(BIO_new_mem_buf(certPem.constData(), int(certPem.size())));
        Bio kb(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
        Cert x(cb ? PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr) : nullptr);
        PKey k(kb ? PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr) : nullptr);
        if (!x || !k || X509_check_private_key(x.get(), k.get()) != 1) {
            *error = QStringLiteral("--tls-key %1 does not belong to the certificate in --tls-cert %2").arg(keyPath, certPath);
            return std::nullopt;
        }
    }
    if (chain.first().expiryDate() < QDateTime::currentDateTimeUtc())
        qWarning().noquote() << "TLS certificate" << certPath << "expired on" << chain.first().expiryDate().toString(Qt::ISODate);
    QSslConfiguration cfg = QSslConfiguration::defaultConfiguration();
    cfg.setLocalCertificateChain(chain);
    cfg.setPrivateKey(key);
    cfg.setPeerVerifyMode(QSslSocket::VerifyNone); // no client certificates
    cfg.setProtocol(QSsl::TlsV1_2OrLater);
    return cfg;
}

QString certificateFingerprint(const QSslCertificate &cert)
{
    const QByteArray d = cert.digest(QCryptographicHash::Sha256).toHex().toUpper();
    QString out;
    for (qsizetype i = 0; i < d.size(); i += 2) {
        if (i)
            out += u':';
        out += QString::fromLatin1(d.mid(i, 2));
    }
    return out;
}

bool makeSelfSignedCertificate(const QString &certPath, const QString &keyPath, const QStringList &extraNames,
                               int days, QString *error)
{
    PKey key(EVP_EC_gen("P-256"));
    Cert cert(X509_new());
    if (!key || !cert) {
        *error = QStringLiteral("OpenSSL could not make a key");
        return false;
    }
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f; // positive
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_set_version(cert.get(), 2); // v3
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(days) * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    const QString host = QSysInfo::machineHostName();
    const QByteArray cn = QStringLiteral("OnAir on %1").arg(host.isEmpty() ? QStringLiteral("this machine") : host).left(64).toUtf8();
    X509_NAME *name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>("OnAir (self-signed)"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);

    QStringList dns{QStringLiteral("localhost")};
    if (!host.isEmpty() && host != QLatin1String("localhost")) {
        dns << host;
        if (!host.contains(u'.'))
            dns << host + QStringLiteral(".local");
    }
    QList<QHostAddress> ips{QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6)};
    for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
        if (!a.isLoopback() && !a.isLinkLocal() && !ips.contains(a))
            ips << QHostAddress(a.toString().section(u'%', 0, 0));
    }
    for (const QString &n : extraNames) {
        QHostAddress a;
        if (a.setAddress(n)) {
            if (!ips.contains(a))
                ips << a;
        } else if (!n.isEmpty() && !dns.contains(n)) {
            dns << n;
        }
    }
    QStringList san;
    for (const QString &d : std::as_const(dns))
        san << QStringLiteral("DNS:") + d;
    for (const QHostAddress &a : std::as_const(ips))
        san << QStringLiteral("IP:") + a.toString();
    if (!addExtension(cert.get(), NID_subject_alt_name, san.join(u',').toUtf8().constData())
        || !addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(cert.get(), NID_key_usage, "critical,digitalSignature")
        || !addExtension(cert.get(), NID_ext_key_usage, "serverAuth")
        || !addExtension(cert.get(), NID_subject_key_identifier, "hash")) {
        *error = QStringLiteral("OpenSSL refused the certificate extensions (names: %1)").arg(san.join(u','));
        return false;
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
        *error = QStringLiteral("OpenSSL could not sign the certificate");
        return false;
    }
    const QByteArray certPem = pem([](BIO *b, void *o) { return PEM_write_bio_X509(b, static_cast<X509 *>(o)); }, cert.get());
    const QByteArray keyPem = pem([](BIO *b, void *o) {
        return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY *>(o), nullptr, nullptr, 0, nullptr, nullptr);
    }, key.get());
    if (certPem.isEmpty() || keyPem.isEmpty()) {
        *error = QStringLiteral("OpenSSL could not write PEM");
        return false;
    }
    return writeFile(keyPath, keyPem, true, error) && writeFile(certPath, certPem, false, error);
}

} // namespace onair
