#include "net/filesender.h"

#include <QTcpSocket>

namespace onair {

void FileSender::start(QTcpSocket *socket, const QByteArray &head, std::unique_ptr<QFile> file, qint64 first,
                       qint64 length)
{
    if (length > 0 && !file->seek(first)) {
        socket->abort();
        return;
    }
    auto *sender = new FileSender(socket, std::move(file), length);
    socket->write(head);
    sender->pump();
}

FileSender::FileSender(QTcpSocket *socket, std::unique_ptr<QFile> file, qint64 length)
    : QObject(socket), m_socket(socket), m_file(std::move(file)), m_left(length)
{
    connect(socket, &QTcpSocket::bytesWritten, this, &FileSender::pump);
}

void FileSender::pump()
{
    while (m_left > 0 && m_socket->bytesToWrite() < kHighWater) {
        const QByteArray chunk = m_file->read(std::min(kChunk, m_left));
        if (chunk.isEmpty()) {
            // The file shrank or failed under us: end the connection rather than send a body
            // shorter than its Content-Length that looks complete.
            m_socket->abort();
            return;
        }
        m_socket->write(chunk);
        m_left -= chunk.size();
    }
    if (m_left == 0 && !m_closing) {
        m_closing = true;
        m_file->close();
        m_socket->disconnectFromHost(); // after what is queued is written ("Connection: close")
    }
}

} // namespace onair
