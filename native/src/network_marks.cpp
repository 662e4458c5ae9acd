#include "network_marks.h"

#include "errors.h"

namespace pwb {

nvinfer1::ITensor* findTensor(nvinfer1::INetworkDefinition& network, const std::string& name) {
    for (int32_t i = 0; i < network.getNbInputs(); ++i)
        if (name == network.getInput(i)->getName()) return network.getInput(i);
    for (int32_t l = 0; l < network.getNbLayers(); ++l) {
        nvinfer1::ILayer* layer = network.getLayer(l);
        for (int32_t o = 0; o < layer->getNbOutputs(); ++o) {
            nvinfer1::ITensor* tensor = layer->getOutput(o);
            if (tensor && name == tensor->getName()) return tensor;
        }
    }
    return nullptr;
}

void applyTensorMarks(nvinfer1::INetworkDefinition& network, const BuildOptions& options, std::vector<std::string>& notes) {
    if (options.markUnfusedDebugTensors) {
#if PWB_TRT_HAS_UNFUSED_DEBUG_TENSORS
        if (!network.markUnfusedTensorsAsDebugTensors())
            notes.push_back("markUnfusedTensorsAsDebugTensors returned false; no unfused debug tensors will be reported.");
#else
        throw AddonError(kUnsupportedOption, "Unfused debug tensors need TensorRT 10.12 or newer; this addon was "
                                             "compiled against " + std::to_string(NV_TENSORRT_MAJOR) + "." +
                                                 std::to_string(NV_TENSORRT_MINOR) + " headers.");
#endif
    }
    for (const auto& name : options.debugTensors) {
        nvinfer1::ITensor* tensor = findTensor(network, name);
        if (!tensor || !network.markDebug(*tensor)) notes.push_back("could not mark '" + name + "' as a debug tensor");
    }
    for (const auto& name : options.extraOutputs) {
        nvinfer1::ITensor* tensor = findTensor(network, name);
        if (!tensor) {
            notes.push_back("could not mark '" + name + "' as an output: no such tensor in the network");
            continue;
        }
        if (tensor->isNetworkInput() || tensor->isNetworkOutput()) continue;
        network.markOutput(*tensor);
    }
}

}  // namespace pwb
