#pragma once

#include "banners/banner.h"

#include <QJsonObject>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace onair {

class EngineHost;
struct EngineSnapshot;

// The banner composer of the control room (issue 19): text, type, expiry, an optional start
// time, saved templates (QSettings), the active banner with its live receipts (delivered / seen
// / dismissed and who has not dismissed it), "Alert again", and the scheduled banners with
// Cancel. Fed by the window's engine snapshots (4 Hz); the receipts and lists fold away.
class BannerPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BannerPanel)
public:
    static constexpr int kListRows = 8; // not-dismissed identities shown; the rest is "+N more"

    explicit BannerPanel(EngineHost *host, QWidget *parent = nullptr);

    void setSnapshot(const EngineSnapshot &s);
    // Ctrl+Return: sends when the composer allows it.
    void send();
    // Templates: the composer's fields under `name` (replacing one of that name); apply one.
    void saveTemplate(const QString &name);
    bool applyTemplate(const QString &name);
    QStringList templateNames() const;
    void deleteTemplate(const QString &name);

    QPlainTextEdit *textEdit() const { return m_text; }
    QPushButton *sendButton() const { return m_send; }
    QLabel *counter() const { return m_counter; }
    QComboBox *typeCombo() const { return m_type; }
    QComboBox *expiryCombo() const { return m_expiry; }
    QLabel *countsLabel() const { return m_counts; }
    QListWidget *notDismissedList() const { return m_notDismissed; }
    QPushButton *alertAgainButton() const { return m_alertAgain; }
    QListWidget *scheduledList() const { return m_scheduled; }

Q_SIGNALS:
    // A line for the window's status area.
    void message(const QString &text, bool error);

private:
    QWidget *buildComposer();
    void buildTemplates();
    QWidget *buildActive();
    QWidget *buildScheduled();
    void updateCounter();
    void showReceipts(const QJsonObject &r);
    void showScheduled(const QList<Banner> &list);
    void saveTemplateAsked();
    void refillTemplates();
    void cancelSelected();

    EngineHost *m_host;
    QPlainTextEdit *m_text = nullptr;
    QLabel *m_counter = nullptr;
    QComboBox *m_type = nullptr;
    QComboBox *m_expiry = nullptr;
    QCheckBox *m_scheduleOn = nullptr;
    QDateTimeEdit *m_when = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_clear = nullptr;
    QComboBox *m_templates = nullptr;
    QPushButton *m_saveTemplate = nullptr;
    QPushButton *m_deleteTemplate = nullptr;
    QLabel *m_preview = nullptr;
    QLabel *m_counts = nullptr;
    QToolButton *m_details = nullptr;
    QWidget *m_detailsBox = nullptr;
    QListWidget *m_notDismissed = nullptr;
    QLabel *m_more = nullptr;
    QPushButton *m_alertAgain = nullptr;
    QListWidget *m_scheduled = nullptr;
    QPushButton *m_cancel = nullptr;
    QString m_activeId;
    QStringList m_shownScheduled; // ids in m_scheduled, to leave the selection alone
};

} // namespace onair
