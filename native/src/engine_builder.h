// ONNX bytes -> serialized engine (plan). Runs on a worker thread; needs a GPU (the builder times tactics on it).
#pragma once

#include <vector>

#include "build_options.h"

namespace pwb {

// Throws AddonError: TRT_PARSE_FAILED (with the parser's errors), TRT_BUILD_FAILED (with TensorRT's logged
// errors), TRT_INVALID_OPTIONS / TRT_OPTION_UNSUPPORTED, TRT_CUDA_UNAVAILABLE, TENSORRT_UNAVAILABLE.
BuildResult buildEngine(const std::vector<uint8_t>& onnx, const BuildOptions& options);

}  // namespace pwb
