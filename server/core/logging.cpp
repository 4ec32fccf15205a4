#include "core/logging.h"

Q_LOGGING_CATEGORY(lcHub, "onair.hub", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "onair.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWs, "onair.ws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPipeline, "onair.pipeline", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEngine, "onair.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHistory, "onair.history", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRecording, "onair.recording", QtInfoMsg)
