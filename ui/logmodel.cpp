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
    QMetaObject::invokeMethod(g_model.data(), [line] {
        if (g_model)
            g_model->append(line);
    }, Qt::QueuedConnection);
}
} // namespace

LogModel::LogModel(QObject *parent) : QAbstractListModel(parent)
{
    g_model = this;
    g_previous = qInstallMessageHandler(handler);
}

LogModel::~LogModel()
{
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

void LogModel::append(const QString &line)
{
    constexpr int kMax = 2000;
    if (m_lines.size() >= kMax) {
        beginRemoveRows({}, 0, 199);
        m_lines.remove(0, 200);
        endRemoveRows();
    }
    beginInsertRows({}, int(m_lines.size()), int(m_lines.size()));
    m_lines.append(line);
    endInsertRows();
}

} // namespace onair
