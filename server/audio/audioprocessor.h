#pragma once

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>

namespace onair {

// One processing stage between a speaker and its listeners (or the legacy /ws echo).
// process() runs on a pipeline thread and may block; it returns false (with a reason) on
// failure. The engine never calls it for the default passthrough pipeline.
class AudioProcessor
{
public:
    virtual ~AudioProcessor() = default;
    virtual QString name() const = 0;
    virtual bool process(const QByteArray &in, QByteArray *out, QString *error) = 0;
};

// Makes the processor of one stream ("" for the legacy endpoint). Returning nullptr selects
// passthrough.
using ProcessorFactory = std::function<std::unique_ptr<AudioProcessor>(const QString &streamId)>;

} // namespace onair
