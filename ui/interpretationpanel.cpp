#include "interpretationpanel.h"

#include "columnfit.h"
#include "enginehost.h"
#include "interpretation/interpretation.h"
#include "languagechannelspanel.h"
#include "protocol/streamid.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPalette>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyledItemDelegate>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace onair {

namespace {

const QColor kGreen(0x2e, 0xcc, 0x71), kAmber(0xf1, 0xc4, 0x0f), kRed(0xe7, 0x4c, 0x3c), kGrey(0x8a, 0x93, 0x9c);

QString ms(const QJsonValue &v)
{
    return v.isDouble() ? QString::number(v.toDouble(), 'f', 0) : QStringLiteral("–");
}

QTableWidgetItem *cell(const QString &text, const QColor &color = QColor())
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    if (color.isValid())
        item->setForeground(color);
    return item;
}

QTableWidget *makeTable(const QStringList &headers, const QString &accessibleName)
{
    auto *t = new QTableWidget(0, int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8); // compact rows
    new ColumnFit(t, int(headers.size()) - 1); // no sideways scrolling on a laptop; the last column stretches
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setAlternatingRowColors(true);
    t->setWordWrap(false);
    t->setTabKeyNavigation(false); // Tab leaves the table; the arrows move inside it
    t->setAccessibleName(accessibleName);
    return t;
}

// Translations are indented under their original, wrapped lines included.
class CaptionDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    static constexpr int kIndent = 28;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem o(option);
        if (index.data(Qt::UserRole + 1).toBool())
            o.rect.adjust(kIndent, 0, 0, 0);
        QStyledItemDelegate::paint(painter, o, index);
    }
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem o(option);
        if (index.data(Qt::UserRole + 1).toBool())
            o.rect.adjust(kIndent, 0, 0, 0);
        return QStyledItemDelegate::sizeHint(o, index) + QSize(index.data(Qt::UserRole + 1).toBool() ? kIndent : 0, 0);
    }
};

} // namespace

