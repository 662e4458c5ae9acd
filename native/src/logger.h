// The process-wide TensorRT logger. TensorRT keeps a single logger pointer per process (tensorrt.md §2.5), so
// there is one ILogger that forwards each message to the sink of the job that is running. Jobs run one at a time
// (see job_lock.h), so every message belongs to that job. log() may be called from TensorRT's own threads.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "trt_headers.h"

namespace pwb {

using Severity = nvinfer1::ILogger::Severity;

struct LogLine {
    int severity = 0;  // ILogger::Severity: 0 internal error, 1 error, 2 warning, 3 info, 4 verbose
    std::string message;
};

class ForwardingLogger : public nvinfer1::ILogger {
public:
    void log(Severity severity, nvinfer1::AsciiChar const* message) noexcept override;

    // Messages at or above `threshold` (numerically <=) go to `sink`; errors are also kept for error messages.
    void attach(Severity threshold, std::function<void(const LogLine&)> sink);
    void detach();
    // Error and internal-error lines received since attach(), newest last (at most 20).
    std::vector<std::string> recentErrors();

private:
    std::mutex mutex_;
    Severity threshold_ = Severity::kWARNING;
    std::function<void(const LogLine&)> sink_;
    std::vector<std::string> errors_;
};

ForwardingLogger& logger();

// Attaches a sink for the lifetime of the scope.
class LogScope {
public:
    LogScope(Severity threshold, std::function<void(const LogLine&)> sink) { logger().attach(threshold, std::move(sink)); }
    ~LogScope() { logger().detach(); }
    LogScope(const LogScope&) = delete;
    LogScope& operator=(const LogScope&) = delete;
};

// "error: ...; error: ..." of the recent errors, or `fallback` when there were none.
std::string describeRecentErrors(const std::string& fallback);

}  // namespace pwb
