#pragma once

#include "audio/audioprocessor.h"

#include <QByteArray>

namespace onair {

class BannerDesk;
class Hub;
class Journal;
class PlayerSource;

// What a fan-out worker is given, instead of reaching through the hub for it. The engine fills
// it in before it starts the workers; every pointer outlives them.
struct WorkerContext
{
    Hub *hub = nullptr;                 // streams, fan-out, connection accounting, the cluster link
    BannerDesk *banners = nullptr;      // the active banner and acknowledgements (may be null)
    PlayerSource *players = nullptr;    // HTTP players' renditions (may be null: players refused)
    Journal *journal = nullptr;         // topic history: resumes (may be null: history off)
    QByteArray secret;                  // verifies speakers' tokens
    ProcessorFactory processors;        // a speaker's audio processing (may be empty)
};

} // namespace onair
