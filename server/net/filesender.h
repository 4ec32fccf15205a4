#pragma once

#include <QFile>
#include <QObject>

#include <memory>

class QTcpSocket;

namespace onair {

// Sends the answer of a file request on a connection nobody else reads or writes any more:
// the head, then [first, first + length) of the file, read in chunks as the socket drains
// (never more than kHighWater bytes queued, never the whole file in memory), then closes.
// A client that goes away mid-file (a browser seeking) just ends it. Owned by the socket.
class FileSender final : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kChunk = 64 * 1024;
    static constexpr qint64 kHighWater = 256 * 1024;

    // `file` is open; the body starts at `first`. With `length` 0 only the head is sent.
    static void start(QTcpSocket *socket, const QByteArray &head, std::unique_ptr<QFile> file, qint64 first,
                      qint64 length);

private:
    FileSender(QTcpSocket *socket, std::unique_ptr<QFile> file, qint64 length);
    void pump();

    QTcpSocket *m_socket;
    std::unique_ptr<QFile> m_file;
    qint64 m_left;
    bool m_closing = false;
};

} // namespace onair
