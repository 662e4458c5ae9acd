// Module entry. Requiring the .node never touches TensorRT: libraries are opened by load(), so a machine without
// TensorRT gets a TENSORRT_UNAVAILABLE error from load() instead of a failed require().
#include <napi.h>

#include "engine_object.h"
#include "promise_worker.h"
#include "trt_library.h"
#include "workers.h"

namespace pwb {

Napi::Error makeCodedError(Napi::Env env, const std::string& code, const std::string& message) {
    Napi::Error error = Napi::Error::New(env, message);
    error.Set("code", Napi::String::New(env, code));
    return error;
}

namespace {

Napi::Object headerVersion(Napi::Env env) {
    Napi::Object version = Napi::Object::New(env);
    version.Set("major", NV_TENSORRT_MAJOR);
    version.Set("minor", NV_TENSORRT_MINOR);
    version.Set("patch", NV_TENSORRT_PATCH);
    version.Set("build", NV_TENSORRT_BUILD);
    return version;
}

Napi::Object features(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("legacyPrecision", static_cast<bool>(PWB_TRT_HAS_LEGACY_PRECISION));
    out.Set("unfusedDebugTensors", static_cast<bool>(PWB_TRT_HAS_UNFUSED_DEBUG_TENSORS));
    out.Set("libraryTacticSources", static_cast<bool>(PWB_TRT_HAS_LIBRARY_TACTIC_SOURCES));
    out.Set("weakTyping", !static_cast<bool>(PWB_TRT_ALWAYS_STRONGLY_TYPED));
    return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("headerVersion", headerVersion(env));
    exports.Set("features", features(env));
    Napi::Object sonames = Napi::Object::New(env);
    sonames.Set("infer", inferSoname());
    sonames.Set("parser", parserSoname());
    exports.Set("sonames", sonames);
    exports.Set("load", Napi::Function::New(env, Load, "load"));
    exports.Set("build", Napi::Function::New(env, Build, "build"));
    exports.Set("deserialize", Napi::Function::New(env, Deserialize, "deserialize"));
    EngineObject::Register(env, exports);
    return exports;
}

}  // namespace
}  // namespace pwb

// NODE_API_MODULE pastes the function name into an identifier, so it needs an unqualified one.
static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return pwb::Init(env, exports); }

NODE_API_MODULE(pwb_trt, InitModule)
