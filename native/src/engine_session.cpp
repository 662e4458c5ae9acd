#include "engine_session.h"

#include <unordered_set>

#include "cuda_driver.h"
#include "data_types.h"
#include "errors.h"
#include "layer_profiler.h"
#include "logger.h"
#include "trt_library.h"

namespace pwb {
namespace {

nvinfer1::Dims toDims(const std::string& name, const std::vector<int64_t>& dims) {
    nvinfer1::Dims out{};
    if (dims.size() > static_cast<std::size_t>(nvinfer1::Dims::MAX_DIMS))
        throw AddonError(kInputMismatch, "Input '" + name + "' has " + std::to_string(dims.size()) +
                                             " dims; TensorRT supports at most 8.");
    out.nbDims = static_cast<int32_t>(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i) out.d[i] = dims[i];
    return out;
}

std::vector<int64_t> fromDims(const nvinfer1::Dims& dims) {
    std::vector<int64_t> out;
    for (int32_t i = 0; i < dims.nbDims; ++i) out.push_back(dims.d[i]);
    return out;
}

}  // namespace

EngineSession::EngineSession(const std::vector<uint8_t>& plan) {
    requireTensorRt();
    useCudaDevice();
    runtime_.reset(createRuntime(logger()));
    if (!runtime_) throw AddonError(kDeserializeFailed, describeRecentErrors("createInferRuntime failed"));
    engine_.reset(runtime_->deserializeCudaEngine(plan.data(), plan.size()));
    if (!engine_)
        throw AddonError(kDeserializeFailed,
                         describeRecentErrors("TensorRT could not deserialize the engine (engines only load in the "
                                              "exact TensorRT version and GPU they were built for)"));
    context_.reset(engine_->createExecutionContext());
    if (!context_) throw AddonError(kDeserializeFailed, describeRecentErrors("createExecutionContext failed"));
}

EngineSession::~EngineSession() = default;

std::vector<IoTensorInfo> EngineSession::ioTensors() const {
    std::vector<IoTensorInfo> out;
    for (int32_t i = 0; i < engine_->getNbIOTensors(); ++i) {
        const char* name = engine_->getIOTensorName(i);
        IoTensorInfo info;
        info.name = name;
        info.isInput = engine_->getTensorIOMode(name) == nvinfer1::TensorIOMode::kINPUT;
        info.type = engine_->getTensorDataType(name);
        info.shape = fromDims(engine_->getTensorShape(name));
        out.push_back(std::move(info));
    }
    return out;
}

int32_t EngineSession::layerCount() const { return engine_->getNbLayers(); }

void EngineSession::setInputShapes(const std::map<std::string, std::vector<int64_t>>& shapes) {
    for (const auto& entry : shapes) {
        if (engine_->getTensorIOMode(entry.first.c_str()) != nvinfer1::TensorIOMode::kINPUT)
            throw AddonError(kInputMismatch, "The engine has no input named '" + entry.first + "'.");
        if (!context_->setInputShape(entry.first.c_str(), toDims(entry.first, entry.second)))
            throw AddonError(kInputMismatch, describeRecentErrors("Input '" + entry.first + "' shape " +
                                                                  formatDims(toDims(entry.first, entry.second)) +
                                                                  " is outside the engine's optimization profile"));
    }
}

std::string EngineSession::inspect(const std::map<std::string, std::vector<int64_t>>& shapes) {
    useCudaDevice();
    setInputShapes(shapes);
    std::unique_ptr<nvinfer1::IEngineInspector> inspector(engine_->createEngineInspector());
    if (!inspector) throw AddonError(kRunFailed, describeRecentErrors("createEngineInspector failed"));
    if (context_->allInputDimensionsSpecified()) inspector->setExecutionContext(context_.get());
    const char* json = inspector->getEngineInformation(nvinfer1::LayerInformationFormat::kJSON);
    return json ? std::string(json) : std::string();  // copied: the next inspector call overwrites it
}

RunResult EngineSession::run(const RunRequest& request) {
    useCudaDevice();
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto& input : request.inputs) shapes[input.name] = input.dims;
    setInputShapes(shapes);
    for (const auto& io : ioTensors())
        if (io.isInput && !shapes.count(io.name))
            throw AddonError(kInputMismatch, "Engine input '" + io.name + "' was not given.");
    if (!context_->allInputDimensionsSpecified())
        throw AddonError(kInputMismatch, "Not every engine input was given; the engine expects " +
                                             std::to_string(engine_->getNbIOTensors()) + " I/O tensors in total.");

