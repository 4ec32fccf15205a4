#pragma once

#include <QObject>

class QSocketNotifier;

namespace onair {

// Turns SIGINT and SIGTERM into a Qt signal on the thread that created it (self-pipe trick:
// the handler only writes a byte, everything else runs in the event loop).
class UnixSignals final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnixSignals)
public:
    explicit UnixSignals(QObject *parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void terminationRequested(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace onair
