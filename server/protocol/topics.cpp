#include "protocol/topics.h"

#include "protocol/streamid.h"

namespace onair {

QString topicError(const QString &topic)
{
    if (topic == QLatin1String("all") || topic == QLatin1String("file_events")
        || topic == QLatin1String("all_conversations") || topic == QLatin1String("streams")
        || topic == QLatin1String("banners"))
        return {};
    const qsizetype colon = topic.indexOf(u':');
    if (colon <= 0)
        return QStringLiteral("a topic is 'all', 'streams', 'banners', 'file_events', 'all_conversations' or '<namespace>:<id>'");
    const QStringView ns = QStringView(topic).left(colon);
    if (ns.size() > 32)
        return QStringLiteral("topic namespace longer than 32 characters");
    for (QChar c : ns) {
        if (!((c >= u'a' && c <= u'z') || c == u'_'))
            return QStringLiteral("topic namespace may only contain a-z and _");
    }
    const QString idError = listenableStreamIdError(QStringView(topic).mid(colon + 1));
    if (!idError.isEmpty())
        return QStringLiteral("topic id: ") + idError.mid(QStringLiteral("stream id ").size());
    return {};
}

} // namespace onair
