// Errors raised by the addon carry a stable code (the TypeScript loader turns them into WorkbenchError).
#pragma once

#include <stdexcept>
#include <string>

namespace pwb {

// Codes shared with native/index.ts.
constexpr const char* kTensorRtUnavailable = "TENSORRT_UNAVAILABLE";
constexpr const char* kCudaUnavailable = "TRT_CUDA_UNAVAILABLE";
constexpr const char* kInvalidOptions = "TRT_INVALID_OPTIONS";
constexpr const char* kUnsupportedOption = "TRT_OPTION_UNSUPPORTED";
constexpr const char* kParseFailed = "TRT_PARSE_FAILED";
constexpr const char* kBuildFailed = "TRT_BUILD_FAILED";
constexpr const char* kDeserializeFailed = "TRT_DESERIALIZE_FAILED";
constexpr const char* kInputMismatch = "TRT_INPUT_MISMATCH";
constexpr const char* kRunFailed = "TRT_RUN_FAILED";
constexpr const char* kReleased = "TRT_ENGINE_RELEASED";

class AddonError : public std::runtime_error {
public:
    AddonError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
    const std::string& code() const { return code_; }

private:
    std::string code_;
};

}  // namespace pwb
