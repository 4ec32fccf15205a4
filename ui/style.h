#pragma once

class QApplication;

namespace onair {

// The dark control-room look: Fusion with a dark palette and an unmistakable ON AIR button.
void applyControlRoomStyle(QApplication &app);

} // namespace onair
