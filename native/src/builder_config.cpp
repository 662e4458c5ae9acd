#include "builder_config.h"

#include <cstring>

#include "data_types.h"
#include "errors.h"

namespace pwb {
namespace {

using nvinfer1::TacticSource;

bool tacticSourceByName(const std::string& name, TacticSource& out) {
    // Names as trtexec --tacticSources spells them, case-insensitively.
    std::string lower;
    for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
#if PWB_TRT_HAS_LIBRARY_TACTIC_SOURCES
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    if (lower == "cublas") { out = TacticSource::kCUBLAS; return true; }
    if (lower == "cublas_lt" || lower == "cublaslt") { out = TacticSource::kCUBLAS_LT; return true; }
    if (lower == "cudnn") { out = TacticSource::kCUDNN; return true; }
#pragma GCC diagnostic pop
#endif
    if (lower == "edge_mask_convolutions") { out = TacticSource::kEDGE_MASK_CONVOLUTIONS; return true; }
    if (lower == "jit_convolutions") { out = TacticSource::kJIT_CONVOLUTIONS; return true; }
    return false;
}

nvinfer1::TacticSources tacticBit(const std::string& name) {
    TacticSource source;
    if (!tacticSourceByName(name, source))
        throw AddonError(kUnsupportedOption, "Tactic source '" + name + "' does not exist in TensorRT " +
                                                 std::to_string(NV_TENSORRT_MAJOR) +
                                                 ".x (known: edge_mask_convolutions, jit_convolutions"
#if PWB_TRT_HAS_LIBRARY_TACTIC_SOURCES
                                                 ", cublas, cublas_lt, cudnn"
#endif
                                                 ").");
    return 1U << static_cast<uint32_t>(source);
}

nvinfer1::ITensor* findInput(nvinfer1::INetworkDefinition& network, const std::string& name) {
    for (int32_t i = 0; i < network.getNbInputs(); ++i)
        if (name == network.getInput(i)->getName()) return network.getInput(i);
    return nullptr;
}

void addProfiles(nvinfer1::IBuilder& builder, nvinfer1::INetworkDefinition& network, nvinfer1::IBuilderConfig& config,
                 const BuildOptions& options) {
    using nvinfer1::OptProfileSelector;
    for (std::size_t p = 0; p < options.profiles.size(); ++p) {
        nvinfer1::IOptimizationProfile* profile = builder.createOptimizationProfile();  // owned by the builder
        for (const auto& range : options.profiles[p]) {
            nvinfer1::ITensor* input = findInput(network, range.input);
            if (!input)
                throw AddonError(kInvalidOptions, "Optimization profile " + std::to_string(p) + " names input '" +
                                                      range.input + "', which the network does not have.");
            const char* name = range.input.c_str();
            bool ok = profile->setDimensions(name, OptProfileSelector::kMIN, range.min) &&
                      profile->setDimensions(name, OptProfileSelector::kOPT, range.opt) &&
                      profile->setDimensions(name, OptProfileSelector::kMAX, range.max);
            if (!ok)
                throw AddonError(kInvalidOptions, "TensorRT rejected the shape range of input '" + range.input +
                                                      "' in profile " + std::to_string(p) + ": min " +
                                                      formatDims(range.min) + ", opt " + formatDims(range.opt) +
                                                      ", max " + formatDims(range.max) + ".");
        }
        if (config.addOptimizationProfile(profile) < 0)
            throw AddonError(kInvalidOptions, "TensorRT rejected optimization profile " + std::to_string(p) +
                                                  " (every dynamic input needs a range in every profile).");
    }
}

}  // namespace

void configureBuilder(nvinfer1::IBuilder& builder, nvinfer1::INetworkDefinition& network,
                      nvinfer1::IBuilderConfig& config, const BuildOptions& options) {
    if (options.hasWorkspaceBytes)
        config.setMemoryPoolLimit(nvinfer1::MemoryPoolType::kWORKSPACE, static_cast<std::size_t>(options.workspaceBytes));
    if (options.hasOptimizationLevel) {
        if (options.optimizationLevel < 0 || options.optimizationLevel > 5)
            throw AddonError(kInvalidOptions, "Builder optimization level must be 0..5, got " +
                                                  std::to_string(options.optimizationLevel) + ".");
        config.setBuilderOptimizationLevel(options.optimizationLevel);
    }
    if (options.noTf32) config.clearFlag(nvinfer1::BuilderFlag::kTF32);
    config.setProfilingVerbosity(options.detailedProfiling ? nvinfer1::ProfilingVerbosity::kDETAILED
                                                           : nvinfer1::ProfilingVerbosity::kLAYER_NAMES_ONLY);
    if (!options.enableTacticSources.empty() || !options.disableTacticSources.empty()) {
        nvinfer1::TacticSources sources = config.getTacticSources();
        for (const auto& name : options.enableTacticSources) sources |= tacticBit(name);
        for (const auto& name : options.disableTacticSources) sources &= ~tacticBit(name);
        if (!config.setTacticSources(sources))
            throw AddonError(kInvalidOptions, "TensorRT rejected the requested tactic sources.");
    }
    addProfiles(builder, network, config, options);
}

}  // namespace pwb
