#include "js_convert.h"

#include <cstring>

#include "data_types.h"
#include "errors.h"

namespace pwb {
namespace {

AddonError invalid(const std::string& message) { return AddonError(kInvalidOptions, message); }

bool has(const Napi::Object& object, const char* key) {
    return object.Has(key) && !object.Get(key).IsUndefined() && !object.Get(key).IsNull();
}

double readNumber(const Napi::Object& object, const char* key) {
    Napi::Value value = object.Get(key);
    if (!value.IsNumber()) throw invalid(std::string("option '") + key + "' must be a number");
    return value.As<Napi::Number>().DoubleValue();
}

bool readBool(const Napi::Object& object, const char* key, bool fallback) {
    if (!has(object, key)) return fallback;
    Napi::Value value = object.Get(key);
    if (!value.IsBoolean()) throw invalid(std::string("option '") + key + "' must be true or false");
    return value.As<Napi::Boolean>().Value();
}

std::vector<int64_t> readDims(const Napi::Value& value, const std::string& what) {
    if (!value.IsArray()) throw invalid(what + " must be an array of integers");
    Napi::Array array = value.As<Napi::Array>();
    std::vector<int64_t> dims;
    for (uint32_t i = 0; i < array.Length(); ++i) {
        Napi::Value item = array.Get(i);
        if (!item.IsNumber()) throw invalid(what + " must be an array of integers");
        dims.push_back(item.As<Napi::Number>().Int64Value());
    }
    return dims;
}

nvinfer1::Dims toTrtDims(const std::vector<int64_t>& dims, const std::string& what) {
    if (dims.size() > static_cast<std::size_t>(nvinfer1::Dims::MAX_DIMS)) throw invalid(what + " has more than 8 dims");
    nvinfer1::Dims out{};
    out.nbDims = static_cast<int32_t>(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i) out.d[i] = dims[i];
    return out;
}

nvinfer1::DataType readPrecision(const std::string& name, const std::string& what) {
    using nvinfer1::DataType;
    if (name == "fp32" || name == "float32") return DataType::kFLOAT;
    if (name == "fp16" || name == "float16") return DataType::kHALF;
    if (name == "bf16" || name == "bfloat16") return DataType::kBF16;
    if (name == "int8") return DataType::kINT8;
    if (name == "int32") return DataType::kINT32;
    throw invalid(what + ": unknown precision '" + name + "' (fp32, fp16, bf16, int8, int32)");
}

std::vector<std::pair<std::string, nvinfer1::DataType>> readPrecisionMap(const Napi::Object& object, const char* key) {
    std::vector<std::pair<std::string, nvinfer1::DataType>> out;
    if (!has(object, key)) return out;
    Napi::Object map = object.Get(key).As<Napi::Object>();
    Napi::Array names = map.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
        std::string name = names.Get(i).As<Napi::String>().Utf8Value();
        out.emplace_back(name, readPrecision(map.Get(name).ToString().Utf8Value(), std::string(key) + "['" + name + "']"));
    }
    return out;
}

LegacyPrecision readLegacy(const Napi::Object& object) {
    LegacyPrecision legacy;
    legacy.fp16 = readBool(object, "fp16", false);
    legacy.int8 = readBool(object, "int8", false);
    legacy.bf16 = readBool(object, "bf16", false);
    if (has(object, "constraints")) legacy.constraints = object.Get("constraints").ToString().Utf8Value();
    legacy.layerPrecisions = readPrecisionMap(object, "layerPrecisions");
    legacy.layerOutputTypes = readPrecisionMap(object, "layerOutputTypes");
    if (has(object, "dynamicRanges")) {
        Napi::Object ranges = object.Get("dynamicRanges").As<Napi::Object>();
        Napi::Array names = ranges.GetPropertyNames();
        for (uint32_t i = 0; i < names.Length(); ++i) {
            std::string name = names.Get(i).As<Napi::String>().Utf8Value();
            legacy.dynamicRanges.emplace_back(name, static_cast<float>(readNumber(ranges, name.c_str())));
        }
    }
    return legacy;
}

std::vector<OptimizationProfile> readProfiles(const Napi::Value& value) {
    if (!value.IsArray()) throw invalid("option 'profiles' must be an array");
    std::vector<OptimizationProfile> profiles;
    Napi::Array array = value.As<Napi::Array>();
    for (uint32_t p = 0; p < array.Length(); ++p) {
        OptimizationProfile profile;
        Napi::Array ranges = array.Get(p).As<Napi::Array>();
        for (uint32_t r = 0; r < ranges.Length(); ++r) {
            Napi::Object range = ranges.Get(r).As<Napi::Object>();
            InputShapeRange shape;
            shape.input = range.Get("input").ToString().Utf8Value();
            std::string what = "profile " + std::to_string(p) + " input '" + shape.input + "'";
            shape.min = toTrtDims(readDims(range.Get("min"), what + " min"), what);
            shape.opt = toTrtDims(readDims(range.Get("opt"), what + " opt"), what);
            shape.max = toTrtDims(readDims(range.Get("max"), what + " max"), what);
            profile.push_back(shape);
        }
        profiles.push_back(std::move(profile));
    }
    return profiles;
}

}  // namespace

std::vector<uint8_t> readBytes(const Napi::Value& value, const std::string& what) {
    if (value.IsTypedArray()) {
        Napi::TypedArray array = value.As<Napi::TypedArray>();
        const uint8_t* start = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
        return std::vector<uint8_t>(start, start + array.ByteLength());
    }
    if (value.IsArrayBuffer()) {
        Napi::ArrayBuffer buffer = value.As<Napi::ArrayBuffer>();
        const uint8_t* start = static_cast<const uint8_t*>(buffer.Data());
        return std::vector<uint8_t>(start, start + buffer.ByteLength());
    }
    throw invalid(what + " must be a typed array or ArrayBuffer");
}

