#include "languagechannelspanel.h"

#include "columnfit.h"
#include "enginehost.h"
#include "interpretationpanel.h"
#include "levelmeter.h"
#include "protocol/streamid.h"
#include "speakcontroller.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

namespace onair {

namespace {

const QString kRed = QStringLiteral("#e74c3c"), kAmber = QStringLiteral("#f1c40f"), kGreen = QStringLiteral("#2ecc71");
constexpr int kLevelRole = Qt::UserRole + 1; // the RMS in dBFS, absent when not measured here
constexpr double kFloorDb = -60;

// The level cell: the number, then a bar from -60 to 0 dBFS in what the column has left.
class LevelDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        const QVariant level = index.data(kLevelRole);
        if (!level.isValid())
            return;
        // Right of the number, so that both read: green, amber from -18, red from -6 dBFS.
        const int textWidth = option.fontMetrics.horizontalAdvance(QStringLiteral("-60 dBFS")) + 10;
        QRectF bar = QRectF(option.rect).adjusted(textWidth, 6, -4, -6);
        if (bar.width() < 12)
            return;
        const double db = std::clamp(level.toDouble(), kFloorDb, 0.0);
        painter->fillRect(bar, QColor(0x1a, 0x1f, 0x24));
        bar.setWidth(bar.width() * (db - kFloorDb) / -kFloorDb);
        painter->fillRect(bar, db > -6 ? QColor(0xe7, 0x4c, 0x3c) : db > -18 ? QColor(0xf1, 0xc4, 0x0f) : QColor(0x2e, 0xcc, 0x71));
    }
};

QTableWidgetItem *cell(const QString &text, const QString &color = QString())
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    if (!color.isEmpty())
        item->setForeground(QColor(color));
    return item;
}

QString sourceColor(const QString &source)
{
    if (source == QLatin1String("human"))
        return kGreen;
    if (source == QLatin1String("machine"))
        return QStringLiteral("#6cb6ff");
    if (source == QLatin1String("original"))
        return kAmber;
    return QStringLiteral("#8a939c");
}

const QStringList &fallbacks()
{
    static const QStringList all{QStringLiteral("machine"), QStringLiteral("original"), QStringLiteral("silence")};
    return all;
}

} // namespace

LanguageChannelsPanel::LanguageChannelsPanel(EngineHost *host, QWidget *parent) : QWidget(parent), m_host(host)
{
    setObjectName(QStringLiteral("languageChannels"));
    setAccessibleName(tr("Language channels"));
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("channelMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->hide();
    m_boothStatus = new QLabel;
    m_boothStatus->setObjectName(QStringLiteral("boothStatus"));
    m_boothStatus->setWordWrap(true);
    m_boothStatus->setTextFormat(Qt::PlainText);
    m_boothStatus->setAccessibleName(tr("Booth status"));
    auto *boothTitle = new QLabel(tr("This computer as a booth"));
    boothTitle->setObjectName(QStringLiteral("boothTitle"));
    boothTitle->setStyleSheet(QStringLiteral("color:#9fb3c8; font-weight:bold;"));

    // The table on the left, all it takes; what is done to channels on the right, compact, so
    // that a laptop's strip of a tab shows it whole.
    auto *column = new QVBoxLayout;
    column->setSpacing(4);
    column->addWidget(buildAddRow());
    column->addWidget(m_message);
    column->addSpacing(4);
    column->addWidget(boothTitle);
    column->addWidget(buildBoothRow());
    column->addWidget(m_boothMeter);
    column->addWidget(m_boothStatus);
    column->addStretch(1);
    auto *root = new QHBoxLayout(this);
    root->setContentsMargins(0, 4, 0, 0);
    root->addWidget(buildTable(), 3);
    root->addLayout(column, 2);
    // Keyboard order as read: the table (its pickers follow it, see setFallbackCell), then the
    // column from the top.
    QWidget *previous = m_table;
    for (QWidget *w : {static_cast<QWidget *>(m_streamEdit), static_cast<QWidget *>(m_langEdit), static_cast<QWidget *>(m_add),
                       static_cast<QWidget *>(m_remove), static_cast<QWidget *>(m_boothChannel), static_cast<QWidget *>(m_booth),
                       static_cast<QWidget *>(m_handOver)}) {
        setTabOrder(previous, w);
        previous = w;
    }
    showBoothStatus(tr("Speak into a channel with the source chosen in the Speak bar."), QString());

    connect(m_host, &EngineHost::languageChannelsReady, this, &LanguageChannelsPanel::onChannels);
    connect(m_host, &EngineHost::channelChanged, this, &LanguageChannelsPanel::onChanged);
    m_poll.setInterval(500);
    connect(&m_poll, &QTimer::timeout, this, &LanguageChannelsPanel::refresh);
    m_poll.start();
    refresh();
    updateButtons();
}

QWidget *LanguageChannelsPanel::buildTable()
{
    const QStringList headers{tr("Channel"), tr("Language"), tr("On air"), tr("Level"), tr("Listeners"), tr("Fallback")};
    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(QStringLiteral("languageChannelsTable"));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->horizontalHeaderItem(OnAir)->setToolTip(tr("Who the listeners of the channel hear now"));
    m_table->horizontalHeaderItem(Level)->setToolTip(tr("The channel's level over the last second (RMS), when it is spoken on this server"));
    m_table->horizontalHeaderItem(Fallback)->setToolTip(
        tr("What the channel carries while no person speaks on it. Machine: the machine interpreter where one serves the language, "
           "else the original audio."));
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 12); // room for the picker
    new ColumnFit(m_table, Level); // what is left over goes to the level's bar
    m_table->setItemDelegateForColumn(Level, new LevelDelegate(m_table));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTabKeyNavigation(false);
    m_table->setAccessibleName(tr("Language channels"));
    m_table->setAccessibleDescription(tr("Every language channel: who is on it, its level, its listeners and its fallback"));
    m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->verticalHeader()->defaultSectionSize()
                              + 2 * m_table->frameWidth());
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LanguageChannelsPanel::updateButtons);
    return m_table;
}

