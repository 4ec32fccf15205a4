#include "recording/oggscan.h"

#include <QFile>
#include <QtEndian>

#include <ogg/ogg.h>

namespace onair {

qint64 oggOpusDurationMs(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    ogg_sync_state sync;
    ogg_sync_init(&sync);
    ogg_page page;
    qint64 lastGranule = -1;
    int preSkip = -1;
    bool more = true;
    while (more) {
        char *buffer = ogg_sync_buffer(&sync, 65536);
        const qint64 n = f.read(buffer, 65536);
        more = n > 0;
        ogg_sync_wrote(&sync, long(qMax<qint64>(n, 0)));
        while (ogg_sync_pageout(&sync, &page) == 1) {
            if (preSkip < 0 && ogg_page_bos(&page) && page.body_len >= 19
                && memcmp(page.body, "OpusHead", 8) == 0) {
                preSkip = qFromLittleEndian<quint16>(page.body + 10);
            }
            const qint64 g = ogg_page_granulepos(&page);
            if (g > lastGranule)
                lastGranule = g;
        }
    }
    ogg_sync_clear(&sync);
    if (preSkip < 0)
        return -1;
    return qMax<qint64>(0, lastGranule - preSkip) / 48;
}

} // namespace onair
