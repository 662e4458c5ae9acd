// Run-time loading of libnvinfer and libnvonnxparser (tensorrt.md §2). Only the exported C factory functions are
// looked up with dlsym; every other TensorRT call is inline header code dispatching through virtual calls, so the
// addon has no link-time dependency on TensorRT and loads (and reports TENSORRT_UNAVAILABLE) where it is absent.
#pragma once

#include <string>
#include <vector>

#include "trt_headers.h"

namespace pwb {

struct TrtLoadInfo {
    int32_t libraryVersion = 0;  // getInferLibVersion(), M*10000 + m*100 + p
    int32_t libraryMajor = 0, libraryMinor = 0, libraryPatch = 0, libraryBuild = 0;
    int32_t parserVersion = 0;
    std::string inferPath;   // what dlopen was given for libnvinfer
    std::string parserPath;  // what dlopen was given for libnvonnxparser
};

// Opens the libraries once per process (later calls return the first result). `libraryDirs` are tried in order,
// then the plain sonames (LD_LIBRARY_PATH, ldconfig cache). Throws AddonError(TENSORRT_UNAVAILABLE) with every
// path tried and what to do. After a failure everything is closed again, so a later call with other directories
// can succeed; after a success a different TensorRT needs a process restart.
TrtLoadInfo loadTensorRt(const std::vector<std::string>& libraryDirs);

// Throws TENSORRT_UNAVAILABLE unless loadTensorRt has succeeded.
const TrtLoadInfo& requireTensorRt();

// The header factories (createInferBuilder, createInferRuntime, createParser) re-implemented over the dlsym'd
// entry points. They return nullptr on failure, like the originals; the logger must outlive the object.
nvinfer1::IBuilder* createBuilder(nvinfer1::ILogger& logger);
nvinfer1::IRuntime* createRuntime(nvinfer1::ILogger& logger);
nvonnxparser::IParser* createOnnxParser(nvinfer1::INetworkDefinition& network, nvinfer1::ILogger& logger);

// Sonames this build looks for (libnvinfer.so.<NV_TENSORRT_MAJOR>, ...), for messages.
std::string inferSoname();
std::string parserSoname();

}  // namespace pwb
