#pragma once

#include <QString>

namespace onair {

// What an Ogg Opus file on disk really holds, read with libogg: the duration up to its last
// whole page (granule position minus pre-skip), in ms; -1 when it is not Ogg Opus. A file cut
// mid-page (a crash) counts up to the last page that is whole.
qint64 oggOpusDurationMs(const QString &path);

} // namespace onair
