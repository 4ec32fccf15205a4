#include "bannerpanel.h"

#include "banners/bannerservice.h"
#include "enginehost.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace onair {

namespace {
const QString kTemplatesKey = QStringLiteral("banners/templates");

QVariantMap templates() { return QSettings().value(kTemplatesKey).toMap(); }
} // namespace

BannerPanel::BannerPanel(EngineHost *host, QWidget *parent)
    : QWidget(parent), m_host(host)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *box = new QGroupBox(tr("Banner"));
    auto *l = new QVBoxLayout(box);
    l->addWidget(buildComposer());
    l->addWidget(buildActive());
    m_detailsBox = new QWidget;
    auto *dl = new QVBoxLayout(m_detailsBox);
    dl->setContentsMargins(0, 0, 0, 0);
    m_notDismissed = new QListWidget;
    m_notDismissed->setAccessibleName(tr("Listeners who have not dismissed the banner"));
    m_notDismissed->setMaximumHeight(kListRows * 18 + 6);
    m_more = new QLabel;
    dl->addWidget(new QLabel(tr("Not dismissed:")));
    dl->addWidget(m_notDismissed);
    dl->addWidget(m_more);
    dl->addWidget(buildScheduled());
    dl->addWidget(m_deleteTemplate, 0, Qt::AlignRight);
    m_detailsBox->setVisible(false);
    l->addWidget(m_detailsBox);
    outer->addWidget(box);
    updateCounter();
    showReceipts({});
}

QWidget *BannerPanel::buildComposer()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    m_text = new QPlainTextEdit;
    m_text->setPlaceholderText(tr("Text every listener sees, e.g. \"Session B starts in 5 minutes\""));
    m_text->setMaximumHeight(m_text->fontMetrics().lineSpacing() * 2 + 16); // two lines: 280 characters fit
    m_text->setAccessibleName(tr("Banner text"));
    m_text->setTabChangesFocus(true); // a banner has no tabs; the keyboard must get out
    m_counter = new QLabel;
    m_counter->setObjectName(QStringLiteral("counter"));
    m_type = new QComboBox;
    m_type->setAccessibleName(tr("Banner type"));
    m_type->addItem(tr("Info"), QStringLiteral("info"));
    m_type->addItem(tr("Warning"), QStringLiteral("warning"));
    m_type->addItem(tr("Alert"), QStringLiteral("alert"));
    m_expiry = new QComboBox;
    m_expiry->setAccessibleName(tr("Banner expiry"));
    m_expiry->addItem(tr("No expiry"), 0);
    for (int minutes : {5, 15, 60})
        m_expiry->addItem(tr("%1 min").arg(minutes), minutes * 60);
    m_scheduleOn = new QCheckBox(tr("Schedule for"));
    m_scheduleOn->setAccessibleName(tr("Schedule the banner"));
    m_when = new QDateTimeEdit(QDateTime::currentDateTime().addSecs(15 * 60));
    m_when->setDisplayFormat(QStringLiteral("dd-MM HH:mm"));
    m_when->setCalendarPopup(true);
    m_when->setAccessibleName(tr("Banner start time"));
    m_when->setEnabled(false);
    m_send = new QPushButton(tr("Send"));
    m_send->setToolTip(tr("Send the banner to every listener (Ctrl+Return)"));
    m_clear = new QPushButton(tr("Clear"));
    m_clear->setAccessibleName(tr("Clear the banner"));
    buildTemplates();
    auto *row = new QHBoxLayout;
    row->addWidget(m_counter);
    row->addWidget(m_templates, 1);
    row->addWidget(m_saveTemplate);
    row->addWidget(m_type);
    row->addWidget(m_expiry);
    auto *row2 = new QHBoxLayout;
    row2->addWidget(m_scheduleOn);
    row2->addWidget(m_when);
    row2->addStretch();
    row2->addWidget(m_send);
    row2->addWidget(m_clear);
    l->addWidget(m_text);
    l->addLayout(row);
    l->addLayout(row2);
    connect(m_text, &QPlainTextEdit::textChanged, this, &BannerPanel::updateCounter);
    connect(m_scheduleOn, &QCheckBox::toggled, m_when, &QWidget::setEnabled);
    connect(m_send, &QPushButton::clicked, this, &BannerPanel::send);
    connect(m_clear, &QPushButton::clicked, this, [this] {
        QString error;
        if (!m_host->clearBanner(&error))
            Q_EMIT message(tr("The banner could not be cleared: %1").arg(error), true);
    });
    return w;
}

// Saved banners: picked in the composer's first row; saved from it; deleted under Details.
void BannerPanel::buildTemplates()
{
    m_templates = new QComboBox;
    m_templates->setAccessibleName(tr("Banner templates"));
    m_templates->setMinimumContentsLength(8);
    m_saveTemplate = new QPushButton(tr("Save…"));
    m_saveTemplate->setAccessibleName(tr("Save as template"));
    m_saveTemplate->setToolTip(tr("Save as template"));
    m_deleteTemplate = new QPushButton(tr("Delete template"));
    refillTemplates();
    connect(m_templates, &QComboBox::activated, this, [this](int i) {
        const QString name = m_templates->itemData(i).toString();
        m_deleteTemplate->setEnabled(!name.isEmpty());
        if (!name.isEmpty())
            applyTemplate(name);
    });
    connect(m_saveTemplate, &QPushButton::clicked, this, &BannerPanel::saveTemplateAsked);
    connect(m_deleteTemplate, &QPushButton::clicked, this, [this] { deleteTemplate(m_templates->currentData().toString()); });
}

