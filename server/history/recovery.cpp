#include "history/recovery.h"

namespace onair {

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
