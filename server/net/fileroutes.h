#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class QHostAddress;

namespace onair {

struct HeadVerdict;

// What the acceptor serves from files on a connection of its own (a recording's audio,
// GET /api/recordings/{id}.ogg|.mp3): it reads the file as the socket drains, with Range
// (net/filesender.h). Who may have which file is decided above net/ (http/recordingfiles.h).
struct FileAnswer
{
    int status = 200;  // 200: serve `path`; anything else: answer with `body` (a JSON error)
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers of an error (Retry-After)
    QString path;
    QByteArray mime;
};

class FileRoutes
{
public:
    virtual ~FileRoutes() = default;
    // On the engine's thread, for a request isStreamedFileTarget() matched.
    virtual FileAnswer resolve(const HeadVerdict &head, const QHostAddress &peer) = 0;
};

} // namespace onair
