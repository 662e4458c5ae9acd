#include "logger.h"

namespace pwb {

void ForwardingLogger::log(Severity severity, nvinfer1::AsciiChar const* message) noexcept {
    try {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string text = message ? message : "";
        if (severity <= Severity::kERROR) {
            if (errors_.size() == 20) errors_.erase(errors_.begin());
            errors_.push_back(text);
        }
        if (sink_ && severity <= threshold_) sink_(LogLine{static_cast<int>(severity), std::move(text)});
    } catch (...) {
        // log() is noexcept; a failing sink must not take the process down.
    }
}

void ForwardingLogger::attach(Severity threshold, std::function<void(const LogLine&)> sink) {
    std::lock_guard<std::mutex> lock(mutex_);
    threshold_ = threshold;
    sink_ = std::move(sink);
    errors_.clear();
}

void ForwardingLogger::detach() {
    std::lock_guard<std::mutex> lock(mutex_);
    sink_ = nullptr;
}

std::vector<std::string> ForwardingLogger::recentErrors() {
    std::lock_guard<std::mutex> lock(mutex_);
    return errors_;
}

ForwardingLogger& logger() {
    static ForwardingLogger instance;
    return instance;
}

std::string describeRecentErrors(const std::string& fallback) {
    auto errors = logger().recentErrors();
    if (errors.empty()) return fallback;
    std::string out = fallback + ": ";
    for (std::size_t i = 0; i < errors.size(); ++i) out += (i ? "; " : "") + errors[i];
    return out;
}

}  // namespace pwb
