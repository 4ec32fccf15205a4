#include "history/recovery.h"

#include "protocol/topics.h"

#include <QJsonObject>

#include <cmath>

namespace onair {

namespace {
constexpr int kMaxEpochChars = 64;
constexpr double kMaxOffset = 9007199254740991.0; // 2^53 - 1: exact in JSON numbers
} // namespace

std::optional<QList<RecoverRequest>> parseSince(const QJsonValue &v, int maxEntries, QString *error)
{
    const auto bad = [error](const QString &why) {
        *error = why;
        return std::nullopt;
    };
    if (v.isUndefined() || v.isNull())
        return QList<RecoverRequest>();
    if (!v.isObject())
        return bad(QStringLiteral("\"since\" must be an object {topic: {\"offset\": N, \"epoch\": \"…\"}}"));
    const QJsonObject since = v.toObject();
    if (since.size() > maxEntries)
        return bad(QStringLiteral("at most %1 topics in \"since\"").arg(maxEntries));
    QList<RecoverRequest> out;
    for (auto it = since.begin(); it != since.end(); ++it) {
        const QString topic = it.key();
        if (!isValidTopic(topic) || topic == kTopicAll || topic == kTopicStreams)
            return bad(QStringLiteral("\"since\" names a topic, not '%1'").arg(topic.left(64)));
        const QJsonObject entry = it.value().toObject();
        const QJsonValue offset = entry.value(QLatin1String("offset"));
        const QJsonValue epoch = entry.value(QLatin1String("epoch"));
        const double o = offset.toDouble(-1);
        if (!it.value().isObject() || !offset.isDouble() || o < 0 || o > kMaxOffset || std::floor(o) != o)
            return bad(QStringLiteral("since['%1'].offset must be a non-negative integer").arg(topic));
        if (!epoch.isString() || epoch.toString().isEmpty() || epoch.toString().size() > kMaxEpochChars)
            return bad(QStringLiteral("since['%1'].epoch must be the epoch of an event (a string)").arg(topic));
        out.append({topic, qint64(o), epoch.toString()});
    }
    return out;
}

QString recoverReason(RecoverResult::Status s)
{
    switch (s) {
    case RecoverResult::Status::Recovered: return QString();
    case RecoverResult::Status::EpochChanged: return QStringLiteral("epoch_changed");
    case RecoverResult::Status::BeyondRetention: return QStringLiteral("beyond_retention");
    case RecoverResult::Status::OffsetAhead: return QStringLiteral("offset_ahead");
    case RecoverResult::Status::TooMany: return QStringLiteral("too_many");
    case RecoverResult::Status::Unavailable: return QStringLiteral("unavailable");
    }
    return QStringLiteral("unavailable");
}

RecoverResult judgeRecovery(const RecoverRequest &request, const EventLog::Page &page, const QString &epoch,
                            int maxRecover)
{
    RecoverResult r;
    r.topic = request.topic;
    r.head = page.head;
    using S = RecoverResult::Status;
    if (request.epoch != epoch)
        r.status = S::EpochChanged;
    else if (request.after > page.head)
        r.status = S::OffsetAhead;
    else if (request.after < page.head && (page.first == 0 || page.first > request.after + 1))
        r.status = S::BeyondRetention; // the events right after `after` were pruned
    else if (page.events.size() > maxRecover)
        r.status = S::TooMany;
    else {
        r.status = S::Recovered;
        r.events = page.events;
    }
    return r;
}

} // namespace onair
