#pragma once

#include <QMargins>
#include <QRect>

namespace onair {

// Where the control room's window goes, as pure functions of the screen's available geometry
// (the desktop without panels and docks): a 1366x768 laptop and a 1920x1080 monitor can be
// checked without either. Rects are the window's inside; `frame` is what the window manager
// adds around it (the title bar), zero when unknown.

// The first start: 95 % of the room the screen leaves once the frame is added, centred.
QRect firstStartGeometry(const QRect &available, const QMargins &frame);

// A saved geometry brought back within `available`, frame included: shrunk when it is larger
// (saved on a bigger screen), moved in when it sticks out, centred when it is on no part of
// the screen (saved on a screen since unplugged). Unchanged when it fits.
QRect fitToScreen(const QRect &saved, const QRect &available, const QMargins &frame);

// True when `frameRect` (the window with its frame) lies within `available`.
bool fitsOnScreen(const QRect &frameRect, const QRect &available);

} // namespace onair
