// The JSON control and events messages a WebSocket client may send (speaker, listener,
// events): parseClientMessage, then what FanoutWorker::onText does with each type —
// validateAudioFormat for hello, validateMark / markMessage for mark, topicError for every
// topic of subscribe / unsubscribe, the broadcast_id of acknowledge_broadcast, ping's "t".
//
// Invariants: a message is either an error (with a message) or has a non-empty type equal to
// its object's "type"; a parsed object re-serialises and parses back to the same object and
// type; an accepted format is canonical (validating it again gives itself); an accepted mark
// keeps its id and t in the listeners' message.
#include "fuzzcheck.h"

#include "protocol/controlmessages.h"
#include "protocol/topics.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace onair;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // A text frame arrives as a QString (QWebSocket::textMessageReceived), then goes to UTF-8.
    const QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));
    const QByteArray utf8 = QString::fromUtf8(raw).toUtf8();
    const ParsedMessage m = parseClientMessage(utf8);

    if (!m.errorCode.isEmpty()) {
        FUZZ_CHECK(m.type.isEmpty() || m.errorCode == QLatin1String("missing_type"));
        FUZZ_CHECK(!m.errorMessage.isEmpty());
        FUZZ_CHECK(m.errorCode == QLatin1String("invalid_json") || m.errorCode == QLatin1String("not_an_object")
                   || m.errorCode == QLatin1String("missing_type"));
        return 0;
    }
    FUZZ_CHECK(!m.type.isEmpty());
    if (m.object.isEmpty()) {
        FUZZ_CHECK(m.type == QLatin1String("ping")); // the bare text "ping"
        return 0;
    }
    FUZZ_CHECK(m.object.value(QLatin1String("type")).toString() == m.type);

    // Re-serialise and parse again: the same object, the same type.
    const QByteArray again = QJsonDocument(m.object).toJson(QJsonDocument::Compact);
    const ParsedMessage m2 = parseClientMessage(again);
    FUZZ_CHECK(m2.errorCode.isEmpty());
    FUZZ_CHECK(m2.type == m.type);
    FUZZ_CHECK(m2.object == m.object);

    if (m.type == QLatin1String("hello")) {
        QJsonObject format;
        const QString err = validateAudioFormat(m.object.value(QLatin1String("format")), &format);
        if (err.isEmpty()) {
            QJsonObject again2;
            FUZZ_CHECK(validateAudioFormat(format, &again2).isEmpty());
            FUZZ_CHECK(again2 == format);
        } else {
            FUZZ_CHECK(format.isEmpty());
        }
    } else if (m.type == QLatin1String("mark")) {
        if (validateMark(m.object).isEmpty()) {
            const QJsonObject out = markMessage(QStringLiteral("main"), m.object);
            FUZZ_CHECK(out.value(QLatin1String("id")) == m.object.value(QLatin1String("id")));
            FUZZ_CHECK(out.value(QLatin1String("t")) == m.object.value(QLatin1String("t")));
            FUZZ_CHECK(out.value(QLatin1String("id")).toDouble() >= 0);
            // What the listener page receives parses back as a mark.
            const ParsedMessage back = parseClientMessage(QJsonDocument(out).toJson(QJsonDocument::Compact));
            FUZZ_CHECK(back.type == QLatin1String("mark") && validateMark(back.object).isEmpty());
        }
    } else if (m.type == QLatin1String("subscribe") || m.type == QLatin1String("unsubscribe")) {
        const QJsonValue v = m.object.value(QLatin1String("topics"));
        if (v.isArray()) {
            for (const QJsonValue &t : v.toArray()) {
                if (!t.isString())
                    break; // all or nothing: the whole message is refused
                const QString topic = t.toString();
                if (isValidTopic(topic)) {
                    FUZZ_CHECK(!topic.isEmpty() && topic.size() <= 32 + 1 + 64);
                    // a valid topic is valid again after the JSON round trip of "subscribed"
                    const QJsonArray arr{topic};
                    const QJsonDocument d = QJsonDocument::fromJson(QJsonDocument(QJsonObject{{QStringLiteral("topics"), arr}}).toJson());
                    FUZZ_CHECK(d.object().value(QLatin1String("topics")).toArray().first().toString() == topic);
                }
            }
        }
    } else if (m.type == QLatin1String("acknowledge_broadcast")) {
        (void)m.object.value(QLatin1String("broadcast_id")).toString();
    } else if (m.type == QLatin1String("ping")) {
        const QJsonValue t = m.object.value(QLatin1String("t"));
        if (t.isDouble()) {
            const QJsonObject pong{{QStringLiteral("type"), QStringLiteral("pong")}, {QStringLiteral("t"), t}};
            FUZZ_CHECK(!QJsonDocument(pong).toJson(QJsonDocument::Compact).isEmpty());
        }
    }
    return 0;
}