std::vector<std::string> readStrings(const Napi::Object& object, const char* key) {
    std::vector<std::string> out;
    if (!has(object, key)) return out;
    Napi::Value value = object.Get(key);
    if (!value.IsArray()) throw invalid(std::string("option '") + key + "' must be an array of strings");
    Napi::Array array = value.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(array.Get(i).ToString().Utf8Value());
    return out;
}

std::map<std::string, std::vector<int64_t>> readShapes(const Napi::Value& value) {
    std::map<std::string, std::vector<int64_t>> out;
    if (value.IsUndefined() || value.IsNull()) return out;
    if (!value.IsObject()) throw invalid("shapes must be an object of input name -> dims");
    Napi::Object object = value.As<Napi::Object>();
    Napi::Array names = object.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
        std::string name = names.Get(i).As<Napi::String>().Utf8Value();
        out[name] = readDims(object.Get(name), "shape of '" + name + "'");
    }
    return out;
}

BuildOptions readBuildOptions(const Napi::Value& value) {
    BuildOptions options;
    if (value.IsUndefined() || value.IsNull()) return options;
    if (!value.IsObject()) throw invalid("build options must be an object");
    Napi::Object object = value.As<Napi::Object>();
    options.stronglyTyped = readBool(object, "stronglyTyped", true);
    if (has(object, "workspaceBytes")) {
        double bytes = readNumber(object, "workspaceBytes");
        if (bytes < 0) throw invalid("workspaceBytes must be >= 0");
        options.hasWorkspaceBytes = true;
        options.workspaceBytes = static_cast<uint64_t>(bytes);
    }
    if (has(object, "optimizationLevel")) {
        options.hasOptimizationLevel = true;
        options.optimizationLevel = static_cast<int32_t>(readNumber(object, "optimizationLevel"));
    }
    if (has(object, "profiles")) options.profiles = readProfiles(object.Get("profiles"));
    if (has(object, "timingCache")) {
        options.hasTimingCache = true;
        options.timingCache = readBytes(object.Get("timingCache"), "timingCache");
    }
    options.returnTimingCache = readBool(object, "returnTimingCache", false);
    options.noTf32 = readBool(object, "noTF32", false);
    options.enableTacticSources = readStrings(object, "enableTacticSources");
    options.disableTacticSources = readStrings(object, "disableTacticSources");
    if (has(object, "logSeverity")) options.logSeverity = static_cast<int32_t>(readNumber(object, "logSeverity"));
    options.detailedProfiling = readBool(object, "detailedProfiling", true);
    options.markUnfusedDebugTensors = readBool(object, "markUnfusedDebugTensors", false);
    options.debugTensors = readStrings(object, "debugTensors");
    options.extraOutputs = readStrings(object, "extraOutputs");
    if (has(object, "legacyPrecision")) {
        options.hasLegacyPrecision = true;
        options.legacy = readLegacy(object.Get("legacyPrecision").As<Napi::Object>());
    }
    if (has(object, "modelPath")) options.modelPath = object.Get("modelPath").ToString().Utf8Value();
    return options;
}

RunRequest readRunRequest(const Napi::Value& value) {
    if (!value.IsObject()) throw invalid("run request must be an object");
    Napi::Object object = value.As<Napi::Object>();
    RunRequest request;
    if (!object.Get("inputs").IsArray()) throw invalid("run request needs an 'inputs' array");
    Napi::Array inputs = object.Get("inputs").As<Napi::Array>();
    for (uint32_t i = 0; i < inputs.Length(); ++i) {
        Napi::Object input = inputs.Get(i).As<Napi::Object>();
        RunInput item;
        item.name = input.Get("name").ToString().Utf8Value();
        item.dims = readDims(input.Get("dims"), "dims of input '" + item.name + "'");
        item.dataType = input.Get("dataType").ToString().Utf8Value();
        item.bytes = readBytes(input.Get("data"), "data of input '" + item.name + "'");
        request.inputs.push_back(std::move(item));
    }
    request.captureDebugTensors = readBool(object, "captureDebugTensors", false);
    request.debugTensorNames = readStrings(object, "debugTensorNames");
    if (has(object, "maxDebugBytes")) request.maxDebugBytes = static_cast<uint64_t>(readNumber(object, "maxDebugBytes"));
    request.profile = readBool(object, "profile", false);
    if (has(object, "iterations")) request.iterations = static_cast<int32_t>(readNumber(object, "iterations"));
    return request;
}

Napi::ArrayBuffer copyToArrayBuffer(Napi::Env env, const std::vector<uint8_t>& bytes) {
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, bytes.size());
    if (!bytes.empty()) std::memcpy(buffer.Data(), bytes.data(), bytes.size());
    return buffer;
}

Napi::Array dimsToJs(Napi::Env env, const std::vector<int64_t>& dims) {
    Napi::Array array = Napi::Array::New(env, dims.size());
    for (uint32_t i = 0; i < dims.size(); ++i) array.Set(i, Napi::Number::New(env, static_cast<double>(dims[i])));
    return array;
}

Napi::Object hostTensorToJs(Napi::Env env, const HostTensor& tensor) {
    Napi::Object object = Napi::Object::New(env);
    object.Set("name", tensor.name);
    object.Set("dataType", dataTypeName(tensor.type));
    object.Set("dims", dimsToJs(env, tensor.dims));
    object.Set("data", copyToArrayBuffer(env, tensor.bytes));
    if (!tensor.skipped.empty()) object.Set("skipped", tensor.skipped);
    return object;
}

}  // namespace pwb
