// The JS `Engine` object: wraps a shared EngineSession. Workers hold their own reference, so release() while a run
// is in flight frees the engine when that run finishes.
#pragma once

#include <napi.h>

#include <memory>

#include "engine_session.h"

namespace pwb {

class EngineObject : public Napi::ObjectWrap<EngineObject> {
public:
    static void Register(Napi::Env env, Napi::Object exports);
    static Napi::Object Create(Napi::Env env, std::shared_ptr<EngineSession> session);
    explicit EngineObject(const Napi::CallbackInfo& info);

private:
    std::shared_ptr<EngineSession> session(Napi::Env env) const;
    Napi::Value IoTensors(const Napi::CallbackInfo& info);
    Napi::Value LayerCount(const Napi::CallbackInfo& info);
    Napi::Value Inspect(const Napi::CallbackInfo& info);
    Napi::Value Run(const Napi::CallbackInfo& info);
    Napi::Value Release(const Napi::CallbackInfo& info);

    std::shared_ptr<EngineSession> session_;
};

}  // namespace pwb
