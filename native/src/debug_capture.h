// IDebugListener that copies debug tensors to host memory. The device pointer TensorRT passes is valid only during
// the callback, so the copy is made on the callback's stream and waited for before returning.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "trt_headers.h"

namespace pwb {

struct HostTensor {
    std::string name;
    nvinfer1::DataType type = nvinfer1::DataType::kFLOAT;
    std::vector<int64_t> dims;
    std::vector<uint8_t> bytes;  // empty when skipped
    std::string skipped;         // why the data was not copied ("" when copied)
};

class DebugCapture : public nvinfer1::IDebugListener {
public:
    // `only` empty = every debug tensor; `maxBytes` caps the total copied per run (the rest is listed, not copied).
    DebugCapture(std::unordered_set<std::string> only, uint64_t maxBytes) : only_(std::move(only)), maxBytes_(maxBytes) {}

    bool processDebugTensor(void const* address, nvinfer1::TensorLocation location, nvinfer1::DataType type,
                            nvinfer1::Dims const& shape, char const* name, cudaStream_t stream) override;

    std::vector<HostTensor> take() { return std::move(tensors_); }

private:
    std::unordered_set<std::string> only_;
    uint64_t maxBytes_;
    uint64_t copiedBytes_ = 0;
    std::vector<HostTensor> tensors_;
};

}  // namespace pwb
