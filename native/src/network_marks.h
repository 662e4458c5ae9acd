// Tensors the caller wants to see after the build: unfused debug tensors, named debug tensors, extra outputs.
#pragma once

#include <string>
#include <vector>

#include "build_options.h"

namespace pwb {

// Finds a network tensor by name (network inputs and every layer output). nullptr when absent.
nvinfer1::ITensor* findTensor(nvinfer1::INetworkDefinition& network, const std::string& name);

// Names that could not be marked are reported in `notes` (not an error: ONNX values can be folded away by the
// parser). markOutput changes fusion around the tensor and can change numerics (tensorrt.md §3.5); prefer
// markUnfusedDebugTensors for a view of the engine as it is.
void applyTensorMarks(nvinfer1::INetworkDefinition& network, const BuildOptions& options, std::vector<std::string>& notes);

}  // namespace pwb
