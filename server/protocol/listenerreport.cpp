#include "protocol/listenerreport.h"

#include <QJsonValue>
#include <QRegularExpression>

#include <cmath>

namespace onair {

namespace {

constexpr int kMaxDelayMs = 600000;     // ten minutes: anything longer is a broken clock
constexpr int kMaxUnderruns = 100000000;

bool intIn(const QJsonValue &v, int lo, int hi, int *out)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    // The range first: casting a huge double to an integer is undefined (found by fuzz_report).
    if (!(d >= lo && d <= hi) || d != std::floor(d))
        return false;
    *out = int(d);
    return true;
}

} // namespace

const char *hearingStateName(HearingState s)
{
    switch (s) {
    case HearingState::Playing: return "playing";
    case HearingState::Buffering: return "buffering";
    case HearingState::Blocked: return "blocked";
    case HearingState::Reconnecting: return "reconnecting";
    case HearingState::Unknown: break;
    }
    return "unknown";
}

QString parseListenerReport(const QJsonObject &m, ListenerReport *out, QString *error)
{
    static const QString code = QStringLiteral("invalid_report");
    static const QStringList known = {QStringLiteral("type"), QStringLiteral("state"), QStringLiteral("delay_ms"),
                                      QStringLiteral("underruns"), QStringLiteral("decoder"), QStringLiteral("hidden")};
    for (auto it = m.constBegin(); it != m.constEnd(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("unknown field \"%1\"; a listener_report has state, delay_ms, underruns, decoder, hidden")
                         .arg(it.key().left(32));
            return code;
        }
    }
    ListenerReport r;
    const QString state = m.value(QLatin1String("state")).toString();
    if (state == QLatin1String("playing"))
        r.state = HearingState::Playing;
    else if (state == QLatin1String("buffering"))
        r.state = HearingState::Buffering;
    else if (state == QLatin1String("blocked"))
        r.state = HearingState::Blocked;
    else if (state == QLatin1String("reconnecting"))
        r.state = HearingState::Reconnecting;
    else {
        *error = QStringLiteral("\"state\" must be one of playing, buffering, blocked, reconnecting");
        return code;
    }
    const QJsonValue delay = m.value(QLatin1String("delay_ms"));
    if (!delay.isUndefined() && !delay.isNull() && !intIn(delay, 0, kMaxDelayMs, &r.delayMs)) {
        *error = QStringLiteral("\"delay_ms\" must be an integer from 0 to %1, or null").arg(kMaxDelayMs);
        return code;
    }
    const QJsonValue underruns = m.value(QLatin1String("underruns"));
    if (!underruns.isUndefined() && !intIn(underruns, 0, kMaxUnderruns, &r.underruns)) {
        *error = QStringLiteral("\"underruns\" must be a non-negative integer");
        return code;
    }
    const QJsonValue decoder = m.value(QLatin1String("decoder"));
    if (!decoder.isUndefined()) {
        static const QRegularExpression word(QStringLiteral("^[a-z0-9][a-z0-9-]{0,23}$"));
        if (!decoder.isString() || !word.match(decoder.toString()).hasMatch()) {
            *error = QStringLiteral("\"decoder\" must be a short lowercase word (e.g. webcodecs, wasm, media)");
            return code;
        }
        r.decoder = decoder.toString();
    }
    const QJsonValue hidden = m.value(QLatin1String("hidden"));
    if (!hidden.isUndefined() && !hidden.isBool()) {
        *error = QStringLiteral("\"hidden\" must be true or false");
        return code;
    }
    r.hidden = hidden.toBool();
    *out = r;
    return {};
}

const char *deviceClassName(DeviceClass d)
{
    switch (d) {
    case DeviceClass::Phone: return "phone";
    case DeviceClass::Tablet: return "tablet";
    case DeviceClass::Desktop: return "desktop";
    case DeviceClass::Player: return "player";
    case DeviceClass::Unknown: break;
    }
    return "unknown";
}

DeviceClass deviceClassOf(const QString &ua)
{
    if (ua.isEmpty())
        return DeviceClass::Unknown;
    // Media players and radio apps first: VLC, ffmpeg/libav (Lavf), mpv, GStreamer, curl-like tools.
    static const QRegularExpression player(QStringLiteral("VLC|LibVLC|Lavf|mpv|MPlayer|GStreamer|Winamp|foobar2000|"
                                                          "iTunes|AppleCoreMedia|stagefright|ExoPlayer|Radio|curl|Wget"),
                                           QRegularExpression::CaseInsensitiveOption);
    if (player.match(ua).hasMatch() && !ua.contains(QLatin1String("Mozilla/")))
        return DeviceClass::Player;
    if (ua.contains(QLatin1String("iPad")) || ua.contains(QLatin1String("Tablet"))
        || (ua.contains(QLatin1String("Android")) && !ua.contains(QLatin1String("Mobile"))))
        return DeviceClass::Tablet;
    if (ua.contains(QLatin1String("Mobi")) || ua.contains(QLatin1String("iPhone")) || ua.contains(QLatin1String("iPod"))
        || ua.contains(QLatin1String("Android")))
        return DeviceClass::Phone;
    if (ua.contains(QLatin1String("Mozilla/")))
        return DeviceClass::Desktop;
    if (player.match(ua).hasMatch())
        return DeviceClass::Player;
    return DeviceClass::Unknown;
}

} // namespace onair
