#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

struct OpusEncoder;
struct OpusDecoder;

namespace onair {

// Opus through libopus: what the desktop speaker sends and what the monitor (and a PCM
// rendition for browsers without WebCodecs) decodes. Mono or stereo s16le in and out.

struct OpusSettings
{
    int sampleRate = 48000;
    int channels = 1;
    double frameMs = 20;  // 2.5, 5, 10, 20, 40 or 60
    int bitrate = 32000;  // bits per second
    bool inbandFec = true;
    int expectedLossPercent = 5; // what FEC is tuned for
};

class OpusFrameEncoder final
{
public:
    OpusFrameEncoder() = default;
    ~OpusFrameEncoder();
    Q_DISABLE_COPY_MOVE(OpusFrameEncoder)

    // false with `error` for settings libopus refuses.
    bool open(const OpusSettings &settings, QString *error);
    bool isOpen() const { return m_enc != nullptr; }
    const OpusSettings &settings() const { return m_settings; }
    int frameSamples() const { return m_frameSamples; } // per channel
    // The format message a speaker declares for these settings.
    QJsonObject format() const;

    // Buffers s16le PCM of any length and returns the packets of every whole frame it now
    // holds (0, 1 or more), in order.
    QList<QByteArray> encode(const QByteArray &s16le);

private:
    OpusEncoder *m_enc = nullptr;
    OpusSettings m_settings;
    int m_frameSamples = 0;
    QByteArray m_pending;
};

class OpusFrameDecoder final
{
public:
    OpusFrameDecoder() = default;
    ~OpusFrameDecoder();
    Q_DISABLE_COPY_MOVE(OpusFrameDecoder)

    // `sampleRate` is the output rate (8, 12, 16, 24 or 48 kHz), whatever the packets were.
    bool open(int sampleRate, int channels, QString *error);
    bool isOpen() const { return m_dec != nullptr; }
    int sampleRate() const { return m_rate; }
    int channels() const { return m_channels; }

    // One packet to s16le PCM; empty for a packet libopus rejects (counted in errors()).
    QByteArray decode(const QByteArray &packet);
    // A lost packet: reconstructs it from `next`'s in-band FEC when `next` carries it,
    // otherwise conceals `samples` per channel.
    QByteArray recover(const QByteArray &next, int samples);
    qint64 errors() const { return m_errors; }

private:
    OpusDecoder *m_dec = nullptr;
    int m_rate = 48000;
    int m_channels = 1;
    qint64 m_errors = 0;
};

} // namespace onair