// Stream [main] Language [nl] Add · Remove.
QWidget *LanguageChannelsPanel::buildAddRow()
{
    m_streamEdit = new QLineEdit;
    m_streamEdit->setObjectName(QStringLiteral("channelStream"));
    m_streamEdit->setPlaceholderText(m_defaultStream);
    m_streamEdit->setAccessibleName(tr("Stream of the new channel"));
    m_streamEdit->setToolTip(tr("The stream (the floor) the channel interprets; empty: %1").arg(m_defaultStream));
    m_langEdit = new QLineEdit;
    m_langEdit->setObjectName(QStringLiteral("channelLanguage"));
    m_langEdit->setPlaceholderText(tr("e.g. nl"));
    m_langEdit->setMaxLength(8);
    m_langEdit->setAccessibleName(tr("Language of the new channel"));
    m_langEdit->setToolTip(tr("A 2- or 3-letter language code: nl, en, de, fr, es, …"));
    const int chars = m_langEdit->fontMetrics().horizontalAdvance(QStringLiteral("MMMMMMM"));
    m_langEdit->setMaximumWidth(chars);
    m_streamEdit->setMaximumWidth(2 * chars);
    m_add = new QPushButton(tr("Add channel"));
    m_add->setObjectName(QStringLiteral("addChannel"));
    m_add->setToolTip(tr("Offer the channel to listeners from now on (kept across restarts)"));
    m_remove = new QPushButton(tr("Remove"));
    m_remove->setObjectName(QStringLiteral("removeChannel"));
    m_remove->setAccessibleName(tr("Remove the selected channel"));
    m_remove->setToolTip(tr("Stop offering the selected channel (a person on air on it stays on air)"));
    auto *streamLabel = new QLabel(tr("S&tream"));
    streamLabel->setBuddy(m_streamEdit);
    auto *langLabel = new QLabel(tr("&Language"));
    langLabel->setBuddy(m_langEdit);

    auto *row = new QWidget;
    auto *l = new QHBoxLayout(row);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(streamLabel);
    l->addWidget(m_streamEdit);
    l->addWidget(langLabel);
    l->addWidget(m_langEdit);
    l->addWidget(m_add);
    l->addStretch(1);
    l->addWidget(m_remove);
    connect(m_add, &QPushButton::clicked, this, &LanguageChannelsPanel::addChannel);
    connect(m_langEdit, &QLineEdit::returnPressed, this, &LanguageChannelsPanel::addChannel);
    connect(m_remove, &QPushButton::clicked, this, &LanguageChannelsPanel::removeChannel);
    return row;
}

