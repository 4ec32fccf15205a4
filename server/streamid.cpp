#include "streamid.h"

namespace onair {

QString streamIdError(QStringView id)
{
    if (id.isEmpty())
        return QStringLiteral("stream id is empty");
    if (id.size() > 64)
        return QStringLiteral("stream id is longer than 64 characters");
    for (const QChar c : id) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z')
            || (u >= u'0' && u <= u'9') || u == u'.' || u == u'_' || u == u'-';
        if (!ok)
            return QStringLiteral("stream id may only contain A-Z a-z 0-9 . _ -");
    }
    if (id == u"." || id == u"..")
        return QStringLiteral("stream id may not be '.' or '..'");
    return {};
}

} // namespace onair
