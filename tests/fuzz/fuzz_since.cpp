// The `since` of an events client's subscribe: parseSince on the value, framed as
// {"type":"subscribe","topics":["all"],"since":<input>} the way a client sends it.
//
// Invariants on an accepted `since`: at most the allowed number of entries, one per key of the
// input object, each a single valid topic (never a class), an offset that is an integer from 0
// to 2^53 - 1 equal to the input's, an epoch of 1–64 characters equal to the input's. A refusal
// says why and returns nothing.
#include "fuzzcheck.h"

#include "history/recovery.h"
#include "protocol/controlmessages.h"
#include "protocol/topics.h"

#include <QJsonObject>

#include <cstddef>
#include <cstdint>

using namespace onair;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    constexpr int kMax = 8;
    const QByteArray value(reinterpret_cast<const char *>(data), qsizetype(size));
    const ParsedMessage m = parseClientMessage(QByteArrayLiteral("{\"type\":\"subscribe\",\"topics\":[\"all\"],\"since\":") + value + '}');
    if (!m.errorCode.isEmpty())
        return 0;
    const QJsonValue in = m.object.value(QLatin1String("since"));
    QString error;
    const auto parsed = parseSince(in, kMax, &error);
    if (!parsed) {
        FUZZ_CHECK(!error.isEmpty());
        return 0;
    }
    if (in.isNull() || in.isUndefined()) {
        FUZZ_CHECK(parsed->isEmpty());
        return 0;
    }
    const QJsonObject src = in.toObject();
    FUZZ_CHECK(in.isObject() && parsed->size() == src.size() && parsed->size() <= kMax);
    for (const RecoverRequest &r : *parsed) {
        FUZZ_CHECK(isValidTopic(r.topic) && r.topic != kTopicAll && r.topic != kTopicStreams);
        const QJsonObject e = src.value(r.topic).toObject();
        FUZZ_CHECK(r.after >= 0 && r.after <= 9007199254740991LL);
        FUZZ_CHECK(double(r.after) == e.value(QLatin1String("offset")).toDouble());
        FUZZ_CHECK(!r.epoch.isEmpty() && r.epoch.size() <= 64 && r.epoch == e.value(QLatin1String("epoch")).toString());
    }
    return 0;
}