    CudaStream stream;
    std::vector<std::unique_ptr<DeviceBuffer>> buffers;
    std::vector<IoTensorInfo> outputs;
    for (const auto& input : request.inputs) {
        nvinfer1::DataType type = engine_->getTensorDataType(input.name.c_str());
        if (input.dataType != dataTypeName(type))
            throw AddonError(kInputMismatch, "Input '" + input.name + "' is " + input.dataType + " but the engine expects " +
                                                 dataTypeName(type) + ".");
        int64_t count = volume(toDims(input.name, input.dims));
        if (count < 0 || static_cast<uint64_t>(count) * elementSize(type) != input.bytes.size())
            throw AddonError(kInputMismatch, "Input '" + input.name + "' has " + std::to_string(input.bytes.size()) +
                                                 " bytes, which does not match its dims " +
                                                 formatDims(toDims(input.name, input.dims)) + ".");
        buffers.push_back(std::make_unique<DeviceBuffer>(input.bytes.size()));
        copyHostToDevice(buffers.back()->get(), input.bytes.data(), input.bytes.size(), stream.get());
        context_->setTensorAddress(input.name.c_str(), buffers.back()->get());
    }
    for (const auto& io : ioTensors()) {
        if (io.isInput) continue;
        nvinfer1::Dims shape = context_->getTensorShape(io.name.c_str());
        int64_t count = volume(shape);
        if (count < 0)
            throw AddonError(kRunFailed, "Output '" + io.name + "' has a data-dependent shape " + formatDims(shape) +
                                             "; such outputs need an IOutputAllocator, which this addon does not have yet.");
        if (elementSize(io.type) == 0)
            throw AddonError(kRunFailed, "Output '" + io.name + "' is " + dataTypeName(io.type) + ", which cannot be copied to JS.");
        buffers.push_back(std::make_unique<DeviceBuffer>(static_cast<std::size_t>(count) * elementSize(io.type)));
        context_->setTensorAddress(io.name.c_str(), buffers.back()->get());
        IoTensorInfo resolved = io;
        resolved.shape = fromDims(shape);
        outputs.push_back(std::move(resolved));
    }

    std::unordered_set<std::string> only(request.debugTensorNames.begin(), request.debugTensorNames.end());
    DebugCapture capture(std::move(only), request.maxDebugBytes);
    LayerProfiler profiler;
    context_->setDebugListener(request.captureDebugTensors ? &capture : nullptr);
    if (request.captureDebugTensors) {
        context_->setAllTensorsDebugState(true);
#if PWB_TRT_HAS_UNFUSED_DEBUG_TENSORS
        context_->setUnfusedTensorsDebugState(true);
#endif
    }
    context_->setProfiler(request.profile ? &profiler : nullptr);

    int32_t iterations = request.iterations < 1 ? 1 : request.iterations;
    for (int32_t i = 0; i < iterations; ++i) {
        if (!context_->enqueueV3(stream.get())) {
            context_->setDebugListener(nullptr);
            context_->setProfiler(nullptr);
            throw AddonError(kRunFailed, describeRecentErrors("enqueueV3 failed"));
        }
        // Debug tensors only from the first iteration; later ones are for timing.
        if (i == 0 && request.captureDebugTensors) {
            stream.synchronize();
            context_->setDebugListener(nullptr);
        }
    }

    RunResult result;
    std::size_t outputBuffer = request.inputs.size();
    for (auto& io : outputs) {
        HostTensor tensor;
        tensor.name = io.name;
        tensor.type = io.type;
        tensor.dims = io.shape;
        tensor.bytes.resize(buffers[outputBuffer]->size());
        copyDeviceToHost(tensor.bytes.data(), buffers[outputBuffer]->get(), tensor.bytes.size(), stream.get());
        ++outputBuffer;
        result.outputs.push_back(std::move(tensor));
    }
    stream.synchronize();
    context_->setDebugListener(nullptr);
    context_->setProfiler(nullptr);
    result.debugTensors = capture.take();
    result.layerTimes = profiler.take();
    return result;
}

}  // namespace pwb