// Speak into [main~nl] [Speak into it] [Hand over] (the level under it).
QWidget *LanguageChannelsPanel::buildBoothRow()
{
    m_boothChannel = new QComboBox;
    m_boothChannel->setObjectName(QStringLiteral("boothChannel"));
    m_boothChannel->setAccessibleName(tr("Channel to speak into"));
    m_boothChannel->setMinimumContentsLength(9);
    m_boothChannel->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_booth = new QPushButton(tr("Speak into it"));
    m_booth->setObjectName(QStringLiteral("boothOnAir"));
    m_booth->setCheckable(true);
    m_booth->setToolTip(tr("Be the interpreter on this channel from this computer (the Speak bar's source)"));
    m_handOver = new QPushButton(tr("Hand over"));
    m_handOver->setObjectName(QStringLiteral("handOver"));
    m_handOver->setCheckable(true);
    m_handOver->setToolTip(tr("Let your booth partner take the channel: the next interpreter to connect takes it at once"));
    m_boothMeter = new LevelMeter;
    m_boothMeter->setAccessibleName(tr("Booth level"));
    auto *label = new QLabel(tr("Spea&k into"));
    label->setBuddy(m_boothChannel);

    auto *row = new QWidget;
    auto *l = new QHBoxLayout(row);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(label);
    l->addWidget(m_boothChannel);
    l->addWidget(m_booth);
    l->addWidget(m_handOver);
    l->addStretch(1);
    connect(m_booth, &QPushButton::toggled, this, &LanguageChannelsPanel::toggleBooth);
    connect(m_handOver, &QPushButton::toggled, this, &LanguageChannelsPanel::toggleHandOver);
    return row;
}

void LanguageChannelsPanel::setBooth(SpeakController *speaker, std::function<QString()> sourceSpec)
{
    m_speaker = speaker;
    m_sourceSpec = std::move(sourceSpec);
    connect(speaker, &SpeakController::onAirChanged, this, &LanguageChannelsPanel::onBoothOnAir);
    connect(speaker, &SpeakController::failed, this, &LanguageChannelsPanel::onBoothFailed);
    connect(speaker, &SpeakController::level, m_boothMeter, &LevelMeter::setLevel);
    connect(speaker, &SpeakController::dynamics, m_boothMeter, &LevelMeter::setDynamics);
    updateButtons();
}

void LanguageChannelsPanel::setDefaultStream(const QString &stream)
{
    const QString s = isValidStreamId(stream) ? stream : QStringLiteral("main");
    if (s == m_defaultStream)
        return;
    m_defaultStream = s;
    m_streamEdit->setPlaceholderText(s);
    m_streamEdit->setToolTip(tr("The stream (the floor) the channel interprets; empty: %1").arg(s));
}

void LanguageChannelsPanel::refresh()
{
    m_host->requestLanguageChannels();
}

void LanguageChannelsPanel::setSnapshot(const EngineSnapshot &snapshot)
{
    m_levels.clear();
    for (const StreamWatchStatus &w : snapshot.watch) {
        if (w.levelKnown && isLanguageChannel(w.stream))
            m_levels.insert(w.stream, w.levelDbfs);
    }
    for (int r = 0; r < m_ids.size(); ++r)
        showLevel(r);
}

void LanguageChannelsPanel::onChannels(const QJsonArray &channels)
{
    m_channels = channels;
    QStringList ids;
    for (const QJsonValue &v : channels)
        ids.append(v.toObject().value(QLatin1String("stream_id")).toString());
    const QString selected = selectedChannel();
    if (ids != m_ids) {
        // Rows come and go: rebuilt (the pickers with them), the selection kept by channel.
        m_ids = ids;
        m_table->clearContents();
        m_table->setRowCount(int(ids.size()));
        for (int r = 0; r < ids.size(); ++r)
            setFallbackCell(r, ids[r], QString());
        if (const int r = rowOf(selected); r >= 0)
            m_table->selectRow(r);
        updateBoothChannels();
    }
    for (int r = 0; r < channels.size(); ++r)
        fillRow(r, channels[r].toObject());
    updateButtons();
}

