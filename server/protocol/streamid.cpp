#include "protocol/streamid.h"

#include <QLocale>

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
    return languageCodeError(lang).isEmpty();
}

QString languageCodeError(QStringView lang)
{
    if (lang.size() < 2 || lang.size() > 3)
        return QStringLiteral("a language is a 2- or 3-letter code such as nl, en, de");
    for (const QChar c : lang)
        if (c.unicode() < u'a' || c.unicode() > u'z')
            return QStringLiteral("a language code is lowercase letters a-z");
    // Qt's locale database knows ISO 639-1/2/3 codes: "xx" and "qqq" are not languages.
    if (QLocale::codeToLanguage(lang) == QLocale::AnyLanguage)
        return QStringLiteral("unknown language '%1'").arg(lang.toString());
    return {};
}

QString translatedStreamIdError(QStringView id)
{
    const qsizetype tilde = id.indexOf(u'~');
    if (tilde < 0)
        return QStringLiteral("not a language channel: no '~'");
    const QStringView b = id.left(tilde), l = id.mid(tilde + 1);
    if (b.isEmpty())
        return QStringLiteral("a language channel is <stream>~<lang>: the stream is missing");
    if (l.contains(u'~'))
        return l.startsWith(u'~') ? QStringLiteral("'~~' is not a language channel (one '~' between stream and language)")
                                  : QStringLiteral("a channel of a channel is not a stream (one '~' only)");
    if (const QString e = streamIdError(b); !e.isEmpty())
        return e;
    if (l.isEmpty())
        return QStringLiteral("a language channel is <stream>~<lang>: the language is missing");
    return languageCodeError(l);
}

bool parseTranslatedStreamId(QStringView id, QString *base, QString *lang)
{
    if (!translatedStreamIdError(id).isEmpty())
        return false;
    const qsizetype tilde = id.indexOf(u'~');
    if (base)
        *base = id.left(tilde).toString();
    if (lang)
        *lang = id.mid(tilde + 1).toString();
    return true;
}

QString listenableStreamIdError(QStringView id)
{
    if (id.contains(u'~'))
        return translatedStreamIdError(id);
    return streamIdError(id);
}

} // namespace onair
