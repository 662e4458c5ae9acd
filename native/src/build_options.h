// What a build is asked to do, as plain C++ data (filled from JS on the JS thread by js_convert.cpp, read on the
// worker thread by engine_builder.cpp). Optional settings use has* flags: unset means "TensorRT's default".
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "trt_headers.h"

namespace pwb {

struct InputShapeRange {
    std::string input;
    nvinfer1::Dims min{}, opt{}, max{};
};

// One optimization profile = a shape range for every dynamic input.
using OptimizationProfile = std::vector<InputShapeRange>;

// 10.x only (weak typing, deprecated since 10.12; removed in 11): knobs for quick experiments. The recommended path
// is a strongly typed build of an ONNX graph that carries its precision (Q/DQ, casts).
struct LegacyPrecision {
    bool fp16 = false, int8 = false, bf16 = false;
    std::string constraints = "none";  // none | prefer | obey
    // Layer name (exact, or with one '*' wildcard) -> precision; as trtexec --layerPrecisions.
    std::vector<std::pair<std::string, nvinfer1::DataType>> layerPrecisions;
    std::vector<std::pair<std::string, nvinfer1::DataType>> layerOutputTypes;
    // Tensor name -> amax; applied as setDynamicRange(-amax, amax) (INT8 without a calibrator).
    std::vector<std::pair<std::string, float>> dynamicRanges;
};

struct BuildOptions {
    bool stronglyTyped = true;
    bool hasWorkspaceBytes = false;
    uint64_t workspaceBytes = 0;
    bool hasOptimizationLevel = false;
    int32_t optimizationLevel = 3;  // 0..5
    std::vector<OptimizationProfile> profiles;
    bool hasTimingCache = false;  // load these bytes (may be empty = start a new cache)
    std::vector<uint8_t> timingCache;
    bool returnTimingCache = false;  // serialize the (updated) cache into the result
    std::vector<std::string> enableTacticSources, disableTacticSources;
    int32_t logSeverity = 2;             // forward log lines at or above this severity (0 = internal error .. 4 = verbose)
    bool noTf32 = false;                 // clear BuilderFlag::kTF32 (on by default): FP32 layers compute in full FP32
    bool detailedProfiling = true;       // ProfilingVerbosity::kDETAILED (needed for inspector JSON and layer metadata)
    bool markUnfusedDebugTensors = false;  // markUnfusedTensorsAsDebugTensors (10.12+); does not change fusion
    std::vector<std::string> debugTensors;  // markDebug: prevents fusion around them
    std::vector<std::string> extraOutputs;  // markOutput: changes fusion and may change numerics
    bool hasLegacyPrecision = false;
    LegacyPrecision legacy;
    std::string modelPath;  // lets the ONNX parser resolve external data next to the model
};

struct ParserIssue {
    int32_t code = 0;
    std::string description, nodeName, nodeOperator;
    int64_t node = -1;
};

struct BuildResult {
    std::vector<uint8_t> plan;
    std::vector<uint8_t> timingCache;  // empty unless returnTimingCache
    std::vector<std::string> notes;    // things the caller should know (e.g. names not found)
    int32_t networkLayers = 0;
    double buildMilliseconds = 0;
};

}  // namespace pwb