void LanguageChannelsPanel::fillRow(int row, const QJsonObject &c)
{
    const QString id = c.value(QLatin1String("stream_id")).toString();
    const QString source = c.value(QLatin1String("source")).toString();
    const QString speaker = c.value(QLatin1String("speaker")).toString();
    const bool declared = c.value(QLatin1String("declared")).toBool();
    QTableWidgetItem *name = cell(id);
    name->setToolTip(declared ? tr("%1: offered to listeners").arg(id)
                              : tr("%1: listed while someone speaks on it, not declared").arg(id));
    m_table->setItem(row, Channel, name);
    m_table->setItem(row, Language, cell(InterpretationPanel::languageName(c.value(QLatin1String("lang")).toString())));
    QTableWidgetItem *who = cell(sourceText(source, speaker), sourceColor(source));
    who->setData(Qt::UserRole, source);
    if (source == QLatin1String("machine") || (source == QLatin1String("original") && c.value(QLatin1String("fallback")).toString() == QLatin1String("machine")))
        who->setToolTip(c.value(QLatin1String("machine")).toBool() ? tr("No person on air: the machine interpreter speaks")
                                                                   : tr("No person on air and no machine interpreter for this language"));
    else if (source == QLatin1String("off"))
        who->setToolTip(tr("No person on air, and the floor is not spoken on this server"));
    m_table->setItem(row, OnAir, who);
    m_table->setItem(row, Listeners, cell(QString::number(c.value(QLatin1String("listeners")).toInt())));
    showLevel(row);
    if (!m_pending.contains(id))
        setFallbackCell(row, id, c.value(QLatin1String("fallback")).toString());
}

// The fallback picker of a row, made once per row; set to `fallback` without reacting to it.
void LanguageChannelsPanel::setFallbackCell(int row, const QString &channel, const QString &fallback)
{
    auto *combo = qobject_cast<QComboBox *>(m_table->cellWidget(row, Fallback));
    if (!combo) {
        combo = new QComboBox;
        combo->setObjectName(QStringLiteral("fallback_") + channel);
        combo->setAccessibleName(tr("Fallback of %1").arg(channel));
        combo->setToolTip(m_table->horizontalHeaderItem(Fallback)->toolTip());
        for (const QString &f : fallbacks())
            combo->addItem(fallbackText(f), f);
        combo->setCurrentIndex(-1);
        m_table->setCellWidget(row, Fallback, combo);
        QWidget *before = row > 0 ? m_table->cellWidget(row - 1, Fallback) : nullptr;
        setTabOrder(before ? before : m_table, combo); // rows are made top to bottom
        connect(combo, &QComboBox::activated, this,
                [this, combo, channel] { chooseFallback(channel, combo->currentData().toString()); });
    }
    if (!fallback.isEmpty() && combo->currentData().toString() != fallback) {
        const QSignalBlocker block(combo);
        combo->setCurrentIndex(combo->findData(fallback));
    }
}

void LanguageChannelsPanel::showLevel(int row)
{
    const auto it = m_levels.constFind(m_ids.value(row));
    QTableWidgetItem *item = m_table->item(row, Level);
    if (!item) {
        item = cell(QString());
        m_table->setItem(row, Level, item);
    }
    if (it == m_levels.cend()) {
        item->setText(QStringLiteral("–"));
        item->setData(kLevelRole, QVariant());
        item->setToolTip(tr("Measured for channels spoken on this server only"));
    } else {
        const QString db = *it <= -119 ? tr("silence") : tr("%1 dBFS").arg(QString::number(*it, 'f', 0));
        item->setText(db);
        item->setData(kLevelRole, *it);
        item->setToolTip(tr("RMS over the last second: %1").arg(db));
    }
}

QString LanguageChannelsPanel::sourceText(const QString &source, const QString &speaker)
{
    if (source == QLatin1String("human")) {
        if (speaker == QLatin1String("local microphone"))
            return tr("Person (this computer)");
        return speaker.isEmpty() ? tr("Person") : tr("Person (%1)").arg(speaker);
    }
    if (source == QLatin1String("machine"))
        return tr("Machine");
    if (source == QLatin1String("original"))
        return tr("Original audio");
    if (source == QLatin1String("silence"))
        return tr("Silence");
    if (source == QLatin1String("off"))
        return tr("Off air");
    return source;
}

QString LanguageChannelsPanel::fallbackText(const QString &fallback)
{
    if (fallback == QLatin1String("machine"))
        return tr("Machine");
    if (fallback == QLatin1String("original"))
        return tr("Original audio");
    if (fallback == QLatin1String("silence"))
        return tr("Silence");
    return fallback;
}

int LanguageChannelsPanel::rowOf(const QString &channel) const { return int(m_ids.indexOf(channel)); }

QString LanguageChannelsPanel::cellText(const QString &channel, Column column) const
{
    const int r = rowOf(channel);
    if (r < 0)
        return {};
    if (column == Fallback) {
        const QComboBox *c = fallbackCombo(channel);
        return c ? c->currentData().toString() : QString();
    }
    const QTableWidgetItem *item = m_table->item(r, column);
    return item ? item->text() : QString();
}

