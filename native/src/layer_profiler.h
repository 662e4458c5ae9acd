// IProfiler that records every reportLayerTime call in order. One entry per engine layer per enqueue; the
// TypeScript side aggregates iterations the way trtexec --exportProfile does.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "trt_headers.h"

namespace pwb {

class LayerProfiler : public nvinfer1::IProfiler {
public:
    void reportLayerTime(char const* layerName, float ms) noexcept override {
        try {
            times_.emplace_back(layerName ? layerName : "", ms);
        } catch (...) {
        }
    }
    std::vector<std::pair<std::string, float>> take() { return std::move(times_); }

private:
    std::vector<std::pair<std::string, float>> times_;
};

}  // namespace pwb
