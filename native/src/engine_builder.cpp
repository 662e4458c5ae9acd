#include "engine_builder.h"

#include <chrono>
#include <memory>

#include "builder_config.h"
#include "cuda_driver.h"
#include "errors.h"
#include "legacy_precision.h"
#include "logger.h"
#include "network_marks.h"
#include "trt_library.h"

namespace pwb {
namespace {

std::string parserErrors(nvonnxparser::IParser& parser) {
    std::string out = "The ONNX parser rejected the model";
    int count = parser.getNbErrors();
    for (int i = 0; i < count && i < 20; ++i) {
        const nvonnxparser::IParserError* error = parser.getError(i);
        out += i ? "; " : ": ";
        out += error->desc();
        if (error->nodeName() && *error->nodeName()) out += std::string(" (node '") + error->nodeName() + "'";
        else out += " (node #" + std::to_string(error->node());
        if (error->nodeOperator() && *error->nodeOperator()) out += std::string(", ") + error->nodeOperator();
        out += ")";
    }
    if (count > 20) out += "; and " + std::to_string(count - 20) + " more";
    return out + ".";
}

nvinfer1::NetworkDefinitionCreationFlags networkFlags(const BuildOptions& options) {
#if PWB_TRT_ALWAYS_STRONGLY_TYPED
    if (!options.stronglyTyped)
        throw AddonError(kUnsupportedOption, "TensorRT 11 builds every network strongly typed; weak typing is gone.");
    return 0;
#else
    return options.stronglyTyped ? 1U << static_cast<uint32_t>(nvinfer1::NetworkDefinitionCreationFlag::kSTRONGLY_TYPED) : 0U;
#endif
}

std::vector<uint8_t> copyOut(const nvinfer1::IHostMemory& memory) {
    const auto* bytes = static_cast<const uint8_t*>(memory.data());
    return std::vector<uint8_t>(bytes, bytes + memory.size());
}

}  // namespace

BuildResult buildEngine(const std::vector<uint8_t>& onnx, const BuildOptions& options) {
    auto started = std::chrono::steady_clock::now();
    requireTensorRt();
    useCudaDevice();
    BuildResult result;
    std::unique_ptr<nvinfer1::IBuilder> builder(createBuilder(logger()));
    if (!builder) throw AddonError(kBuildFailed, describeRecentErrors("createInferBuilder failed"));
    if (options.hasLegacyPrecision && options.stronglyTyped)
        throw AddonError(kInvalidOptions, "Per-layer precision and precision flags need a weakly typed build "
                                          "(stronglyTyped: false); strongly typed networks reject them.");
    std::unique_ptr<nvinfer1::INetworkDefinition> network(builder->createNetworkV2(networkFlags(options)));
    std::unique_ptr<nvonnxparser::IParser> parser(createOnnxParser(*network, logger()));
    if (!network || !parser) throw AddonError(kBuildFailed, describeRecentErrors("creating the network or parser failed"));
    if (!parser->parse(onnx.data(), onnx.size(), options.modelPath.empty() ? nullptr : options.modelPath.c_str()))
        throw AddonError(kParseFailed, parserErrors(*parser));
    result.networkLayers = network->getNbLayers();

    std::unique_ptr<nvinfer1::IBuilderConfig> config(builder->createBuilderConfig());
    configureBuilder(*builder, *network, *config, options);
    applyTensorMarks(*network, options, result.notes);
    if (options.hasLegacyPrecision) applyLegacyPrecision(*network, *config, options.legacy, result.notes);

    // The cache must outlive the build (header: "must not be destroyed until after the engine is built").
    std::unique_ptr<nvinfer1::ITimingCache> cache;
    if (options.hasTimingCache || options.returnTimingCache) {
        cache.reset(config->createTimingCache(options.timingCache.data(), options.timingCache.size()));
        if (!cache) throw AddonError(kBuildFailed, describeRecentErrors("the timing cache could not be created"));
        // ignoreMismatch=false: a cache from another TensorRT version or GPU is rejected, not silently used.
        if (!config->setTimingCache(*cache, false))
            throw AddonError(kBuildFailed, describeRecentErrors("the timing cache does not match this TensorRT/GPU"));
    }

    std::unique_ptr<nvinfer1::IHostMemory> plan(builder->buildSerializedNetwork(*network, *config));
    if (!plan || plan->size() == 0) throw AddonError(kBuildFailed, describeRecentErrors("TensorRT could not build the engine"));
    result.plan = copyOut(*plan);
    if (options.returnTimingCache && config->getTimingCache()) {
        std::unique_ptr<nvinfer1::IHostMemory> serialized(config->getTimingCache()->serialize());
        if (serialized) result.timingCache = copyOut(*serialized);
    }
    result.buildMilliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return result;
}

}  // namespace pwb
