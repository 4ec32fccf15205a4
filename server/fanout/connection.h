#pragma once

#include "audio/pipeline.h"
#include "fanout/speakersession.h"
#include "fanout/streamstate.h"
#include "protocol/listenerreport.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QPointer>
#include <QQueue>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>

class QTcpSocket;
class QWebSocket;

class QSslSocket;

namespace onair {

// Probe: the /health/full probe's own listener (in-process consumers use a StreamFeed instead).
enum class ConnectionKind { Listener, Speaker, Legacy, Events, Probe, Player };

class PlayerRendition;

// One client connection as a worker sees it. Owned by its FanoutWorker, touched only on
// that worker's thread.
struct Connection
{
    quint64 id = 0;
    ConnectionKind kind = ConnectionKind::Listener;
    QWebSocket *ws = nullptr;
    QTcpSocket *tcp = nullptr;
    QSslSocket *ssl = nullptr; // the same socket when it speaks TLS (then fd is -1: no direct sends)
    int fd = -1;                         // -1: write through Qt only (e.g. TLS)
    std::shared_ptr<StreamState> stream;
    QString peer;
    qint64 connectedAtMs = 0;            // wall clock
    qint64 lastSeenMs = 0;               // monotonic
    qint64 lastPingMs = 0;
    qint64 awaitingPongSinceMs = 0;      // 0: not waiting
    qint64 overSoftSinceMs = 0;          // 0: backlog below the soft bound
    qint64 drops = 0;
    bool closing = false;
    std::unique_ptr<Pipeline> pipeline;  // speakers and legacy clients
    std::function<void(const QByteArray &frame)> sink; // Probe: /health/full's listener on this worker
    QString identity;                    // token sub, else the client_id it chose
    bool authenticated = false;
    QSet<QString> topics;                // events clients: subscriptions
    bool noAudio = false;                // listeners with ?audio=0: messages only
    DeviceClass device = DeviceClass::Unknown; // from the User-Agent of its request
    // A speaker that joined its stream (few: kept apart so that listeners do not carry it).
    struct Speaker
    {
        explicit Speaker(std::unique_ptr<SpeakerSession> s) : session(std::move(s)) {}
        std::unique_ptr<SpeakerSession> session;
        // Frames submitted to / come out of the pipeline, and latency marks waiting for the
        // frame they precede (a mark is relayed just before that frame, whatever the pipeline does).
        quint64 framesSubmitted = 0;
        std::shared_ptr<quint64> framesEmitted = std::make_shared<quint64>(0);
        std::shared_ptr<QQueue<QPair<quint64, QJsonObject>>> pendingMarks =
            std::make_shared<QQueue<QPair<quint64, QJsonObject>>>();
        qint64 markWindowStartMs = 0;
        int marksInWindow = 0;
        // With a cluster: messages held while the stream's lease is being claimed (replayed
        // once granted).
        bool leasePending = false;
        QList<QPair<bool, QByteArray>> deferred; // (binary, message)
        // An interpreter's pending hand-over: since when (monotonic ms; 0 = none).
        qint64 handOverSinceMs = 0;
    };
    std::unique_ptr<Speaker> speaker;
    // HTTP players (/stream/{id}.ogg|.mp3) only: kept apart so that the many WebSocket
    // listeners do not carry it (idle memory per connection).
    struct Player
    {
        PlayerFormat format = PlayerFormat::Ogg;
        quint64 seq = 0;          // the last chunk it has (its intro's, then delivered ones)
        qint64 bytesIn = 0;       // what it sent after its request (nothing, normally)
        std::shared_ptr<PlayerRendition> output; // the rendition it reads
        QString userAgent;
    };
    std::unique_ptr<Player> player;
    // An events client that resumed topics (subscribe with `since`) only.
    struct Resume
    {
        QHash<QString, qint64> last;                               // topic -> last offset sent
        QHash<QString, QList<QPair<qint64, QByteArray>>> holding;  // topic -> live events held during its replay
        QSet<QString> overflowed;                                  // held more than --history-max-recover
    };
    std::unique_ptr<Resume> resume;
    // A listener whose page reports what it plays (listener_report) only.
    struct Report
    {
        ListenerReport last;
        qint64 atMs = 0;          // monotonic, when `last` arrived
        bool warnedRate = false;  // told once that it reports too often
    };
    std::unique_ptr<Report> report;
};

} // namespace onair
