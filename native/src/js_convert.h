// JS values <-> the plain C++ structs. Runs on the JS thread; throws AddonError(TRT_INVALID_OPTIONS) on bad input.
// Data always crosses by copy (Electron forbids external buffers; NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED is set).
#pragma once

#include <napi.h>

#include <map>
#include <string>
#include <vector>

#include "build_options.h"
#include "engine_session.h"

namespace pwb {

std::vector<uint8_t> readBytes(const Napi::Value& value, const std::string& what);
std::vector<std::string> readStrings(const Napi::Object& object, const char* key);
std::map<std::string, std::vector<int64_t>> readShapes(const Napi::Value& value);
BuildOptions readBuildOptions(const Napi::Value& value);
RunRequest readRunRequest(const Napi::Value& value);

Napi::ArrayBuffer copyToArrayBuffer(Napi::Env env, const std::vector<uint8_t>& bytes);
Napi::Array dimsToJs(Napi::Env env, const std::vector<int64_t>& dims);
Napi::Object hostTensorToJs(Napi::Env env, const HostTensor& tensor);

}  // namespace pwb
