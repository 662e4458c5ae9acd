// The one place that includes the TensorRT headers and turns NV_TENSORRT_MAJOR/MINOR into feature switches.
// Every other file tests these PWB_* macros instead of raw version numbers, so the 10.x/11.x differences
// (tensorrt.md §0.2, §2.6, §3.10) are listed here once.
#pragma once

#include <NvInfer.h>
#include <NvInferRuntime.h>
#include <NvInferVersion.h>
#include <NvOnnxParser.h>

#define PWB_TRT_AT_LEAST(major, minor) \
    (NV_TENSORRT_MAJOR > (major) || (NV_TENSORRT_MAJOR == (major) && NV_TENSORRT_MINOR >= (minor)))

// Weak typing (ILayer::setPrecision, kFP16/kINT8 flags, ITensor::setDynamicRange): deprecated in 10.12,
// removed in 11.0.
#define PWB_TRT_HAS_LEGACY_PRECISION (NV_TENSORRT_MAJOR < 11)

// INetworkDefinition::markUnfusedTensorsAsDebugTensors + IExecutionContext::setUnfusedTensorsDebugState.
#define PWB_TRT_HAS_UNFUSED_DEBUG_TENSORS PWB_TRT_AT_LEAST(10, 12)

// TacticSource::kCUBLAS / kCUBLAS_LT / kCUDNN exist (deprecated) in 10.x and are gone in 11.x.
#define PWB_TRT_HAS_LIBRARY_TACTIC_SOURCES (NV_TENSORRT_MAJOR < 11)

// In 11.x every network is strongly typed and kSTRONGLY_TYPED is a deprecated no-op.
#define PWB_TRT_ALWAYS_STRONGLY_TYPED (NV_TENSORRT_MAJOR >= 11)
