#include "debug_capture.h"

#include <cstring>

#include "cuda_driver.h"
#include "data_types.h"

namespace pwb {

bool DebugCapture::processDebugTensor(void const* address, nvinfer1::TensorLocation location, nvinfer1::DataType type,
                                      nvinfer1::Dims const& shape, char const* name, cudaStream_t stream) {
    std::string tensorName = name ? name : "";
    if (!only_.empty() && !only_.count(tensorName)) return true;
    HostTensor tensor;
    tensor.name = tensorName;
    tensor.type = type;
    for (int32_t i = 0; i < shape.nbDims; ++i) tensor.dims.push_back(shape.d[i]);
    int64_t count = volume(shape);
    std::size_t size = elementSize(type);
    uint64_t bytes = count < 0 ? 0 : static_cast<uint64_t>(count) * size;
    if (size == 0) tensor.skipped = std::string("data type ") + dataTypeName(type) + " is not copied";
    else if (count < 0) tensor.skipped = "shape is not resolved";
    else if (copiedBytes_ + bytes > maxBytes_) tensor.skipped = "debug tensor byte limit reached";
    if (!tensor.skipped.empty()) {
        tensors_.push_back(std::move(tensor));
        return true;
    }
    tensor.bytes.resize(bytes);
    try {
        if (location == nvinfer1::TensorLocation::kDEVICE) {
            copyDeviceToHost(tensor.bytes.data(), address, bytes, stream);
            synchronizeStream(stream);
        } else {
            std::memcpy(tensor.bytes.data(), address, bytes);
        }
    } catch (const std::exception& error) {
        tensor.bytes.clear();
        tensor.skipped = error.what();
    }
    copiedBytes_ += tensor.bytes.size();
    tensors_.push_back(std::move(tensor));
    return true;
}

}  // namespace pwb