QComboBox *LanguageChannelsPanel::fallbackCombo(const QString &channel) const
{
    const int r = rowOf(channel);
    return r < 0 ? nullptr : qobject_cast<QComboBox *>(m_table->cellWidget(r, Fallback));
}

QString LanguageChannelsPanel::selectedChannel() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_ids.value(rows.first().row());
}

void LanguageChannelsPanel::addChannel()
{
    const QString stream = m_streamEdit->text().trimmed().isEmpty() ? m_defaultStream : m_streamEdit->text().trimmed();
    const QString lang = m_langEdit->text().trimmed().toLower();
    QString error;
    if (!streamIdError(stream).isEmpty())
        error = tr("'%1' is not a stream name: 1 to 64 of A-Z a-z 0-9 . _ - (a channel of a channel is not possible).").arg(stream);
    else if (lang.isEmpty())
        error = tr("Type the channel's language, e.g. nl.");
    else if (!languageCodeError(lang).isEmpty())
        error = tr("'%1' is not a language code: use a 2- or 3-letter code such as nl, en, de or fr.").arg(lang);
    const QString channel = translatedStreamId(stream, lang);
    if (error.isEmpty() && !translatedStreamIdError(channel).isEmpty())
        error = tr("%1 cannot be a channel: %2").arg(channel, translatedStreamIdError(channel));
    for (const QJsonValue &v : std::as_const(m_channels)) {
        const QJsonObject c = v.toObject();
        if (error.isEmpty() && c.value(QLatin1String("stream_id")).toString() == channel && c.value(QLatin1String("declared")).toBool())
            error = tr("%1 is a channel already.").arg(channel);
    }
    if (!error.isEmpty()) {
        showMessage(error, true);
        m_langEdit->setFocus();
        return;
    }
    m_pending.insert(channel);
    m_host->requestChannelFallback(channel, QStringLiteral("machine"));
    m_langEdit->clear();
}

void LanguageChannelsPanel::removeChannel()
{
    const QString channel = selectedChannel();
    if (channel.isEmpty())
        return;
    m_pending.insert(channel);
    m_host->requestChannelFallback(channel, QString());
}

void LanguageChannelsPanel::chooseFallback(const QString &channel, const QString &fallback)
{
    m_pending.insert(channel);
    m_host->requestChannelFallback(channel, fallback);
}

void LanguageChannelsPanel::onChanged(const QString &channel, const QString &fallback, bool ok, const QString &error)
{
    const bool known = m_ids.contains(channel);
    m_pending.remove(channel);
    if (!ok)
        showMessage(fallback.isEmpty() ? tr("%1 was not removed: %2").arg(channel, error)
                                       : tr("%1 was not changed: %2").arg(channel, error), true);
    else if (fallback.isEmpty())
        showMessage(tr("%1 is no longer offered to listeners.").arg(channel), false);
    else if (!known)
        showMessage(tr("%1 added: while no person speaks on it, it carries: %2.").arg(channel, fallbackText(fallback)), false);
    else
        showMessage(tr("%1: while no person speaks on it, it carries: %2.").arg(channel, fallbackText(fallback)), false);
    refresh();
}

void LanguageChannelsPanel::updateBoothChannels()
{
    const QString current = m_boothChannel->currentText();
    const QSignalBlocker block(m_boothChannel);
    m_boothChannel->clear();
    m_boothChannel->addItems(m_ids);
    if (!m_boothOnAir.isEmpty() && !m_ids.contains(m_boothOnAir))
        m_boothChannel->addItem(m_boothOnAir);
    int at = m_boothChannel->findText(m_boothOnAir.isEmpty() ? current : m_boothOnAir);
    for (int r = 0; at < 0 && r < m_channels.size(); ++r) { // first offered: one no person is on
        if (m_channels[r].toObject().value(QLatin1String("source")).toString() != QLatin1String("human"))
            at = m_boothChannel->findText(m_channels[r].toObject().value(QLatin1String("stream_id")).toString());
    }
    m_boothChannel->setCurrentIndex(at >= 0 ? at : 0);
}

