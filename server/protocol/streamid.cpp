#include "protocol/streamid.h"

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

QString translatedStreamId(const QString &base, const QString &lang)
{
    return base + u'~' + lang;
}

bool isValidLanguageCode(QStringView lang)
{
    if (lang.size() < 2 || lang.size() > 3)
        return false;
    for (const QChar c : lang)
        if (c.unicode() < u'a' || c.unicode() > u'z')
            return false;
    return true;
}

bool parseTranslatedStreamId(QStringView id, QString *base, QString *lang)
{
    const qsizetype tilde = id.indexOf(u'~');
    if (tilde <= 0 || id.size() > 64 + 4)
        return false;
    const QStringView b = id.left(tilde), l = id.mid(tilde + 1);
    if (!isValidStreamId(b) || !isValidLanguageCode(l))
        return false;
    if (base)
        *base = b.toString();
    if (lang)
        *lang = l.toString();
    return true;
}

QString listenableStreamIdError(QStringView id)
{
    if (id.contains(u'~') && parseTranslatedStreamId(id))
        return {};
    return streamIdError(id);
}

} // namespace onair
