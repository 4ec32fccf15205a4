// REST bodies and path arguments: parseJsonObjectBody (size, content type, JSON object), then
// the body of POST /api/broadcasts (validateBannerBody), POST /api/connections/{id}/kick
// (parseKickBody) and POST /api/publish (parsePublishBody); the {id} of .../ack and .../kick,
// the ?limit= of GET /api/broadcasts and the X-Client-Id header.
// Byte 0 picks the call, byte 1 the Content-Type, the rest is the body (or the argument).
//
// Invariants: a refusal has status 400/413/415/404-style codes and a message, and leaves the
// outputs as they were; an accepted body is within the size limit with a JSON content type;
// an accepted banner has a non-blank message of at most 280 code points and a known type;
// an accepted kick reason fits a close frame (≤ 120 bytes); an accepted topic is valid and
// its data an object that survives the trip through the cluster's JSON.
#include "fuzzcheck.h"

#include "banners/bannerrequest.h"
#include "http/restbodies.h"
#include "protocol/streamid.h"
#include "protocol/topics.h"

#include <QJsonDocument>
#include <QUuid>

#include <cstddef>
#include <cstdint>

using namespace onair;

namespace {
constexpr qint64 kMaxBody = 2048; // small, so body_too_large is reached too

const QByteArray kTypes[] = {
    QByteArrayLiteral("application/json"), QByteArrayLiteral("Application/JSON; charset=utf-8"),
    QByteArrayLiteral("text/plain"), QByteArray(), QByteArrayLiteral("application/jsonx"),
    QByteArrayLiteral("APPLICATION/JSON"), QByteArrayLiteral("application/x-www-form-urlencoded"),
    QByteArrayLiteral("application/json;charset=latin1"),
};

bool jsonBody(const QByteArray &body, const QByteArray &type, QJsonObject *out)
{
    const QJsonObject sentinel{{QStringLiteral("untouched"), true}};
    *out = sentinel;
    const std::optional<BodyRefusal> r = parseJsonObjectBody(body, type, kMaxBody, out);
    if (r) {
        FUZZ_CHECK(*out == sentinel);
        FUZZ_CHECK(r->status == 400 || r->status == 413 || r->status == 415);
        FUZZ_CHECK(!r->code.isEmpty() && !r->message.isEmpty());
        FUZZ_CHECK((r->status == 413) == (body.size() > kMaxBody));
        return false;
    }
    FUZZ_CHECK(body.size() <= kMaxBody);
    FUZZ_CHECK(type.toLower().startsWith("application/json"));
    return true;
}

void banner(const QJsonObject &body)
{
    QString text = QStringLiteral("before"), type = QStringLiteral("before"), message;
    const QString code = validateBannerBody(body, &text, &type, &message);
    if (!code.isEmpty()) {
        FUZZ_CHECK(text == QLatin1String("before") && type == QLatin1String("before") && !message.isEmpty());
        FUZZ_CHECK(code == QLatin1String("invalid_message") || code == QLatin1String("empty_message")
                   || code == QLatin1String("message_too_long") || code == QLatin1String("invalid_type"));
        return;
    }
    FUZZ_CHECK(!text.trimmed().isEmpty());
    FUZZ_CHECK(text.toUcs4().size() <= kBannerMaxCharacters);
    FUZZ_CHECK(text == body.value(QLatin1String("message")).toString());
    FUZZ_CHECK(type == QLatin1String("info") || type == QLatin1String("warning") || type == QLatin1String("alert"));
}

void kick(const QJsonObject &body)
{
    const QString dflt = QStringLiteral("removed by the operator");
    QString reason = dflt, replica = QStringLiteral("before");
    const std::optional<BodyRefusal> r = parseKickBody(body, &reason, &replica);
    if (r) {
        FUZZ_CHECK(r->status == 400 && !r->message.isEmpty());
        FUZZ_CHECK(r->code == QLatin1String("invalid_reason") || r->code == QLatin1String("invalid_replica"));
        return;
    }
    FUZZ_CHECK(!reason.isEmpty() && reason.toUtf8().size() <= 120);
    FUZZ_CHECK(reason == dflt || reason == body.value(QLatin1String("reason")).toString());
    FUZZ_CHECK(replica.size() <= 64);
}

void publish(const QJsonObject &body)
{
    QString topic = QStringLiteral("before");
    QJsonObject data;
    const std::optional<BodyRefusal> r = parsePublishBody(body, &topic, &data);
    if (r) {
        FUZZ_CHECK(topic == QLatin1String("before"));
        FUZZ_CHECK(r->code == QLatin1String("invalid_topic") || r->code == QLatin1String("invalid_data"));
        return;
    }
    FUZZ_CHECK(isValidTopic(topic));
    FUZZ_CHECK(data == body.value(QLatin1String("data")).toObject());
    // What another replica receives: {"topic","data"} through JSON text.
    const QByteArray wire = QJsonDocument(QJsonObject{{QStringLiteral("topic"), topic}, {QStringLiteral("data"), data}})
                                .toJson(QJsonDocument::Compact);
    const QJsonObject back = QJsonDocument::fromJson(wire).object();
    FUZZ_CHECK(back.value(QLatin1String("topic")).toString() == topic);
    FUZZ_CHECK(back.value(QLatin1String("data")).isObject());
}

void pathArguments(const QByteArray &raw)
{
    const QString arg = QString::fromUtf8(raw);
    // POST /api/broadcasts/{id}/ack: a UUID or 404.
    const QUuid uuid = QUuid::fromString(arg);
    if (!uuid.isNull())
        FUZZ_CHECK(QUuid::fromString(uuid.toString(QUuid::WithoutBraces)) == uuid);
    // POST /api/connections/{id}/kick: a connection number or 404.
    bool ok = false;
    const quint64 id = arg.toULongLong(&ok);
    if (ok)
        FUZZ_CHECK(arg.trimmed().isEmpty() || id == arg.trimmed().toULongLong());
    // GET /api/broadcasts?limit=N
    const int limit = arg.isEmpty() ? 20 : arg.toInt(&ok);
    (void)limit;
    // X-Client-Id: an identity "client:<id>" only when it is a valid id.
    if (isValidStreamId(arg))
        FUZZ_CHECK(arg.size() <= 64 && !arg.contains(u':'));
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const QByteArray body(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const QByteArray &type = kTypes[data[1] % (sizeof kTypes / sizeof kTypes[0])];
    const int call = data[0] % 4;
    if (call == 3) {
        pathArguments(body);
        return 0;
    }
    QJsonObject o;
    if (!jsonBody(body, type, &o))
        return 0;
    switch (call) {
    case 0: banner(o); break;
    case 1: kick(o); break;
    default: publish(o); break;
    }
    return 0;
}