// "Spanish (es)": the languages the stages are most likely to offer, by name; others by the
// name Qt knows (in English) or the bare code.
QString InterpretationPanel::languageName(const QString &code)
{
    static const char *const names[][2] = {
        {"en", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "English")},
        {"es", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Spanish")},
        {"fr", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "French")},
        {"de", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "German")},
        {"nl", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Dutch")},
        {"it", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Italian")},
        {"pt", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Portuguese")},
        {"ca", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Catalan")},
        {"gl", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Galician")},
        {"eo", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Esperanto")},
        {"eu", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Basque")},
        {"oc", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Occitan")},
        {"ro", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Romanian")},
        {"sv", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Swedish")},
        {"da", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Danish")},
        {"cy", QT_TRANSLATE_NOOP("onair::InterpretationPanel", "Welsh")},
    };
    QString name;
    for (const auto &n : names) {
        if (code == QLatin1String(n[0]))
            name = InterpretationPanel::tr(n[1]);
    }
    if (name.isEmpty()) {
        const QLocale locale(code);
        if (locale.language() != QLocale::C && locale.language() != QLocale::AnyLanguage)
            name = QLocale::languageToString(locale.language());
    }
    return name.isEmpty() ? code : QStringLiteral("%1 (%2)").arg(name, code);
}

static QString stageLabel(const QString &stage)
{
    if (stage == QLatin1String("speech_to_text"))
        return InterpretationPanel::tr("Speech to text");
    if (stage == QLatin1String("translator"))
        return InterpretationPanel::tr("Translation");
    if (stage == QLatin1String("text_to_speech"))
        return InterpretationPanel::tr("Text to speech");
    return stage;
}

InterpretationPanel::InterpretationPanel(EngineHost *host, QWidget *parent) : QWidget(parent), m_host(host)
{
    setAccessibleName(tr("Interpretation"));
    QHBoxLayout *row = buildControls();
    QWidget *captionsBox = buildCaptions();
    QWidget *tablesBox = buildTables();
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(captionsBox);
    split->addWidget(tablesBox);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);

    // Two pages, each the tab's whole width (a laptop has no room for both side by side): the
    // language channels (people, the machine, the fallbacks: whatever is installed), and the
    // machine interpreter's own controls, captions and stages.
    m_languageChannels = new LanguageChannelsPanel(host);
    auto *machine = new QWidget;
    auto *ml = new QVBoxLayout(machine);
    ml->setContentsMargins(0, 4, 0, 0);
    ml->addLayout(row);
    ml->addWidget(m_status);
    ml->addWidget(split, 1);
    m_pages = new QTabWidget;
    m_pages->setObjectName(QStringLiteral("interpretationPages"));
    m_pages->setDocumentMode(true);
    m_pages->setAccessibleName(tr("Interpretation pages"));
    m_pages->addTab(m_languageChannels, tr("Language channels"));
    // The machine's page scrolls on its own when the tab is a laptop's strip: the tab is as
    // tall as its tallest page, and the channels need less.
    auto *machineScroll = new QScrollArea;
    machineScroll->setWidget(machine);
    machineScroll->setWidgetResizable(true);
    machineScroll->setFrameShape(QFrame::NoFrame);
    machineScroll->setAccessibleName(tr("Machine interpretation"));
    m_pages->addTab(machineScroll, tr("Machine interpretation"));

    auto *root = new QVBoxLayout(this);
    root->setContentsMargins(4, 0, 4, 0);
    root->addWidget(m_pages, 1);

    offerInstalledLanguages();
    connect(m_stream, &QComboBox::currentIndexChanged, this, &InterpretationPanel::onStreamChanged);
    connect(m_source, &QComboBox::activated, this, &InterpretationPanel::onSourceChosen);
    connect(m_off, &QPushButton::clicked, this, &InterpretationPanel::turnOff);
    connect(m_host, &EngineHost::interpretationEvent, this, &InterpretationPanel::onEvent);
    connect(m_host, &EngineHost::interpretationReady, this, &InterpretationPanel::onReady);
    m_poll.setInterval(500);
    connect(&m_poll, &QTimer::timeout, this, &InterpretationPanel::refresh);
    if (m_available)
        m_poll.start();
    updateStatus();
}

// The row of controls: the stream, the spoken language, the languages to translate into, Off
// (and the status line under it).
QHBoxLayout *InterpretationPanel::buildControls()
{
    m_stream = new QComboBox;
    m_stream->setAccessibleName(tr("Interpreted stream"));
    m_stream->setMinimumContentsLength(14);
    m_stream->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_source = new QComboBox;
    m_source->setAccessibleName(tr("Spoken language"));
    m_source->setToolTip(tr("The language the speaker speaks (what the speech recogniser listens for)"));
    m_targetsBox = new QWidget;
    m_targetsBox->setAccessibleName(tr("Translate into"));
    m_targetsLayout = new QHBoxLayout(m_targetsBox);
    m_targetsLayout->setContentsMargins(0, 0, 0, 0);
    m_noTargets = new QLabel;
    m_noTargets->setObjectName(QStringLiteral("noTargets"));
    m_targetsLayout->addWidget(m_noTargets);
    m_off = new QPushButton(tr("Off"));
    m_off->setAccessibleName(tr("Interpretation off"));
    m_off->setToolTip(tr("Stop interpreting this stream"));
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("interpretationStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);

    auto *streamLabel = new QLabel(tr("S&tream"));
    streamLabel->setBuddy(m_stream);
    auto *sourceLabel = new QLabel(tr("&Spoken in"));
    sourceLabel->setBuddy(m_source);
    auto *targetsLabel = new QLabel(tr("Translate into:"));
    auto *row = new QHBoxLayout;
    row->addWidget(streamLabel);
    row->addWidget(m_stream);
    row->addSpacing(12);
    row->addWidget(sourceLabel);
    row->addWidget(m_source);
    row->addSpacing(12);
    row->addWidget(targetsLabel);
    row->addWidget(m_targetsBox);
    row->addWidget(m_off);
    row->addStretch(1);
    return row;
}

QWidget *InterpretationPanel::buildCaptions()
{
    m_captions = new QListWidget;
    m_captions->setObjectName(QStringLiteral("captions"));
    m_captions->setAccessibleName(tr("Live captions"));
    m_captions->setAccessibleDescription(tr("Each utterance as recognised, followed by its translations (indented, in blue)"));
    m_captions->setWordWrap(true);
    m_captions->setItemDelegate(new CaptionDelegate(m_captions));
    m_captions->setSelectionMode(QAbstractItemView::SingleSelection);
    m_captions->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    auto *captionsBox = new QGroupBox(tr("Live captions"));
    auto *cl = new QVBoxLayout(captionsBox);
    cl->addWidget(m_captions);
    return captionsBox;
}

// The translated channels above, the stages below.
QWidget *InterpretationPanel::buildTables()
{
    m_channels = makeTable({tr("Channel"), tr("Language"), tr("Mode"), tr("Delay p50 / p99 (ms)"), tr("Dropped"), tr("Reason")},
                           tr("Translated channels"));
    m_channels->setObjectName(QStringLiteral("interpretationChannels"));
    m_stages = makeTable({tr("Stage"), tr("Language"), tr("Engine"), tr("State (breaker)"), tr("Latency p50 / p99 (ms)"), tr("Calls"),
                          tr("Failures / timeouts"), tr("Last error")},
                         tr("Interpretation stages"));
    m_stages->setObjectName(QStringLiteral("interpretationStages"));
    // Three stages per target and usually one or two channels: the stages get the room, at
    // least their header and three rows.
    m_stages->setMinimumHeight(m_stages->horizontalHeader()->sizeHint().height() + 3 * m_stages->verticalHeader()->defaultSectionSize()
                               + m_stages->horizontalScrollBar()->sizeHint().height() + 2 * m_stages->frameWidth());
    auto *tablesBox = new QGroupBox(tr("Translated channels and stages"));
    auto *tl = new QVBoxLayout(tablesBox);
    auto *tables = new QSplitter(Qt::Vertical);
    tables->addWidget(m_channels);
    tables->addWidget(m_stages);
    tables->setStretchFactor(0, 1);
    tables->setStretchFactor(1, 3);
    tables->setSizes({m_channels->horizontalHeader()->sizeHint().height() + 2 * m_channels->verticalHeader()->defaultSectionSize(),
                      m_stages->minimumHeight() * 2});
    tl->addWidget(tables);
    return tablesBox;
}

void InterpretationPanel::offerInstalledLanguages()
{
    // What is installed decides what can be chosen, once: the backends do not change while
    // the engine runs.
    const QStringList sources = m_host->interpretationSources();
    if (!m_host->interpretationBuilt())
        m_unavailable = tr("Live interpretation is not available: this OnAir was built without speech recognition, "
                           "translation and speech synthesis (pocketsphinx, Apertium, espeak-ng).");
    else if (sources.isEmpty())
        m_unavailable = tr("Live interpretation is not available: no speech recognition model is installed "
                           "(e.g. the pocketsphinx-en-us package).");
    m_available = m_unavailable.isEmpty();
    for (const QString &s : sources)
        m_source->addItem(languageName(s), s);
    const int en = m_source->findData(QStringLiteral("en"));
    m_source->setCurrentIndex(en >= 0 ? en : 0);
    rebuildTargets(m_source->currentData().toString(), {});
    for (QWidget *w : {static_cast<QWidget *>(m_stream), static_cast<QWidget *>(m_source), m_targetsBox,
                       static_cast<QWidget *>(m_off)})
        w->setEnabled(m_available);
}

void InterpretationPanel::onSourceChosen()
{
    // Targets the new language cannot be translated into are dropped, not kept as a setting
    // the engine would refuse.
    const QString source = m_source->currentData().toString();
    const QStringList installed = m_host->interpretationTargets(source);
    QStringList keep;
    for (const QString &t : checkedTargets()) {
        if (installed.contains(t))
            keep.append(t);
    }
    rebuildTargets(source, keep);
    apply();
}

void InterpretationPanel::turnOff()
{
    for (QCheckBox *b : std::as_const(m_targetBoxes)) {
        const QSignalBlocker block(b);
        b->setChecked(false);
    }
    apply();
}

QCheckBox *InterpretationPanel::targetBox(const QString &lang) const
{
    for (QCheckBox *b : m_targetBoxes) {
        if (b->property("lang").toString() == lang)
            return b;
    }
    return nullptr;
}

void InterpretationPanel::onStreamChanged()
{
    // The setting of the newly chosen stream, now (a refresh would bring it a moment later).
    if (m_available && !currentStream().isEmpty()) {
        const QPair<QString, QStringList> setting = m_host->interpretationOf(currentStream());
        showSetting(setting.first, setting.second);
    }
    m_session = {};
    m_channels->setRowCount(0);
    m_stages->setRowCount(0);
    rebuildCaptions();
    updateStatus();
    refresh();
}

void InterpretationPanel::showLanguageChannels() { m_pages->setCurrentIndex(0); }
void InterpretationPanel::showMachine() { m_pages->setCurrentIndex(1); }

QString InterpretationPanel::currentStream() const { return m_stream->currentData().toString(); }

void InterpretationPanel::setCurrentStream(const QString &stream)
{
    setStreams(m_spoken, m_onAir, m_selected, stream);
}

// A translated channel ("main~es") stands for the stream it translates.
static QString baseStream(const QString &id)
{
    QString base, lang;
    return parseTranslatedStreamId(id, &base, &lang) ? base : id;
}

void InterpretationPanel::setStreams(const QString &spoken, bool onAir, const QString &selected, const QString &preferred)
{
    m_spoken = spoken;
    m_onAir = onAir;
    m_selected = baseStream(selected);
    const QString want = baseStream(preferred);
    if (isValidStreamId(want) && !m_remembered.contains(want))
        m_remembered.append(want); // chosen once, offered from then on (the last 12)
    if (m_remembered.size() > 12)
        m_remembered.removeFirst();
    QStringList ids;
    for (const QStringList &group : {QStringList{spoken, m_selected}, m_sessionStreams, m_remembered}) {
        for (const QString &s : group) {
            if (isValidStreamId(s) && !ids.contains(s))
                ids.append(s);
        }
    }
    const QString current = currentStream();
    if (!current.isEmpty() && !ids.contains(current))
        ids.append(current); // never pulled from under the operator
    QStringList labels;
    for (const QString &s : std::as_const(ids))
        labels.append(onAir && s == spoken ? tr("%1 (on air)").arg(s) : s);
    bool same = m_stream->count() == ids.size();
    for (int i = 0; same && i < ids.size(); ++i)
        same = m_stream->itemData(i).toString() == ids[i] && m_stream->itemText(i) == labels[i];
    const QSignalBlocker block(m_stream);
    if (!same) {
        m_stream->clear();
        for (qsizetype i = 0; i < ids.size(); ++i)
            m_stream->addItem(labels[i], ids[i]);
    }
    const int at = m_stream->findData(want.isEmpty() ? current : want);
    m_stream->setCurrentIndex(at >= 0 ? at : 0);
    if (currentStream() != current)
        onStreamChanged();
}

void InterpretationPanel::rebuildTargets(const QString &source, const QStringList &checked)
{
    for (QCheckBox *b : std::as_const(m_targetBoxes))
        delete b;
    m_targetBoxes.clear();
    QStringList langs = m_host->interpretationTargets(source);
    QStringList missing;
    for (const QString &l : checked) {
        if (!langs.contains(l)) {
            langs.append(l); // set (by --translate, or another client) but not installed: can be turned off
            missing.append(l);
        }
    }
    for (const QString &l : std::as_const(langs)) {
        auto *b = new QCheckBox(missing.contains(l) ? tr("%1, not installed").arg(languageName(l)) : languageName(l));
        b->setProperty("lang", l);
        b->setObjectName(QStringLiteral("target_") + l);
        b->setAccessibleName(tr("Translate into %1").arg(languageName(l)));
        b->setChecked(checked.contains(l));
        m_targetsLayout->insertWidget(m_targetsLayout->count() - 1, b);
        connect(b, &QCheckBox::toggled, this, &InterpretationPanel::apply);
        m_targetBoxes.append(b);
    }
    if (langs.isEmpty() && m_available)
        m_noTargets->setText(tr("no translation from %1 is installed (e.g. the apertium-eng-spa package)")
                                 .arg(languageName(source)));
    else if (langs.isEmpty())
        m_noTargets->setText(tr("none"));
    m_noTargets->setVisible(langs.isEmpty());
    // Keyboard order follows the row: stream, language, the targets left to right, Off.
    QWidget *previous = m_source;
    for (QCheckBox *b : std::as_const(m_targetBoxes)) {
        setTabOrder(previous, b);
        previous = b;
    }
    setTabOrder(previous, m_off);
}

QStringList InterpretationPanel::checkedTargets() const
{
    QStringList out;
    for (QCheckBox *b : m_targetBoxes) {
        if (b->isChecked())
            out.append(b->property("lang").toString());
    }
    return out;
}

void InterpretationPanel::showSetting(const QString &source, const QStringList &targets)
{
    m_setSource = source;
    m_setTargets = targets;
    const QString shownSource = m_source->currentData().toString();
    if (!source.isEmpty() && source != shownSource) {
        const int i = m_source->findData(source);
        if (i >= 0) {
            m_source->setCurrentIndex(i);
        } else {
            m_source->addItem(tr("%1, not installed").arg(languageName(source)), source);
            m_source->setCurrentIndex(m_source->count() - 1);
        }
    }
    if (m_source->currentData().toString() != shownSource || checkedTargets() != targets) {
        bool same = true;
        for (const QString &t : targets)
            same = same && targetBox(t);
        if (same && m_source->currentData().toString() == shownSource) {
            for (QCheckBox *b : std::as_const(m_targetBoxes)) {
                const QSignalBlocker block(b);
                b->setChecked(targets.contains(b->property("lang").toString()));
            }
        } else {
            rebuildTargets(m_source->currentData().toString(), targets);
        }
    }
    m_off->setEnabled(m_available && !targets.isEmpty());
}

void InterpretationPanel::apply()
{
    const QString stream = currentStream();
    if (stream.isEmpty()) {
        updateStatus();
        return;
    }
    const QString source = m_source->currentData().toString();
    const QStringList targets = checkedTargets();
    QString error;
    ++m_applied;
    const bool ok = m_host->setInterpretation(stream, source, targets, &error);
    if (ok && !m_remembered.contains(stream))
        m_remembered.append(stream);
    const QPair<QString, QStringList> now = m_host->interpretationOf(stream);
    showSetting(now.first, now.second); // what the engine has, refused or not
    if (!ok) {
        Q_EMIT applied(false, tr("The interpretation of %1 was not changed: %2").arg(stream, error));
    } else if (targets.isEmpty()) {
        Q_EMIT applied(true, tr("Interpretation of %1 is off.").arg(stream));
    } else {
        QStringList names;
        for (const QString &t : targets)
            names.append(languageName(t));
        Q_EMIT applied(true, tr("Interpreting %1 from %2 into %3.").arg(stream, languageName(source), names.join(QStringLiteral(", "))));
    }
    updateStatus();
    refresh();
}

void InterpretationPanel::refresh()
{
    if (m_available)
        m_host->requestInterpretation(currentStream(), m_applied);
}

void InterpretationPanel::onReady(const QJsonObject &json, const QString &stream, const QString &source,
                                  const QStringList &targets, quint64 tag)
{
    QStringList streams;
    QJsonObject session;
    const QJsonArray sessions = json.value(QLatin1String("sessions")).toArray();
    for (const QJsonValue &v : sessions) {
        const QJsonObject s = v.toObject();
        const QString id = s.value(QLatin1String("stream_id")).toString();
        streams.append(id);
        if (id == currentStream())
            session = s;
    }
    if (streams != m_sessionStreams) {
        m_sessionStreams = streams;
        setStreams(m_spoken, m_onAir, m_selected, QString());
    }
    if (stream == currentStream() && tag == m_applied && !stream.isEmpty())
        showSetting(source, targets); // changed elsewhere (the web page, a flag), or confirmed
    m_session = session;
    fillTables(session, json);
    updateStatus();
}

void InterpretationPanel::fillTables(const QJsonObject &session, const QJsonObject &json)
{
    fillChannels(session);
    fillStages(session, json);
}

// A translated channel's mode, in words and colour: green when translated speech is heard.
static QTableWidgetItem *modeCell(const QString &mode)
{
    if (mode == QLatin1String("speech"))
        return cell(InterpretationPanel::tr("translated speech"), kGreen);
    if (mode == QLatin1String("captions_only"))
        return cell(InterpretationPanel::tr("captions only"), kAmber);
    if (mode == QLatin1String("original_audio"))
        return cell(InterpretationPanel::tr("original audio"), kRed);
    return cell(mode, kGrey);
}

// A stage's state, in words and colour, its circuit breaker's in the tooltip.
static QTableWidgetItem *stateCell(const QString &state)
{
    QString text = state, breaker;
    QColor color = kGrey;
    if (state == QLatin1String("closed")) {
        text = InterpretationPanel::tr("working");
        breaker = InterpretationPanel::tr("Circuit breaker closed: calls go through.");
        color = kGreen;
    } else if (state == QLatin1String("half_open")) {
        text = InterpretationPanel::tr("trying again");
        breaker = InterpretationPanel::tr("Circuit breaker half-open: one trial call after the pause.");
        color = kAmber;
    } else if (state == QLatin1String("open")) {
        text = InterpretationPanel::tr("failing, paused");
        breaker = InterpretationPanel::tr("Circuit breaker open: calls are skipped until the pause ends.");
        color = kRed;
    } else if (state == QLatin1String("unavailable")) {
        text = InterpretationPanel::tr("unavailable");
        color = kRed;
    } else if (state == QLatin1String("idle")) {
        text = InterpretationPanel::tr("idle");
    }
    QTableWidgetItem *item = cell(text, color);
    item->setToolTip(breaker.isEmpty() ? state : breaker);
    return item;
}

// "p50 / p99" of a {p50, p99} object, in milliseconds.
static QString percentiles(const QJsonObject &ms50and99)
{
    return ms(ms50and99.value(QLatin1String("p50"))) + QStringLiteral(" / ") + ms(ms50and99.value(QLatin1String("p99")));
}

void InterpretationPanel::fillChannels(const QJsonObject &session)
{
    const QJsonArray channels = session.value(QLatin1String("channels")).toArray();
    m_channels->setRowCount(int(channels.size()));
    for (int r = 0; r < channels.size(); ++r) {
        const QJsonObject c = channels[r].toObject();
        const QString reason = c.value(QLatin1String("reason")).toString();
        m_channels->setItem(r, ChannelId, cell(c.value(QLatin1String("stream_id")).toString()));
        m_channels->setItem(r, ChannelLanguage, cell(languageName(c.value(QLatin1String("lang")).toString())));
        m_channels->setItem(r, ChannelMode, modeCell(c.value(QLatin1String("mode")).toString()));
        m_channels->setItem(r, ChannelDelay, cell(percentiles(c.value(QLatin1String("end_to_audio_ms")).toObject())));
        m_channels->setItem(r, ChannelDropped, cell(QString::number(c.value(QLatin1String("dropped_utterances")).toInteger())));
        QTableWidgetItem *why = cell(reason);
        why->setToolTip(reason);
        m_channels->setItem(r, ChannelReason, why);
    }
}

// The session's stages; without a session, what is installed (from the health JSON).
static QJsonArray stagesOf(const QJsonObject &session, const QJsonObject &json)
{
    QJsonArray stages = session.value(QLatin1String("stages")).toArray();
    if (session.isEmpty()) {
        const QJsonObject installed = json.value(QLatin1String("stages")).toObject();
        for (const QString &key : {QStringLiteral("speech_to_text"), QStringLiteral("translator"), QStringLiteral("text_to_speech")}) {
            const QString name = installed.value(key).toString();
            stages.append(QJsonObject{{QStringLiteral("stage"), key},
                                      {QStringLiteral("name"), name},
                                      {QStringLiteral("state"), name.isEmpty() ? QStringLiteral("unavailable") : QStringLiteral("idle")}});
        }
    }
    return stages;
}

void InterpretationPanel::fillStages(const QJsonObject &session, const QJsonObject &json)
{
    const QJsonArray stages = stagesOf(session, json);
    m_stages->setRowCount(int(stages.size()));
    for (int r = 0; r < stages.size(); ++r) {
        const QJsonObject s = stages[r].toObject();
        QString lang = s.value(QLatin1String("lang")).toString();
        const QString source = session.value(QLatin1String("source")).toString();
        if (s.value(QLatin1String("stage")).toString() == QLatin1String("translator") && !source.isEmpty() && !lang.isEmpty())
            lang = source + QStringLiteral(" → ") + lang; // a translator's lang is its target
        const bool ran = s.contains(QLatin1String("calls"));
        const QString lastError = s.value(QLatin1String("last_error")).toString();
        m_stages->setItem(r, StageName, cell(stageLabel(s.value(QLatin1String("stage")).toString())));
        m_stages->setItem(r, StageLanguage, cell(lang));
        m_stages->setItem(r, StageEngine, cell(s.value(QLatin1String("name")).toString()));
        m_stages->setItem(r, StageState, stateCell(s.value(QLatin1String("state")).toString()));
        m_stages->setItem(r, StageLatency, cell(percentiles(s.value(QLatin1String("latency_ms")).toObject())));
        const auto count = [&](const char *key) {
            return ran ? QString::number(s.value(QLatin1String(key)).toInteger()) : QStringLiteral("–");
        };
        m_stages->setItem(r, StageCalls, cell(count("calls")));
        const qint64 failures = s.value(QLatin1String("failures")).toInteger();
        const qint64 timeouts = s.value(QLatin1String("timeouts")).toInteger();
        m_stages->setItem(r, StageFailures, cell(count("failures") + QStringLiteral(" / ") + count("timeouts"),
                                                 failures + timeouts > 0 ? kAmber : QColor()));
        QTableWidgetItem *err = cell(lastError);
        err->setToolTip(lastError);
        m_stages->setItem(r, StageLastError, err);
    }
}

void InterpretationPanel::updateStatus()
{
    QString text;
    QString color;
    const QString stream = currentStream();
    if (!m_available) {
        text = m_unavailable;
        color = QStringLiteral("#f1c40f");
    } else if (stream.isEmpty()) {
        text = tr("Choose a stream: the one you speak on, or one selected in the streams table.");
    } else if (m_setTargets.isEmpty()) {
        text = tr("%1 is not interpreted. Tick a language to translate into.").arg(stream);
    } else {
        QStringList names;
        for (const QString &t : std::as_const(m_setTargets))
            names.append(languageName(t));
        const QString what = tr("%1 from %2 into %3").arg(stream, languageName(m_setSource), names.join(QStringLiteral(", ")));
        if (m_session.isEmpty()) {
            text = tr("Interpretation of %1 starts when its speaker goes on air on this computer.").arg(what);
        } else {
            QStringList degraded;
            const QJsonArray channels = m_session.value(QLatin1String("channels")).toArray();
            for (const QJsonValue &v : channels) {
                if (v.toObject().value(QLatin1String("mode")).toString() != QLatin1String("speech"))
                    degraded.append(v.toObject().value(QLatin1String("stream_id")).toString());
            }
            text = tr("Interpreting %1. Utterances so far: %2.").arg(what).arg(m_session.value(QLatin1String("utterances")).toInteger());
            if (!degraded.isEmpty()) {
                text += QLatin1Char(' ') + tr("Degraded: %1 (see the reason below).").arg(degraded.join(QStringLiteral(", ")));
                color = QStringLiteral("#f1c40f");
            }
        }
    }
    m_status->setText(text);
    m_status->setStyleSheet(color.isEmpty() ? QString() : QStringLiteral("color:%1;").arg(color));
}

void InterpretationPanel::onEvent(const QJsonObject &event)
{
    const QString kind = event.value(QLatin1String("event")).toString();
    if (kind == QLatin1String("caption"))
        addCaption(event);
    else if (kind == QLatin1String("interpretation") && event.value(QLatin1String("stream_id")).toString() == currentStream())
        refresh();
}

void InterpretationPanel::addCaption(const QJsonObject &event)
{
    Caption c;
    c.stream = event.value(QLatin1String("stream_id")).toString();
    c.utterance = event.value(QLatin1String("utterance")).toInteger();
    c.lang = event.value(QLatin1String("lang")).toString();
    c.sourceLang = event.value(QLatin1String("source_lang")).toString();
    c.text = event.value(QLatin1String("text")).toString();
    c.final = event.value(QLatin1String("final")).toBool(true);
    if (c.stream.isEmpty() || c.text.trimmed().isEmpty())
        return;
    const bool translation = !c.sourceLang.isEmpty();
    qsizetype at = -1, after = -1;
    for (qsizetype i = m_lines.size() - 1; i >= 0 && i >= m_lines.size() - 64; --i) {
        const Caption &l = m_lines[i];
        if (l.stream != c.stream || l.utterance != c.utterance)
            continue;
        if (l.lang == c.lang && l.sourceLang.isEmpty() != translation)
            continue;
        if (l.lang == c.lang) {
            at = i; // an update of a line already shown (a partial result made final)
            break;
        }
        if (after < 0)
            after = i; // the last line of this utterance: a translation goes under it
    }
    if (at >= 0)
        m_lines[at] = c;
    else if (translation && after >= 0)
        m_lines.insert(after + 1, c);
    else
        m_lines.append(c);
    // Bounded: the panel keeps the recent past of every stream, not the whole session.
    const qsizetype cap = qsizetype(kMaxCaptionLines) * 4;
    if (m_lines.size() > cap)
        m_lines.remove(0, m_lines.size() - cap);
    if (c.stream == currentStream())
        rebuildCaptions();
}

void InterpretationPanel::rebuildCaptions()
{
    const QString stream = currentStream();
    QList<const Caption *> shown;
    for (qsizetype i = m_lines.size() - 1; i >= 0 && shown.size() < kMaxCaptionLines; --i) {
        if (m_lines[i].stream == stream)
            shown.prepend(&m_lines[i]);
    }
    const QScrollBar *bar = m_captions->verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 4; // else the operator is reading back
    m_captions->clear();
    // Originals in the text colour, translations in blue (light on the dark control-room
    // palette, dark on a light one), unfinished ones greyed.
    const QPalette pal = m_captions->palette();
    const QColor original = pal.color(QPalette::Text), pending = pal.color(QPalette::PlaceholderText);
    const QColor translated = pal.color(QPalette::Base).lightness() < 128 ? QColor(0x7f, 0xc8, 0xff) : QColor(0x1a, 0x5f, 0xa0);
    for (const Caption *c : std::as_const(shown)) {
        const bool translation = !c->sourceLang.isEmpty();
        auto *item = new QListWidgetItem;
        const QString tag = c->lang.toUpper();
        if (translation) {
            item->setText(QStringLiteral("\u2192 %1   %2").arg(tag, c->text)); // indented by CaptionDelegate
            QFont f = m_captions->font();
            f.setItalic(true);
            item->setFont(f);
            item->setForeground(c->final ? translated : pending);
            item->setData(Qt::AccessibleTextRole, tr("Translation into %1: %2").arg(languageName(c->lang), c->text));
        } else {
            item->setText(QStringLiteral("%1   %2").arg(tag, c->text));
            QFont f = m_captions->font();
            f.setBold(c->final);
            item->setFont(f);
            item->setForeground(c->final ? original : pending);
            item->setData(Qt::AccessibleTextRole, tr("Original, %1: %2").arg(languageName(c->lang), c->text));
        }
        item->setData(Qt::UserRole, c->lang);
        item->setData(Qt::UserRole + 1, translation);
        m_captions->addItem(item);
    }
    if (atBottom)
        m_captions->scrollToBottom();
}

} // namespace onair
