// Applies BuildOptions to an IBuilderConfig: memory, optimization level, profiles, tactic sources, verbosity.
#pragma once

#include <vector>

#include "build_options.h"

namespace pwb {

void configureBuilder(nvinfer1::IBuilder& builder, nvinfer1::INetworkDefinition& network,
                      nvinfer1::IBuilderConfig& config, const BuildOptions& options);

}  // namespace pwb
