#include "protocol/controlmessages.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace onair {

ParsedMessage parseClientMessage(const QByteArray &utf8)
{
    ParsedMessage m;
    if (utf8.trimmed() == "ping") {
        m.type = QStringLiteral("ping");
        return m;
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &err);
    if (err.error != QJsonParseError::NoError) {
        m.errorCode = QStringLiteral("invalid_json");
        m.errorMessage = QStringLiteral("invalid JSON at offset %1: %2").arg(err.offset).arg(err.errorString());
        return m;
    }
    if (!doc.isObject()) {
        m.errorCode = QStringLiteral("not_an_object");
        m.errorMessage = QStringLiteral("a control message must be a JSON object");
        return m;
    }
    m.object = doc.object();
    const QJsonValue type = m.object.value(QLatin1String("type"));
    if (!type.isString() || type.toString().isEmpty()) {
        m.errorCode = QStringLiteral("missing_type");
        m.errorMessage = QStringLiteral("a control message needs a string \"type\"");
        return m;
    }
    m.type = type.toString();
    return m;
}

QString validateAudioFormat(const QJsonValue &value, QJsonObject *normalized)
{
    if (!value.isObject())
        return QStringLiteral("\"format\" must be an object");
    const QJsonObject f = value.toObject();
    const QString codec = f.value(QLatin1String("codec")).toString();
    if (codec != QLatin1String("pcm") && codec != QLatin1String("opus"))
        return QStringLiteral("\"codec\" must be \"pcm\" or \"opus\"");

    const QJsonValue rateV = f.value(QLatin1String("sample_rate"));
    const int rate = rateV.isUndefined() ? 48000 : rateV.toInt(-1);
    static const int opusRates[] = {8000, 12000, 16000, 24000, 48000};
    static const int pcmRates[] = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 96000};
    bool rateOk = false;
    if (codec == QLatin1String("opus")) {
        for (int r : opusRates)
            rateOk |= r == rate;
    } else {
        for (int r : pcmRates)
            rateOk |= r == rate;
    }
    if (!rateOk)
        return QStringLiteral("unsupported \"sample_rate\" for %1").arg(codec);

    const QJsonValue chV = f.value(QLatin1String("channels"));
    const int channels = chV.isUndefined() ? 1 : chV.toInt(-1);
    if (channels != 1 && channels != 2)
        return QStringLiteral("\"channels\" must be 1 or 2");

    const QJsonValue msV = f.value(QLatin1String("frame_ms"));
    const double frameMs = msV.isUndefined() ? 20.0 : msV.toDouble(-1);
    static const double frameSizes[] = {2.5, 5, 10, 20, 40, 60};
    bool msOk = false;
    for (double s : frameSizes)
        msOk |= s == frameMs;
    if (!msOk)
        return QStringLiteral("\"frame_ms\" must be one of 2.5, 5, 10, 20, 40, 60");

    QJsonObject out{{QStringLiteral("codec"), codec},
                    {QStringLiteral("sample_rate"), rate},
                    {QStringLiteral("channels"), channels},
                    {QStringLiteral("frame_ms"), frameMs}};
    if (codec == QLatin1String("pcm")) {
        const QJsonValue sfV = f.value(QLatin1String("sample_format"));
        const QString sf = sfV.isUndefined() ? QStringLiteral("s16le") : sfV.toString();
        if (sf != QLatin1String("s16le") && sf != QLatin1String("f32le"))
            return QStringLiteral("\"sample_format\" must be \"s16le\" or \"f32le\"");
        out.insert(QStringLiteral("sample_format"), sf);
    } else {
        const QJsonValue brV = f.value(QLatin1String("bitrate"));
        if (!brV.isUndefined()) {
            const int br = brV.toInt(-1);
            if (br < 6000 || br > 510000)
                return QStringLiteral("\"bitrate\" must be between 6000 and 510000");
            out.insert(QStringLiteral("bitrate"), br);
        }
        const QJsonValue fecV = f.value(QLatin1String("fec"));
        if (!fecV.isUndefined()) {
            if (!fecV.isBool())
                return QStringLiteral("\"fec\" must be true or false");
            out.insert(QStringLiteral("fec"), fecV.toBool());
        }
    }
    *normalized = out;
    return {};
}

QString validateMark(const QJsonObject &mark)
{
    const QJsonValue id = mark.value(QLatin1String("id"));
    const QJsonValue t = mark.value(QLatin1String("t"));
    if (!id.isDouble() || id.toDouble() < 0 || id.toDouble() > 9007199254740991.0
        || id.toDouble() != double(qint64(id.toDouble())))
        return QStringLiteral("\"id\" must be a non-negative integer");
    if (!t.isDouble() || t.toDouble() < 0 || t.toDouble() > 1.0e14)
        return QStringLiteral("\"t\" must be milliseconds since the epoch");
    return {};
}

QJsonObject markMessage(const QString &streamId, const QJsonObject &mark)
{
    return {{QStringLiteral("type"), QStringLiteral("mark")},
            {QStringLiteral("stream_id"), streamId},
            {QStringLiteral("id"), mark.value(QLatin1String("id"))},
            {QStringLiteral("t"), mark.value(QLatin1String("t"))}};
}

} // namespace onair
