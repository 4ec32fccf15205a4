#pragma once

#include "fanout/streamstate.h"

#include <QByteArray>

#include <memory>

namespace onair {

// A stream rendered for standard players in one format (streaming/PlayerOutput): its chunks
// reach the workers through Hub::publishPlayerChunk; a new player first gets its intro.
class PlayerRendition
{
public:
    virtual ~PlayerRendition() = default;
    // Thread-safe: what a new player gets first (headers and a burst of recent chunks), and the
    // number of the last chunk in it.
    virtual QByteArray intro(quint64 *lastSeq) const = 0;
};

// Where renditions come from (streaming/PlayerStreams): one per stream and format, shared by
// every player of it on this replica. Thread-safe.
class PlayerSource
{
public:
    virtual ~PlayerSource() = default;
    // nullptr when the source is stopping.
    virtual std::shared_ptr<PlayerRendition> acquire(const std::shared_ptr<StreamState> &stream, PlayerFormat format) = 0;
    virtual void release(const std::shared_ptr<PlayerRendition> &rendition) = 0;
};

} // namespace onair
