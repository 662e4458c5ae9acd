// A deserialized engine with one execution context: I/O description, inspector JSON and inference.
// All methods except ioTensors() touch the GPU and run on worker threads, one job at a time (job_lock.h).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "debug_capture.h"
#include "trt_headers.h"

namespace pwb {

struct IoTensorInfo {
    std::string name;
    bool isInput = false;
    nvinfer1::DataType type = nvinfer1::DataType::kFLOAT;
    std::vector<int64_t> shape;  // -1 for dynamic dims
};

struct RunInput {
    std::string name;
    std::vector<int64_t> dims;
    std::string dataType;        // what the caller believes the bytes are; must equal the engine's type
    std::vector<uint8_t> bytes;  // copied from JS on the JS thread
};

struct RunRequest {
    std::vector<RunInput> inputs;
    bool captureDebugTensors = false;
    std::vector<std::string> debugTensorNames;  // empty = all
    uint64_t maxDebugBytes = 1ull << 30;
    bool profile = false;
    int32_t iterations = 1;  // >1 only makes sense with profile (outputs come from the last iteration)
};

struct RunResult {
    std::vector<HostTensor> outputs;
    std::vector<HostTensor> debugTensors;
    std::vector<std::pair<std::string, float>> layerTimes;
};

class EngineSession {
public:
    // Throws TRT_DESERIALIZE_FAILED (with TensorRT's logged reason, e.g. a version mismatch).
    explicit EngineSession(const std::vector<uint8_t>& plan);
    ~EngineSession();

    std::vector<IoTensorInfo> ioTensors() const;
    int32_t layerCount() const;
    // IEngineInspector::getEngineInformation(kJSON). With `shapes` for every dynamic input the context is attached
    // and shape-dependent values are filled in; otherwise they show as -1. Full detail needs a kDETAILED build.
    std::string inspect(const std::map<std::string, std::vector<int64_t>>& shapes);
    RunResult run(const RunRequest& request);

private:
    void setInputShapes(const std::map<std::string, std::vector<int64_t>>& shapes);

    // Declaration order = reverse destruction order: context, engine, then runtime.
    std::unique_ptr<nvinfer1::IRuntime> runtime_;
    std::unique_ptr<nvinfer1::ICudaEngine> engine_;
    std::unique_ptr<nvinfer1::IExecutionContext> context_;
};

}  // namespace pwb
