#include "http/restapi.h"

#include "http/controllers.h"
#include "http/restsupport.h"

namespace onair {

void installRestApi(QHttpServer *http, ServerContext *ctx)
{
    const auto guard = std::make_shared<const RestGuard>(ctx);
    installBroadcastRoutes(http, ctx, guard);
    installStreamRoutes(http, ctx, guard);
    installAdminRoutes(http, ctx, guard);
    installHistoryRoutes(http, ctx, guard);
    installRecordingRoutes(http, ctx, guard);
    installChannelRoutes(http, ctx, guard);
}

} // namespace onair
