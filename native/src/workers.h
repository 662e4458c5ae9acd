// The addon's asynchronous entry points: each returns a Promise and does its work on a libuv worker thread.
#pragma once

#include <napi.h>

namespace pwb {

// load(libraryDirs?: string[]) -> Promise<LoadInfo>
Napi::Value Load(const Napi::CallbackInfo& info);
// build(onnx: Uint8Array, options?: object, onLog?: (severity, message) => void) -> Promise<BuildResult>
Napi::Value Build(const Napi::CallbackInfo& info);
// deserialize(plan: Uint8Array) -> Promise<Engine>
Napi::Value Deserialize(const Napi::CallbackInfo& info);

}  // namespace pwb
