#include "trt_library.h"

#include <dlfcn.h>

#include <mutex>
#include <sstream>

#include "errors.h"

namespace pwb {
namespace {

// Signatures come from the headers through decltype, so they cannot drift from the version compiled against.
using CreateBuilderFn = decltype(&::createInferBuilder_INTERNAL);
using CreateRuntimeFn = decltype(&::createInferRuntime_INTERNAL);
using CreateParserFn = decltype(&::createNvOnnxParser_INTERNAL);
using VersionFn = decltype(&::getInferLibVersion);
using PartVersionFn = decltype(&::getInferLibMajorVersion);
using ParserVersionFn = decltype(&::getNvOnnxParserVersion);
using SetInternalLibraryPathFn = bool (*)(char const*) noexcept;  // nvinfer1::setInternalLibraryPath, 10.16+

#define PWB_STR2(x) #x
#define PWB_STR(x) PWB_STR2(x)

struct Library {
    void* infer = nullptr;
    void* parser = nullptr;
    CreateBuilderFn createBuilder = nullptr;
    CreateRuntimeFn createRuntime = nullptr;
    CreateParserFn createParser = nullptr;
    bool loaded = false;
    TrtLoadInfo info;
};

std::mutex& libraryMutex() {
    static std::mutex mutex;
    return mutex;
}

Library& library() {
    static Library lib;
    return lib;
}

void closeAll(Library& lib) {
    // The parser depends on libnvinfer: close it first.
    if (lib.parser) dlclose(lib.parser);
    if (lib.infer) dlclose(lib.infer);
    lib = Library{};
}

std::string joinPath(const std::string& dir, const std::string& file) {
    if (dir.empty()) return file;
    return dir.back() == '/' ? dir + file : dir + "/" + file;
}

// Tries each directory, then the bare soname; records every attempt and dlerror() for the message.
void* openFirst(const std::string& soname, const std::vector<std::string>& dirs, std::string& opened,
                std::vector<std::string>& attempts) {
    std::vector<std::string> candidates;
    for (const auto& dir : dirs) candidates.push_back(joinPath(dir, soname));
    candidates.push_back(soname);
    for (const auto& candidate : candidates) {
        dlerror();
        void* handle = dlopen(candidate.c_str(), RTLD_LAZY | RTLD_LOCAL);
        if (handle) {
            opened = candidate;
            return handle;
        }
        const char* why = dlerror();
        attempts.push_back(candidate + ": " + (why ? why : "unknown dlopen error"));
    }
    return nullptr;
}

template <typename Fn>
Fn symbol(void* handle, const char* name, const std::string& libraryName, bool required) {
    dlerror();
    void* address = dlsym(handle, name);
    if (!address && required) {
        const char* why = dlerror();
        throw AddonError(kTensorRtUnavailable, libraryName + " was found but does not export " + name + " (" +
                                                   (why ? why : "no detail") +
                                                   "); it is not a TensorRT " PWB_STR(NV_TENSORRT_MAJOR) ".x library.");
    }
    return reinterpret_cast<Fn>(address);
}

std::string unavailableMessage(const std::string& soname, const std::vector<std::string>& attempts) {
    std::ostringstream out;
    out << "TensorRT " << NV_TENSORRT_MAJOR << ".x (" << soname << ") could not be loaded. This addon was compiled "
        << "against TensorRT " << NV_TENSORRT_MAJOR << "." << NV_TENSORRT_MINOR << "." << NV_TENSORRT_PATCH
        << " headers and needs TensorRT " << NV_TENSORRT_MAJOR << ".x with x >= " << NV_TENSORRT_MINOR
        << ". Install it and either set TENSORRT_ROOT to the installation (its lib/ directory is searched) or put "
        << "its lib directory on LD_LIBRARY_PATH before the application starts. Tried:";
    for (const auto& attempt : attempts) out << "\n  " << attempt;
    return out.str();
}

void loadInto(Library& lib, const std::vector<std::string>& dirs) {
    std::vector<std::string> attempts;
    std::string inferPath;
    lib.infer = openFirst(inferSoname(), dirs, inferPath, attempts);
    if (!lib.infer) throw AddonError(kTensorRtUnavailable, unavailableMessage(inferSoname(), attempts));

    auto major = symbol<PartVersionFn>(lib.infer, "getInferLibMajorVersion", inferPath, true);
    auto minor = symbol<PartVersionFn>(lib.infer, "getInferLibMinorVersion", inferPath, true);
    auto patch = symbol<PartVersionFn>(lib.infer, "getInferLibPatchVersion", inferPath, true);
    auto build = symbol<PartVersionFn>(lib.infer, "getInferLibBuildVersion", inferPath, false);
    auto version = symbol<VersionFn>(lib.infer, "getInferLibVersion", inferPath, true);
    TrtLoadInfo info;
    info.inferPath = inferPath;
    info.libraryMajor = major();
    info.libraryMinor = minor();
    info.libraryPatch = patch();
    info.libraryBuild = build ? build() : 0;
    info.libraryVersion = version();
    // Semver: headers of 10.Y run on 10.Z with Z >= Y only (a newer header may call vtable slots the library
    // lacks). Check before creating anything (tensorrt.md §2.5).
    if (info.libraryMajor != NV_TENSORRT_MAJOR || info.libraryMinor < NV_TENSORRT_MINOR) {
        std::ostringstream out;
        out << "TensorRT " << info.libraryMajor << "." << info.libraryMinor << "." << info.libraryPatch << " found at "
            << inferPath << ", but this addon was compiled against TensorRT " << NV_TENSORRT_MAJOR << "."
            << NV_TENSORRT_MINOR << " headers and needs " << NV_TENSORRT_MAJOR << ".x with x >= " << NV_TENSORRT_MINOR
            << ". Rebuild the addon against the installed headers (TENSORRT_ROOT=<dir> npm run build:native).";
        throw AddonError(kTensorRtUnavailable, out.str());
    }
    lib.createBuilder = symbol<CreateBuilderFn>(lib.infer, "createInferBuilder_INTERNAL", inferPath, true);
    lib.createRuntime = symbol<CreateRuntimeFn>(lib.infer, "createInferRuntime_INTERNAL", inferPath, true);

    // The builder dlopens libnvinfer_builder_resource by file name; tell 10.16+ where it is when we know.
    auto setInternalPath = symbol<SetInternalLibraryPathFn>(lib.infer, "setInternalLibraryPath", inferPath, false);
    auto slash = inferPath.rfind('/');
    if (setInternalPath && slash != std::string::npos) setInternalPath(inferPath.substr(0, slash).c_str());

    // Loaded after libnvinfer, so the parser's DT_NEEDED on libnvinfer is satisfied by the object already loaded.
    std::string parserPath;
    std::vector<std::string> parserDirs = dirs;
    if (slash != std::string::npos) parserDirs.insert(parserDirs.begin(), inferPath.substr(0, slash));
    lib.parser = openFirst(parserSoname(), parserDirs, parserPath, attempts);
    if (!lib.parser) throw AddonError(kTensorRtUnavailable, unavailableMessage(parserSoname(), attempts));
    lib.createParser = symbol<CreateParserFn>(lib.parser, "createNvOnnxParser_INTERNAL", parserPath, true);
    auto parserVersion = symbol<ParserVersionFn>(lib.parser, "getNvOnnxParserVersion", parserPath, false);
    info.parserPath = parserPath;
    info.parserVersion = parserVersion ? parserVersion() : 0;
    lib.info = info;
    lib.loaded = true;
}

}  // namespace

std::string inferSoname() { return "libnvinfer.so." PWB_STR(NV_TENSORRT_MAJOR); }
std::string parserSoname() { return "libnvonnxparser.so." PWB_STR(NV_TENSORRT_MAJOR); }

TrtLoadInfo loadTensorRt(const std::vector<std::string>& libraryDirs) {
    std::lock_guard<std::mutex> lock(libraryMutex());
    Library& lib = library();
    if (lib.loaded) return lib.info;
    try {
        loadInto(lib, libraryDirs);
    } catch (...) {
        closeAll(lib);
        throw;
    }
    return lib.info;
}

const TrtLoadInfo& requireTensorRt() {
    std::lock_guard<std::mutex> lock(libraryMutex());
    if (!library().loaded)
        throw AddonError(kTensorRtUnavailable, "TensorRT has not been loaded; call load() first and check its error.");
    return library().info;
}

nvinfer1::IBuilder* createBuilder(nvinfer1::ILogger& logger) {
    requireTensorRt();
    return static_cast<nvinfer1::IBuilder*>(library().createBuilder(&logger, NV_TENSORRT_VERSION));
}

nvinfer1::IRuntime* createRuntime(nvinfer1::ILogger& logger) {
    requireTensorRt();
    return static_cast<nvinfer1::IRuntime*>(library().createRuntime(&logger, NV_TENSORRT_VERSION));
}

nvonnxparser::IParser* createOnnxParser(nvinfer1::INetworkDefinition& network, nvinfer1::ILogger& logger) {
    requireTensorRt();
    return static_cast<nvonnxparser::IParser*>(library().createParser(&network, &logger, NV_ONNX_PARSER_VERSION));
}

}  // namespace pwb
