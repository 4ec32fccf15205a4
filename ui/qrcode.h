#pragma once

#include <QImage>
#include <QString>

namespace onair {

// A QR code of `text` (libqrencode, error correction M), `scale` pixels per module with a
// four-module quiet zone. Null image when the text cannot be encoded.
QImage makeQrCode(const QString &text, int scale = 6);

} // namespace onair
