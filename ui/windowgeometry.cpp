#include "windowgeometry.h"

namespace onair {

QRect firstStartGeometry(const QRect &available, const QMargins &frame)
{
    const QRect room = available.marginsRemoved(frame);
    if (room.isEmpty())
        return room;
    QRect r(QPoint(0, 0), QSize(room.width() * 95 / 100, room.height() * 95 / 100));
    r.moveCenter(room.center());
    return r;
}

QRect fitToScreen(const QRect &saved, const QRect &available, const QMargins &frame)
{
    const QRect room = available.marginsRemoved(frame);
    if (room.isEmpty() || saved.isEmpty())
        return saved;
    QRect r(saved.topLeft(), saved.size().boundedTo(room.size()));
    if (!r.intersects(room)) {
        r.moveCenter(room.center());
        return r;
    }
    if (r.right() > room.right())
        r.moveRight(room.right());
    if (r.bottom() > room.bottom())
        r.moveBottom(room.bottom());
    if (r.left() < room.left())
        r.moveLeft(room.left());
    if (r.top() < room.top())
        r.moveTop(room.top());
    return r;
}

bool fitsOnScreen(const QRect &frameRect, const QRect &available)
{
    return available.contains(frameRect);
}

} // namespace onair
