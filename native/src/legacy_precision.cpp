#include "legacy_precision.h"

#include "errors.h"
#include "network_marks.h"

// This file uses the weak-typing API on purpose; its deprecation is the reason for the strongly typed default.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace pwb {

bool matchesLayerPattern(const std::string& pattern, const std::string& name) {
    auto star = pattern.find('*');
    if (star == std::string::npos) return pattern == name;
    std::string prefix = pattern.substr(0, star), suffix = pattern.substr(star + 1);
    return name.size() >= prefix.size() + suffix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

#if PWB_TRT_HAS_LEGACY_PRECISION

namespace {

using nvinfer1::DataType;

bool isFloat(DataType type) {
    return type == DataType::kFLOAT || type == DataType::kHALF || type == DataType::kBF16;
}

// For wildcard matches, trtexec leaves alone layers that do not compute on float activations (shape arithmetic,
// int32 indices, bools); an exact name is applied as given.
bool computesOnFloats(nvinfer1::ILayer& layer) {
    for (int32_t o = 0; o < layer.getNbOutputs(); ++o)
        if (layer.getOutput(o) && isFloat(layer.getOutput(o)->getType())) return true;
    return false;
}

template <typename Apply>
void forEachMatch(nvinfer1::INetworkDefinition& network, const std::string& pattern, std::vector<std::string>& notes,
                  Apply apply) {
    bool wildcard = pattern.find('*') != std::string::npos;
    int matched = 0;
    for (int32_t l = 0; l < network.getNbLayers(); ++l) {
        nvinfer1::ILayer* layer = network.getLayer(l);
        if (!matchesLayerPattern(pattern, layer->getName())) continue;
        if (wildcard && !computesOnFloats(*layer)) continue;
        apply(*layer);
        ++matched;
    }
    if (matched == 0) notes.push_back("no network layer matches '" + pattern + "'");
}

}  // namespace

void applyLegacyPrecision(nvinfer1::INetworkDefinition& network, nvinfer1::IBuilderConfig& config,
                          const LegacyPrecision& legacy, std::vector<std::string>& notes) {
    using nvinfer1::BuilderFlag;
    if (legacy.fp16) config.setFlag(BuilderFlag::kFP16);
    if (legacy.int8) config.setFlag(BuilderFlag::kINT8);
    if (legacy.bf16) config.setFlag(BuilderFlag::kBF16);
    if (legacy.constraints == "obey") config.setFlag(BuilderFlag::kOBEY_PRECISION_CONSTRAINTS);
    else if (legacy.constraints == "prefer") config.setFlag(BuilderFlag::kPREFER_PRECISION_CONSTRAINTS);
    else if (legacy.constraints != "none")
        throw AddonError(kInvalidOptions, "precision constraints must be none, prefer or obey, got '" + legacy.constraints + "'.");

    for (const auto& entry : legacy.layerPrecisions)
        forEachMatch(network, entry.first, notes, [&](nvinfer1::ILayer& layer) { layer.setPrecision(entry.second); });
    for (const auto& entry : legacy.layerOutputTypes)
        forEachMatch(network, entry.first, notes, [&](nvinfer1::ILayer& layer) {
            for (int32_t o = 0; o < layer.getNbOutputs(); ++o) layer.setOutputType(o, entry.second);
        });
    for (const auto& entry : legacy.dynamicRanges) {
        nvinfer1::ITensor* tensor = findTensor(network, entry.first);
        if (!tensor || !tensor->setDynamicRange(-entry.second, entry.second))
            notes.push_back("could not set the dynamic range of tensor '" + entry.first + "'");
    }
}

#else

void applyLegacyPrecision(nvinfer1::INetworkDefinition&, nvinfer1::IBuilderConfig&, const LegacyPrecision&,
                          std::vector<std::string>&) {
    throw AddonError(kUnsupportedOption,
                     "Per-layer precision, precision flags and INT8 dynamic ranges were removed in TensorRT 11; "
                     "express precision in the ONNX graph (Q/DQ, casts) and build strongly typed.");
}

#endif

}  // namespace pwb
