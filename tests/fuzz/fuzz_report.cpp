// Issue 19's new outside input: a listener's {"type":"listener_report",…} (parseListenerReport),
// the User-Agent that gives its device class (deviceClassOf), and the whole body of
// POST /api/broadcasts with expiry and scheduling (validateBannerRequest).
// Byte 0 picks the call; the rest is the JSON text (or the User-Agent).
//
// Invariants: a refused report says why and leaves the output as it was; an accepted one has a
// known state, a delay of -1 or 0…600000, underruns ≥ 0 and a short lowercase decoder word.
// deviceClassOf never fails and names a known class. A refused banner request names an error
// and fills nothing; an accepted one has a message of 1…280 code points, a known type, an
// expiry of 0 or within the limits, and a start (if any) after now and within the schedule bound.
#include "fuzzcheck.h"

#include "banners/bannerrequest.h"
#include "protocol/listenerreport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cstddef>
#include <cstdint>

using namespace onair;

namespace {

void report(const QJsonObject &o)
{
    ListenerReport r;
    r.delayMs = -7;
    QString message;
    const QString code = parseListenerReport(o, &r, &message);
    if (!code.isEmpty()) {
        FUZZ_CHECK(code == QLatin1String("invalid_report") && !message.isEmpty());
        FUZZ_CHECK(r.delayMs == -7 && r.state == HearingState::Unknown);
        return;
    }
    FUZZ_CHECK(r.state != HearingState::Unknown);
    FUZZ_CHECK(r.delayMs == -1 || (r.delayMs >= 0 && r.delayMs <= 600000));
    FUZZ_CHECK(r.underruns >= 0);
    static const QRegularExpression word(QStringLiteral("^([a-z0-9][a-z0-9-]{0,23})?$"));
    FUZZ_CHECK(word.match(r.decoder).hasMatch());
}

void banner(const QJsonObject &o)
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(1700000000000LL, Qt::UTC);
    const BannerLimits limits;
    BannerRequest out;
    out.message = QStringLiteral("before");
    QString message;
    const QString code = validateBannerRequest(o, limits, now, &out, &message);
    if (!code.isEmpty()) {
        FUZZ_CHECK(!message.isEmpty() && out.message == QLatin1String("before"));
        return;
    }
    FUZZ_CHECK(!out.message.trimmed().isEmpty() && out.message.toUcs4().size() <= kBannerMaxCharacters);
    FUZZ_CHECK(out.type == QLatin1String("info") || out.type == QLatin1String("warning") || out.type == QLatin1String("alert"));
    FUZZ_CHECK(out.expiresInS == 0 || (out.expiresInS >= limits.minExpiryS && out.expiresInS <= limits.maxExpiryS));
    if (out.startsAt.isValid()) {
        FUZZ_CHECK(out.startsAt > now);
        FUZZ_CHECK(out.startsAt <= now.addSecs(limits.maxScheduleAheadS));
    }
    for (auto it = o.constBegin(); it != o.constEnd(); ++it)
        FUZZ_CHECK(bannerRequestFields().contains(it.key()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray rest(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const int call = data[0] % 3;
    if (call == 2) {
        const DeviceClass d = deviceClassOf(QString::fromLatin1(rest.left(200)));
        FUZZ_CHECK(int(d) >= int(DeviceClass::Unknown) && int(d) <= int(DeviceClass::Player));
        FUZZ_CHECK(deviceClassName(d) != nullptr);
        return 0;
    }
    const QJsonObject o = QJsonDocument::fromJson(rest).object();
    if (call == 0)
        report(o);
    else
        banner(o);
    return 0;
}
