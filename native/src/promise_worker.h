// Async workers that settle a Promise and reject with an Error carrying `code` (AddonError's code, or
// TRT_INTERNAL for anything unexpected). Subclasses implement Work() (worker thread) and Result() (JS thread).
#pragma once

#include <napi.h>

#include <mutex>
#include <string>

#include "errors.h"
#include "job_lock.h"

namespace pwb {

Napi::Error makeCodedError(Napi::Env env, const std::string& code, const std::string& message);

template <typename Base>
class PromiseWorker : public Base {
public:
    template <typename... Args>
    explicit PromiseWorker(Napi::Env env, Args&&... args)
        : Base(std::forward<Args>(args)...), deferred_(Napi::Promise::Deferred::New(env)) {}

    Napi::Promise promise() { return deferred_.Promise(); }

protected:
    virtual void Work() = 0;
    virtual Napi::Value Result(Napi::Env env) = 0;

    void Run() {
        std::lock_guard<std::mutex> lock(jobMutex());
        try {
            Work();
        } catch (const AddonError& error) {
            code_ = error.code();
            this->SetError(error.what());
        } catch (const std::exception& error) {
            code_ = "TRT_INTERNAL";
            this->SetError(std::string("Unexpected failure in the TensorRT addon: ") + error.what());
        }
    }

    void OnOK() override { deferred_.Resolve(Result(this->Env())); }
    void OnError(const Napi::Error& error) override {
        deferred_.Reject(makeCodedError(this->Env(), code_, error.Message()).Value());
    }

private:
    Napi::Promise::Deferred deferred_;
    std::string code_ = "TRT_INTERNAL";
};

// For jobs without progress.
class SimpleWorker : public PromiseWorker<Napi::AsyncWorker> {
public:
    explicit SimpleWorker(Napi::Env env) : PromiseWorker<Napi::AsyncWorker>(env, env) {}

protected:
    void Execute() override { Run(); }
};

}  // namespace pwb
