#include "interpretation/stages/stages.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>

namespace onair {
namespace {

// The text to Apertium's stream format: its reserved characters escaped, one line.
QByteArray escapeForStream(const QString &text)
{
    QString out;
    out.reserve(text.size() + 8);
    for (const QChar c : text) {
        if (c == u'\n' || c == u'\r' || c == u'\t' || c.unicode() == 0)
            out += u' ';
        else if (QStringView(u"\\[]{}^$@/<>").contains(c))
            out += u'\\', out += c;
        else
            out += c;
    }
    return out.toUtf8();
}

QString unescapeFromStream(QString text)
{
    static const QRegularExpression escaped(QStringLiteral("\\\\(.)"));
    text.replace(escaped, QStringLiteral("\\1"));
    // Unknown / untranslatable word marks (*, #, @) at the start of a word.
    static const QRegularExpression marks(QStringLiteral("(^|\\s)[*#@]+(?=\\S)"));
    text.replace(marks, QStringLiteral("\\1"));
    return text.simplified();
}

// One long-lived Apertium pipeline per language pair: the mode's programs, each with -z (flush
// on NUL), started once; a request is the escaped text and two NULs (lttoolbox 3.7's bilingual
// lt-proc only flushes on a second NUL), the answer ends at the next NUL. A dead or stuck
// pipeline is restarted by the next request.
class ApertiumTranslator final : public Translator
{
public:
    ApertiumTranslator(QString command, int timeoutMs) : m_command(std::move(command)), m_timeoutMs(timeoutMs) {}
    ~ApertiumTranslator() override { stop(); }

    QString name() const override { return QStringLiteral("apertium"); }

    bool start(QString *error)
    {
        m_proc = std::make_unique<QProcess>();
        m_proc->setProgram(QStringLiteral("/bin/sh"));
        m_proc->setArguments({QStringLiteral("-c"), m_command});
        m_proc->setProcessChannelMode(QProcess::SeparateChannels);
        m_proc->setStandardErrorFile(QProcess::nullDevice());
        m_proc->start();
        if (!m_proc->waitForStarted(5000)) {
            *error = QStringLiteral("apertium: could not start (%1)").arg(m_proc->errorString());
            m_proc.reset();
            return false;
        }
        m_buffer.clear();
        return true;
    }

    qint64 pid() const { return m_proc ? m_proc->processId() : 0; }

    bool translate(const QString &text, QString *out, QString *error) override
    {
        if (text.trimmed().isEmpty()) {
            out->clear();
            return true;
        }
        if (m_proc && m_proc->state() != QProcess::Running) {
            // Died since the last answer (killed, crashed): report it; the retry restarts it.
            stop();
            *error = QStringLiteral("apertium: the pipeline had exited; restarting");
            return false;
        }
        if (!m_proc && !start(error))
            return false;
        m_proc->write(escapeForStream(text) + QByteArray("\0\0", 2));
        QElapsedTimer clock;
        clock.start();
        for (;;) {
            // Stray NULs of the previous answer's second flush come first: skip them.
            int startAt = 0;
            while (startAt < m_buffer.size() && m_buffer.at(startAt) == '\0')
                ++startAt;
            const int end = m_buffer.indexOf('\0', startAt);
            if (end >= 0) {
                *out = unescapeFromStream(QString::fromUtf8(m_buffer.mid(startAt, end - startAt)));
                m_buffer.remove(0, end + 1);
                return true;
            }
            const qint64 left = m_timeoutMs - clock.elapsed();
            if (left <= 0 || m_proc->state() != QProcess::Running) {
                *error = m_proc->state() != QProcess::Running ? QStringLiteral("apertium: the pipeline exited")
                                                              : QStringLiteral("apertium: no answer in %1 ms").arg(m_timeoutMs);
                stop(); // restarted by the next request
                return false;
            }
            if (m_proc->waitForReadyRead(int(left)))
                m_buffer += m_proc->readAllStandardOutput();
        }
    }

private:
    void stop()
    {
        if (!m_proc)
            return;
        m_proc->closeWriteChannel(); // EOF: every program of the pipeline ends
        if (!m_proc->waitForFinished(200)) {
            m_proc->kill();
            m_proc->waitForFinished(1000);
        }
        m_proc.reset();
        m_buffer.clear();
    }

    const QString m_command;
    const int m_timeoutMs;
    std::unique_ptr<QProcess> m_proc;
    QByteArray m_buffer;
};

} // namespace

QString apertiumMode(const QString &modesDir, const QString &from, const QString &to)
{
    for (const QString &name : QStringList{iso639_3(from) + u'-' + iso639_3(to), from + u'-' + to}) {
        const QString path = QDir(modesDir).filePath(name + QStringLiteral(".mode"));
        if (QFile::exists(path))
            return path;
    }
    return {};
}

std::unique_ptr<Translator> makeApertium(const QString &modesDir, const QString &from, const QString &to,
                                         int timeoutMs, QString *error)
{
    const QString modePath = apertiumMode(modesDir, from, to);
    if (modePath.isEmpty()) {
        *error = QStringLiteral("apertium: no %1-%2 mode installed in %3").arg(from, to, modesDir);
        return nullptr;
    }
    QFile f(modePath);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("apertium: cannot read %1").arg(modePath);
        return nullptr;
    }
    // $1: generation without unknown-word marks; $2: tagger options (none). Every program
    // flushes on NUL.
    QString mode = QString::fromUtf8(f.readAll()).trimmed();
    mode.replace(QStringLiteral("$1"), QStringLiteral("-n")).replace(QStringLiteral("$2"), QString());
    QStringList stages = mode.split(u'|');
    for (QString &s : stages) {
        s = s.trimmed();
        const int space = s.indexOf(u' ');
        const QString program = space < 0 ? s : s.left(space);
        if (!s.contains(QStringLiteral(" -z")))
            s = program + QStringLiteral(" -z") + (space < 0 ? QString() : s.mid(space));
    }
    auto t = std::make_unique<ApertiumTranslator>(stages.join(QStringLiteral(" | ")), timeoutMs);
    if (!t->start(error))
        return nullptr;
    return t;
}

} // namespace onair
