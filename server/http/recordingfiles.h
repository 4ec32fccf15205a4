#pragma once

#include "http/restsupport.h"
#include "net/fileroutes.h"

#include <QHttpServerResponse>

#include <memory>
#include <optional>

class QHostAddress;
class QUrl;

namespace onair {

class ServerContext;

// Who may list and play recordings (docs/recording.md): admin, unless --public-recordings
// (then as any listener read). The token comes as `Authorization: Bearer` or as `?token=` (an
// <audio src> cannot send headers). A valid admin token skips the admin rate limit: a player
// seeking asks for many ranges; a bad one is counted like any admin call.
Caller archiveCaller(const RestGuard &guard, const QByteArray &authorization, const QUrl &url);
std::optional<QHttpServerResponse> archiveAccess(const RestGuard &guard, ServerContext *ctx, const Caller &c,
                                                 const QHostAddress &peer);

// GET /api/recordings/{id}.ogg|.mp3, answered by the acceptor on a connection of its own
// (net/fileroutes.h): this decides access and which file; the acceptor sends it with Range.
class RecordingFiles final : public FileRoutes
{
public:
    explicit RecordingFiles(ServerContext *ctx);
    ~RecordingFiles() override;
    Q_DISABLE_COPY_MOVE(RecordingFiles)

    FileAnswer resolve(const HeadVerdict &head, const QHostAddress &peer) override;

private:
    ServerContext *m_ctx;
    std::unique_ptr<RestGuard> m_guard;
};

} // namespace onair
