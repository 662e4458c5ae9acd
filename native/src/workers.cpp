#include "workers.h"

#include <memory>

#include "engine_builder.h"
#include "engine_object.h"
#include "js_convert.h"
#include "logger.h"
#include "promise_worker.h"
#include "trt_library.h"

namespace pwb {
namespace {

class LoadWorker : public SimpleWorker {
public:
    LoadWorker(Napi::Env env, std::vector<std::string> dirs) : SimpleWorker(env), dirs_(std::move(dirs)) {}

protected:
    void Work() override { info_ = loadTensorRt(dirs_); }
    Napi::Value Result(Napi::Env env) override {
        Napi::Object out = Napi::Object::New(env);
        out.Set("libraryVersion", info_.libraryVersion);
        out.Set("libraryMajor", info_.libraryMajor);
        out.Set("libraryMinor", info_.libraryMinor);
        out.Set("libraryPatch", info_.libraryPatch);
        out.Set("libraryBuild", info_.libraryBuild);
        out.Set("parserVersion", info_.parserVersion);
        out.Set("inferLibrary", info_.inferPath);
        out.Set("parserLibrary", info_.parserPath);
        return out;
    }

private:
    std::vector<std::string> dirs_;
    TrtLoadInfo info_;
};

// Streams log lines to JS while the build runs (AsyncProgressQueueWorker delivers every queued line, through a
// thread-safe function, before the promise settles).
class BuildWorker : public PromiseWorker<Napi::AsyncProgressQueueWorker<LogLine>> {
public:
    BuildWorker(Napi::Env env, std::vector<uint8_t> onnx, BuildOptions options, Napi::Function onLog)
        : PromiseWorker<Napi::AsyncProgressQueueWorker<LogLine>>(env, env),
          onnx_(std::move(onnx)),
          options_(std::move(options)) {
        if (!onLog.IsEmpty()) onLog_ = Napi::Persistent(onLog);
    }

protected:
    void Execute(const ExecutionProgress& progress) override {
        progress_ = &progress;
        Run();
        progress_ = nullptr;
    }
    void Work() override {
        int32_t threshold = options_.logSeverity < 0 ? 0 : options_.logSeverity > 4 ? 4 : options_.logSeverity;
        LogScope scope(static_cast<Severity>(threshold), [this](const LogLine& line) {
            if (progress_ && !onLog_.IsEmpty()) progress_->Send(&line, 1);
        });
        result_ = buildEngine(onnx_, options_);
    }
    void OnProgress(const LogLine* lines, size_t count) override {
        if (onLog_.IsEmpty()) return;
        Napi::Env env = Env();
        for (size_t i = 0; i < count; ++i) {
            try {
                onLog_.Call({Napi::Number::New(env, lines[i].severity), Napi::String::New(env, lines[i].message)});
            } catch (const Napi::Error&) {
                // A throwing log callback must not abort the build.
            }
        }
    }
    Napi::Value Result(Napi::Env env) override {
        Napi::Object out = Napi::Object::New(env);
        out.Set("plan", copyToArrayBuffer(env, result_.plan));
        if (options_.returnTimingCache) out.Set("timingCache", copyToArrayBuffer(env, result_.timingCache));
        Napi::Array notes = Napi::Array::New(env, result_.notes.size());
        for (uint32_t i = 0; i < result_.notes.size(); ++i) notes.Set(i, result_.notes[i]);
        out.Set("notes", notes);
        out.Set("networkLayers", result_.networkLayers);
        out.Set("buildMilliseconds", result_.buildMilliseconds);
        return out;
    }

private:
    std::vector<uint8_t> onnx_;
    BuildOptions options_;
    Napi::FunctionReference onLog_;
    const ExecutionProgress* progress_ = nullptr;
    BuildResult result_;
};

class DeserializeWorker : public SimpleWorker {
public:
    DeserializeWorker(Napi::Env env, std::vector<uint8_t> plan) : SimpleWorker(env), plan_(std::move(plan)) {}

protected:
    void Work() override {
        LogScope scope(Severity::kERROR, nullptr);
        session_ = std::make_shared<EngineSession>(plan_);
        plan_.clear();
    }
    Napi::Value Result(Napi::Env env) override { return EngineObject::Create(env, session_); }

private:
    std::vector<uint8_t> plan_;
    std::shared_ptr<EngineSession> session_;
};

template <typename Fn>
Napi::Value settleSync(Napi::Env env, Fn fn) {
    try {
        return fn();
    } catch (const AddonError& error) {
        throw makeCodedError(env, error.code(), error.what());
    }
}

}  // namespace

Napi::Value Load(const Napi::CallbackInfo& info) {
    return settleSync(info.Env(), [&]() -> Napi::Value {
        std::vector<std::string> dirs;
        if (info.Length() > 0 && info[0].IsArray()) {
            Napi::Array array = info[0].As<Napi::Array>();
            for (uint32_t i = 0; i < array.Length(); ++i) dirs.push_back(array.Get(i).ToString().Utf8Value());
        }
        auto* worker = new LoadWorker(info.Env(), std::move(dirs));
        Napi::Promise promise = worker->promise();
        worker->Queue();
        return promise;
    });
}

Napi::Value Build(const Napi::CallbackInfo& info) {
    return settleSync(info.Env(), [&]() -> Napi::Value {
        std::vector<uint8_t> onnx = readBytes(info[0], "ONNX model bytes");
        BuildOptions options = readBuildOptions(info.Length() > 1 ? info[1] : info.Env().Undefined());
        Napi::Function onLog = info.Length() > 2 && info[2].IsFunction() ? info[2].As<Napi::Function>() : Napi::Function();
        auto* worker = new BuildWorker(info.Env(), std::move(onnx), std::move(options), onLog);
        Napi::Promise promise = worker->promise();
        worker->Queue();
        return promise;
    });
}

Napi::Value Deserialize(const Napi::CallbackInfo& info) {
    return settleSync(info.Env(), [&]() -> Napi::Value {
        auto* worker = new DeserializeWorker(info.Env(), readBytes(info[0], "engine plan bytes"));
        Napi::Promise promise = worker->promise();
        worker->Queue();
        return promise;
    });
}

}  // namespace pwb
