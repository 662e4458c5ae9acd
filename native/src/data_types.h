// TensorRT DataType <-> the names the TypeScript side uses, element sizes and volumes.
#pragma once

#include <cstdint>
#include <string>

#include "trt_headers.h"

namespace pwb {

// Names follow ONNX/onnxruntime spelling where one exists ('float32', 'float16', ...).
const char* dataTypeName(nvinfer1::DataType type);

// Bytes per element; 0 for sub-byte types (int4, fp4), which the addon does not copy to or from JS.
std::size_t elementSize(nvinfer1::DataType type);

// Product of dims; -1 when any dim is negative (unresolved dynamic dim).
int64_t volume(const nvinfer1::Dims& dims);

std::string formatDims(const nvinfer1::Dims& dims);

}  // namespace pwb