void LanguageChannelsPanel::toggleBooth(bool on)
{
    if (!on) {
        if (m_speaker)
            m_speaker->goOffAir();
        m_boothWanted.clear();
        return;
    }
    const QString channel = m_boothChannel->currentText();
    const QString spec = m_sourceSpec ? m_sourceSpec() : QString();
    QString error;
    if (!m_speaker)
        error = tr("This window has no booth speaker.");
    else if (channel.isEmpty())
        error = tr("Add a channel first, then speak into it.");
    else if (spec.isEmpty() || spec == QLatin1String("file:"))
        error = tr("Choose an audio source in the Speak bar first.");
    if (!error.isEmpty()) {
        const QSignalBlocker block(m_booth);
        m_booth->setChecked(false);
        showBoothStatus(error, kRed);
        return;
    }
    m_boothWanted = channel;
    m_booth->setText(tr("Going on air…"));
    showBoothStatus(tr("Going on air on %1…").arg(channel), QString());
    m_speaker->goOnAir(spec, channel);
}

void LanguageChannelsPanel::onBoothOnAir(bool on, const QString &channel)
{
    m_boothOnAir = on ? channel : QString();
    m_boothWanted.clear();
    {
        const QSignalBlocker block(m_booth);
        m_booth->setChecked(on);
    }
    {
        const QSignalBlocker block(m_handOver);
        m_handOver->setChecked(false);
    }
    m_booth->setText(on ? tr("● ON AIR — %1").arg(channel) : tr("Speak into it"));
    m_booth->setAccessibleName(on ? tr("Interpreting on %1: press to go off air").arg(channel) : tr("Speak into the channel"));
    if (on)
        showBoothStatus(tr("You are on air on %1: its listeners hear this computer.").arg(channel), kGreen);
    else if (m_boothStatus->property("kind").toString() != QLatin1String("refused")) // the refusal stays said
        showBoothStatus(tr("Off air on %1.").arg(channel), QString());
    if (!on)
        m_boothMeter->setLevel(-120, -120);
    updateButtons();
    refresh();
}

void LanguageChannelsPanel::onBoothFailed(const QString &reason)
{
    const QString channel = m_boothWanted.isEmpty() ? m_boothOnAir : m_boothWanted;
    QString text;
    QString color = kRed;
    if (reason.startsWith(QLatin1String("handed over"))) {
        text = tr("Handed over: your booth partner speaks on %1 now. You are off air.").arg(channel);
        color = kAmber;
    } else if (reason.contains(QLatin1String("already has a speaker"))) {
        text = tr("Refused: a person is on air on %1 already. Ask them to hand over, then try again.").arg(channel);
    } else {
        text = tr("Could not speak into %1: %2").arg(channel, reason);
    }
    showBoothStatus(text, color);
    m_boothStatus->setProperty("kind", QStringLiteral("refused"));
    m_boothStatus->setToolTip(reason);
    Q_EMIT message(text, true);
}

void LanguageChannelsPanel::toggleHandOver(bool on)
{
    const QString channel = m_boothOnAir;
    if (channel.isEmpty() || !m_host->handOverLocalSpeaker(channel, on)) {
        const QSignalBlocker block(m_handOver);
        m_handOver->setChecked(false);
        if (on)
            showBoothStatus(tr("Nothing to hand over: this computer is not on air on a channel."), kRed);
        return;
    }
    if (on)
        showBoothStatus(tr("Handing over: the next interpreter to connect to %1 takes it; you stay on air until then.").arg(channel), kAmber);
    else
        showBoothStatus(tr("Hand-over withdrawn: you stay on air on %1.").arg(channel), kGreen);
}

void LanguageChannelsPanel::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color:%1;").arg(kRed) : QString());
    m_message->show();
    Q_EMIT message(text, error);
}

void LanguageChannelsPanel::showBoothStatus(const QString &text, const QString &color)
{
    m_boothStatus->setText(text);
    m_boothStatus->setToolTip(QString());
    m_boothStatus->setProperty("kind", QString());
    m_boothStatus->setStyleSheet(color.isEmpty() ? QString() : QStringLiteral("color:%1;").arg(color));
}

void LanguageChannelsPanel::updateButtons()
{
    bool declared = false;
    const QString selected = selectedChannel();
    for (const QJsonValue &v : std::as_const(m_channels)) {
        if (v.toObject().value(QLatin1String("stream_id")).toString() == selected)
            declared = v.toObject().value(QLatin1String("declared")).toBool();
    }
    m_remove->setEnabled(declared);
    const bool onAir = !m_boothOnAir.isEmpty();
    m_boothChannel->setEnabled(!onAir && m_boothChannel->count() > 0);
    m_booth->setEnabled(m_speaker && (onAir || m_boothChannel->count() > 0));
    m_handOver->setEnabled(onAir);
}

} // namespace onair