void BannerPanel::refillTemplates()
{
    const QSignalBlocker block(m_templates);
    m_templates->clear();
    m_templates->addItem(tr("Templates"), QString());
    for (const QString &name : templateNames())
        m_templates->addItem(name, name);
    m_deleteTemplate->setEnabled(false);
}

QWidget *BannerPanel::buildActive()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    m_preview = new QLabel(tr("No banner is showing."));
    m_preview->setObjectName(QStringLiteral("bannerPreview"));
    m_preview->setWordWrap(true);
    m_preview->setTextFormat(Qt::PlainText); // banner text is data, never markup
    m_counts = new QLabel;
    m_counts->setAccessibleName(tr("Banner receipts"));
    m_alertAgain = new QPushButton(tr("Alert again"));
    m_alertAgain->setToolTip(tr("Show the banner again, prominently, to the listeners who have not dismissed it"));
    m_details = new QToolButton;
    m_details->setText(tr("Details"));
    m_details->setAccessibleName(tr("Show who has not dismissed it and the scheduled banners"));
    m_details->setCheckable(true);
    auto *text = new QVBoxLayout;
    text->addWidget(m_preview);
    text->addWidget(m_counts);
    auto *row = new QHBoxLayout;
    row->addLayout(text, 1);
    row->addWidget(m_details, 0, Qt::AlignBottom);
    row->addWidget(m_alertAgain, 0, Qt::AlignBottom);
    l->addLayout(row);
    connect(m_details, &QToolButton::toggled, this, [this](bool on) { m_detailsBox->setVisible(on); });
    connect(m_alertAgain, &QPushButton::clicked, this, [this] {
        if (m_host->repeatBanner(m_activeId))
            Q_EMIT message(tr("Banner sent again to the listeners who have not dismissed it."), false);
        else
            Q_EMIT message(tr("This banner is no longer showing."), true);
    });
    return w;
}

QWidget *BannerPanel::buildScheduled()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    m_scheduled = new QListWidget;
    m_scheduled->setAccessibleName(tr("Scheduled banners"));
    m_scheduled->setMaximumHeight(4 * 18 + 6);
    m_cancel = new QPushButton(tr("Cancel scheduled banner"));
    m_cancel->setEnabled(false);
    l->addWidget(new QLabel(tr("Scheduled:")));
    l->addWidget(m_scheduled);
    l->addWidget(m_cancel, 0, Qt::AlignRight);
    connect(m_scheduled, &QListWidget::itemSelectionChanged, this,
            [this] { m_cancel->setEnabled(!m_scheduled->selectedItems().isEmpty()); });
    connect(m_cancel, &QPushButton::clicked, this, &BannerPanel::cancelSelected);
    return w;
}

void BannerPanel::setSnapshot(const EngineSnapshot &s)
{
    if (s.activeBanner) {
        const QString type = s.activeBanner->type;
        const QString bg = type == QLatin1String("alert") ? QStringLiteral("#8e1b2b")
                         : type == QLatin1String("warning") ? QStringLiteral("#8a6200") : QStringLiteral("#1d4f7a");
        m_preview->setStyleSheet(QStringLiteral("background:%1; color:white;").arg(bg));
        const QDateTime until = s.activeBanner->expiresAt;
        m_preview->setText(until.isValid() ? tr("%1 (until %2)").arg(s.activeBanner->message, until.toLocalTime().toString(QStringLiteral("HH:mm")))
                                           : s.activeBanner->message);
        m_activeId = s.activeBanner->id;
        m_clear->setEnabled(true);
    } else {
        m_preview->setStyleSheet(QString());
        m_preview->setText(tr("No banner is showing."));
        m_activeId.clear();
        m_clear->setEnabled(false);
    }
    showReceipts(s.activeBanner ? s.bannerReceipts : QJsonObject());
    showScheduled(s.scheduledBanners);
}

