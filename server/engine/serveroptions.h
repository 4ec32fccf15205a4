#pragma once

#include "config/config.h"

#include <QStringList>

class QCommandLineParser;

namespace onair {

// The engine's command-line flags and their ONAIR_* environment equivalents, shared by
// onair-server and the desktop app. A flag wins over the environment, which wins over the
// default in EngineConfig.
void addEngineOptions(QCommandLineParser &parser);
// Returns an empty string on success, else what is wrong with which option.
QString applyEngineOptions(const QCommandLineParser &parser, EngineConfig *config);

} // namespace onair
