#include "logmodel.h"

#include <QDateTime>
#include <QMetaObject>
#include <QPointer>

namespace onair {

namespace {
QPointer<LogModel> g_model;
QtMessageHandler g_previous = nullptr;

void handler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    if (g_previous)
        g_previous(type, ctx, msg);
    if (!g_model)
        return;
    static const char *const names[] = {"debug", "warning", "critical", "fatal", "info"};
    const QString line = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz")) + u' '
        + QString::fromLatin1(ctx.category ? ctx.category : "default") + u' ' + QString::fromLatin1(names[type]) + u' ' + msg;
    g_model->post(line);
}
} // namespace

LogModel::LogModel(QObject *parent) : QAbstractListModel(parent)
{
    m_flush.setInterval(200);
    connect(&m_flush, &QTimer::timeout, this, &LogModel::flush);
    m_flush.start();
    g_model = this; // the newest model gets the lines
    const QtMessageHandler previous = qInstallMessageHandler(handler);
    if (previous != handler) // a second model must not chain the handler to itself
        g_previous = previous;
}

LogModel::~LogModel()
{
    if (g_model != this)
        return; // a newer model took over
    qInstallMessageHandler(g_previous);
    g_model = nullptr;
}

int LogModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_lines.size()); }

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (role != Qt::DisplayRole || !index.isValid() || index.row() >= m_lines.size())
        return {};
    return m_lines[index.row()];
}

void LogModel::post(const QString &line)
{
    QMutexLocker lock(&m_pendingMutex);
    if (m_pending.size() < 5000) // beyond that, in a burst, only the counts matter
        m_pending.append(line);
}

void LogModel::flush()
{
    QStringList batch;
    {
        QMutexLocker lock(&m_pendingMutex);
        batch.swap(m_pending);
    }
    if (batch.isEmpty())
        return;
    constexpr int kMax = 2000;
    if (batch.size() > kMax)
        batch = batch.mid(batch.size() - kMax);
    const qsizetype overflow = m_lines.size() + batch.size() - kMax;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_lines.remove(0, overflow);
        endRemoveRows();
    }
    beginInsertRows({}, int(m_lines.size()), int(m_lines.size() + batch.size()) - 1);
    m_lines += batch;
    endInsertRows();
}

} // namespace onair
