// TensorRT 10.x weak typing: per-layer precision, output types, INT8 dynamic ranges and the precision flags.
// Deprecated in 10.12 and removed in 11.0; with 11.x headers applyLegacyPrecision throws TRT_OPTION_UNSUPPORTED.
#pragma once

#include <string>
#include <vector>

#include "build_options.h"

namespace pwb {

// The network must be weakly typed (stronglyTyped = false). Unmatched names are reported in `notes`.
void applyLegacyPrecision(nvinfer1::INetworkDefinition& network, nvinfer1::IBuilderConfig& config,
                          const LegacyPrecision& legacy, std::vector<std::string>& notes);

// trtexec-style name match: exact, or one '*' matching any run of characters.
bool matchesLayerPattern(const std::string& pattern, const std::string& name);

}  // namespace pwb
