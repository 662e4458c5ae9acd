#include "engine_object.h"

#include "data_types.h"
#include "js_convert.h"
#include "logger.h"
#include "promise_worker.h"

namespace pwb {
namespace {

struct InstanceData {
    Napi::FunctionReference engineConstructor;
};

class InspectWorker : public SimpleWorker {
public:
    InspectWorker(Napi::Env env, std::shared_ptr<EngineSession> session, std::map<std::string, std::vector<int64_t>> shapes)
        : SimpleWorker(env), session_(std::move(session)), shapes_(std::move(shapes)) {}

protected:
    void Work() override {
        LogScope scope(Severity::kERROR, nullptr);
        json_ = session_->inspect(shapes_);
    }
    Napi::Value Result(Napi::Env env) override { return Napi::String::New(env, json_); }

private:
    std::shared_ptr<EngineSession> session_;
    std::map<std::string, std::vector<int64_t>> shapes_;
    std::string json_;
};

class RunWorker : public SimpleWorker {
public:
    RunWorker(Napi::Env env, std::shared_ptr<EngineSession> session, RunRequest request)
        : SimpleWorker(env), session_(std::move(session)), request_(std::move(request)) {}

protected:
    void Work() override {
        LogScope scope(Severity::kERROR, nullptr);
        result_ = session_->run(request_);
        request_.inputs.clear();
    }
    Napi::Value Result(Napi::Env env) override {
        Napi::Object out = Napi::Object::New(env);
        Napi::Array outputs = Napi::Array::New(env, result_.outputs.size());
        for (uint32_t i = 0; i < result_.outputs.size(); ++i) outputs.Set(i, hostTensorToJs(env, result_.outputs[i]));
        Napi::Array debug = Napi::Array::New(env, result_.debugTensors.size());
        for (uint32_t i = 0; i < result_.debugTensors.size(); ++i) debug.Set(i, hostTensorToJs(env, result_.debugTensors[i]));
        Napi::Array times = Napi::Array::New(env, result_.layerTimes.size());
        for (uint32_t i = 0; i < result_.layerTimes.size(); ++i) {
            Napi::Object time = Napi::Object::New(env);
            time.Set("name", result_.layerTimes[i].first);
            time.Set("ms", result_.layerTimes[i].second);
            times.Set(i, time);
        }
        out.Set("outputs", outputs);
        out.Set("debugTensors", debug);
        out.Set("layerTimes", times);
        return out;
    }

private:
    std::shared_ptr<EngineSession> session_;
    RunRequest request_;
    RunResult result_;
};

template <typename Fn>
Napi::Value rethrowCoded(Napi::Env env, Fn fn) {
    try {
        return fn();
    } catch (const AddonError& error) {
        throw makeCodedError(env, error.code(), error.what());
    }
}

}  // namespace

void EngineObject::Register(Napi::Env env, Napi::Object exports) {
    Napi::Function constructor = DefineClass(env, "Engine",
                                             {InstanceMethod("ioTensors", &EngineObject::IoTensors),
                                              InstanceMethod("layerCount", &EngineObject::LayerCount),
                                              InstanceMethod("inspect", &EngineObject::Inspect),
                                              InstanceMethod("run", &EngineObject::Run),
                                              InstanceMethod("release", &EngineObject::Release)});
    auto* data = new InstanceData{Napi::Persistent(constructor)};
    env.SetInstanceData(data);  // freed by node-addon-api when the environment goes away
    exports.Set("Engine", constructor);
}

Napi::Object EngineObject::Create(Napi::Env env, std::shared_ptr<EngineSession> session) {
    Napi::Object object = env.GetInstanceData<InstanceData>()->engineConstructor.New({});
    EngineObject::Unwrap(object)->session_ = std::move(session);
    return object;
}

EngineObject::EngineObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineObject>(info) {}

std::shared_ptr<EngineSession> EngineObject::session(Napi::Env env) const {
    if (!session_) throw makeCodedError(env, kReleased, "This TensorRT engine was released (or never deserialized).");
    return session_;
}

Napi::Value EngineObject::IoTensors(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto tensors = session(env)->ioTensors();
    Napi::Array out = Napi::Array::New(env, tensors.size());
    for (uint32_t i = 0; i < tensors.size(); ++i) {
        Napi::Object tensor = Napi::Object::New(env);
        tensor.Set("name", tensors[i].name);
        tensor.Set("mode", tensors[i].isInput ? "input" : "output");
        tensor.Set("dataType", dataTypeName(tensors[i].type));
        tensor.Set("shape", dimsToJs(env, tensors[i].shape));
        out.Set(i, tensor);
    }
    return out;
}

Napi::Value EngineObject::LayerCount(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), session(info.Env())->layerCount());
}

Napi::Value EngineObject::Inspect(const Napi::CallbackInfo& info) {
    return rethrowCoded(info.Env(), [&]() -> Napi::Value {
        auto* worker = new InspectWorker(info.Env(), session(info.Env()), readShapes(info[0]));
        Napi::Promise promise = worker->promise();
        worker->Queue();
        return promise;
    });
}

Napi::Value EngineObject::Run(const Napi::CallbackInfo& info) {
    return rethrowCoded(info.Env(), [&]() -> Napi::Value {
        auto* worker = new RunWorker(info.Env(), session(info.Env()), readRunRequest(info[0]));
        Napi::Promise promise = worker->promise();
        worker->Queue();
        return promise;
    });
}

Napi::Value EngineObject::Release(const Napi::CallbackInfo& info) {
    session_.reset();
    return info.Env().Undefined();
}

}  // namespace pwb
