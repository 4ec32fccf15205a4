#pragma once

#include <QJsonObject>
#include <QString>
#include <QtGlobal>

namespace onair {

// What a listener actually plays, as its page reports it every few seconds
// ({"type":"listener_report",…}, docs/protocol.md "Are they hearing me?"). HTTP players
// (/stream/…) report nothing: they count as playing while they read.
enum class HearingState : quint8 {
    Unknown,      // no report (yet), or the last one is stale
    Playing,      // sound is coming out
    Buffering,    // on air, waiting for audio / loading the decoder
    Blocked,      // autoplay blocked: the page waits for a tap
    Reconnecting, // the page lost its connection and came back, no audio yet
};
constexpr int kHearingStates = 5;

const char *hearingStateName(HearingState s);

struct ListenerReport
{
    HearingState state = HearingState::Unknown;
    int delayMs = -1;     // mouth-to-ear as the page measures or estimates it; -1: unknown
    int underruns = 0;    // since the page started playing
    QString decoder;      // "webcodecs", "wasm", "media", "pcm", …
    bool hidden = false;  // the tab is in the background (the screen may be off)
};

// Validates a listener_report message. Empty on success (fills *out), else an error code
// ("invalid_report") with a message naming the field.
QString parseListenerReport(const QJsonObject &message, ListenerReport *out, QString *error);

// The kind of device a User-Agent names, for the operator's listeners table.
enum class DeviceClass : quint8 { Unknown, Phone, Tablet, Desktop, Player };
const char *deviceClassName(DeviceClass d);
DeviceClass deviceClassOf(const QString &userAgent);

} // namespace onair
