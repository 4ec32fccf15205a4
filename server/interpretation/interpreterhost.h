#pragma once

#include "config/config.h"
#include "interpretation/interpretation.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace onair {

class Hub;

// What the interpreter needs of the engine it runs in, filled in by the engine when it makes
// its Interpreters (the interpretation module does not include the engine). The functions are
// called on the engine's thread, except publish (a session's thread) and event (any thread).
struct InterpreterHost
{
    Hub *hub = nullptr;          // the streams: who speaks, their formats, their payloads
    EngineConfig config;
    InterpretationBackends backends;
    std::function<bool()> running; // the engine accepts streams
    // A translated channel ("main~es") has the interpreter as its own speaker: put it on air
    // with this format, publish an Opus packet on it, take it off air.
    std::function<bool(const QString &channel, const QJsonObject &format, QString *error)> startChannel;
    std::function<void(const QString &channel, const QByteArray &packet)> publish;
    std::function<void(const QString &channel)> stopChannel;
    // A caption or interpretation event (already published on the stream:<id> topic), for the
    // engine's own observers (the desktop).
    std::function<void(const QJsonObject &event)> event;
};

} // namespace onair