void BannerPanel::showReceipts(const QJsonObject &r)
{
    const int open = r.value(QLatin1String("not_dismissed_total")).toInt();
    m_alertAgain->setEnabled(!m_activeId.isEmpty() && open > 0);
    m_counts->setVisible(!m_activeId.isEmpty() && !r.isEmpty()); // no empty line on a short screen
    if (m_activeId.isEmpty() || r.isEmpty()) {
        m_counts->clear();
        m_notDismissed->clear();
        m_more->clear();
        return;
    }
    m_counts->setText(tr("Delivered %1 · seen %2 · dismissed %3")
                          .arg(r.value(QLatin1String("delivered")).toInt())
                          .arg(r.value(QLatin1String("seen")).toInt())
                          .arg(r.value(QLatin1String("dismissed")).toInt()));
    QStringList names;
    for (const QJsonValue &v : r.value(QLatin1String("not_dismissed")).toArray()) {
        QString who = v.toString();
        for (const char *prefix : {"client:", "connection:"}) {
            if (who.startsWith(QLatin1String(prefix)) && who.size() > int(qstrlen(prefix)))
                who = who.mid(int(qstrlen(prefix)));
        }
        names.append(who);
    }
    QStringList shown;
    for (int i = 0; i < m_notDismissed->count(); ++i)
        shown.append(m_notDismissed->item(i)->text());
    if (shown != names) {
        m_notDismissed->clear();
        m_notDismissed->addItems(names);
    }
    m_more->setText(open > names.size() ? tr("+%1 more").arg(open - names.size()) : QString());
}

void BannerPanel::showScheduled(const QList<Banner> &list)
{
    QStringList ids;
    for (const Banner &b : list)
        ids.append(b.id);
    if (ids == m_shownScheduled)
        return;
    m_shownScheduled = ids;
    m_scheduled->clear();
    for (const Banner &b : list) {
        auto *item = new QListWidgetItem(tr("%1 — %2").arg(b.startsAt.toLocalTime().toString(QStringLiteral("dd-MM HH:mm")), b.message));
        item->setData(Qt::UserRole, b.id);
        m_scheduled->addItem(item);
    }
}

void BannerPanel::cancelSelected()
{
    const QList<QListWidgetItem *> items = m_scheduled->selectedItems();
    if (items.isEmpty())
        return;
    QString error;
    if (m_host->cancelScheduledBanner(items.first()->data(Qt::UserRole).toString(), &error))
        Q_EMIT message(tr("Scheduled banner cancelled."), false);
    else
        Q_EMIT message(tr("The banner could not be cancelled: %1").arg(error), true);
}

void BannerPanel::updateCounter()
{
    const qsizetype n = m_text->toPlainText().toUcs4().size();
    const bool over = n > BannerService::kMaxCharacters;
    m_counter->setText(tr("%1/%2").arg(n).arg(BannerService::kMaxCharacters));
    m_counter->setProperty("over", over);
    m_counter->style()->unpolish(m_counter);
    m_counter->style()->polish(m_counter);
    m_send->setEnabled(!over && !m_text->toPlainText().trimmed().isEmpty());
}

void BannerPanel::send()
{
    if (!m_send->isEnabled())
        return;
    QString error;
    const QDateTime when = m_scheduleOn->isChecked() ? m_when->dateTime() : QDateTime();
    const auto b = m_host->sendBanner(m_text->toPlainText(), m_type->currentData().toString(), m_expiry->currentData().toInt(),
                                      when, &error);
    if (!b) {
        Q_EMIT message(tr("The banner was not sent: %1").arg(error), true);
        return;
    }
    m_text->clear();
    m_scheduleOn->setChecked(false);
    Q_EMIT message(when.isValid() ? tr("Banner scheduled for %1.").arg(when.toString(QStringLiteral("dd-MM HH:mm")))
                                  : tr("Banner sent."), false);
}

QStringList BannerPanel::templateNames() const
{
    QStringList names = templates().keys();
    names.sort(Qt::CaseInsensitive);
    return names;
}

void BannerPanel::saveTemplateAsked()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save as template"), tr("Template name:"), QLineEdit::Normal,
                                               m_templates->currentData().toString(), &ok).trimmed();
    if (ok && !name.isEmpty())
        saveTemplate(name);
}

void BannerPanel::saveTemplate(const QString &name)
{
    QVariantMap all = templates();
    all.insert(name, QVariantMap{{QStringLiteral("message"), m_text->toPlainText()},
                                 {QStringLiteral("type"), m_type->currentData()},
                                 {QStringLiteral("expiry"), m_expiry->currentData()}});
    QSettings().setValue(kTemplatesKey, all);
    refillTemplates();
    m_templates->setCurrentIndex(m_templates->findData(name));
    m_deleteTemplate->setEnabled(true);
    Q_EMIT message(tr("Template \"%1\" saved.").arg(name), false);
}

bool BannerPanel::applyTemplate(const QString &name)
{
    const QVariantMap t = templates().value(name).toMap();
    if (t.isEmpty())
        return false;
    m_text->setPlainText(t.value(QStringLiteral("message")).toString());
    m_type->setCurrentIndex(std::max(0, m_type->findData(t.value(QStringLiteral("type")).toString())));
    m_expiry->setCurrentIndex(std::max(0, m_expiry->findData(t.value(QStringLiteral("expiry")).toInt())));
    return true;
}

void BannerPanel::deleteTemplate(const QString &name)
{
    QVariantMap all = templates();
    if (name.isEmpty() || all.remove(name) == 0)
        return;
    QSettings().setValue(kTemplatesKey, all);
    refillTemplates();
    Q_EMIT message(tr("Template \"%1\" deleted.").arg(name), false);
}

} // namespace onair
