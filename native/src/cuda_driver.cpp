#include "cuda_driver.h"

#include <dlfcn.h>

#include <mutex>

#include "errors.h"

namespace pwb {
namespace {

// cuda.h maps e.g. cuMemAlloc to cuMemAlloc_v2 by macro; PWB_CU_NAME expands the macro first so dlsym asks for
// the versioned symbol the header's prototype describes.
#define PWB_CU_STR2(x) #x
#define PWB_CU_NAME(x) PWB_CU_STR2(x)

struct Driver {
    void* handle = nullptr;
    decltype(&::cuInit) init = nullptr;
    decltype(&::cuDeviceGet) deviceGet = nullptr;
    decltype(&::cuDeviceGetName) deviceGetName = nullptr;
    decltype(&::cuDevicePrimaryCtxRetain) primaryCtxRetain = nullptr;
    decltype(&::cuCtxSetCurrent) ctxSetCurrent = nullptr;
    decltype(&::cuMemAlloc) memAlloc = nullptr;
    decltype(&::cuMemFree) memFree = nullptr;
    decltype(&::cuMemcpyHtoDAsync) memcpyHtoDAsync = nullptr;
    decltype(&::cuMemcpyDtoHAsync) memcpyDtoHAsync = nullptr;
    decltype(&::cuStreamCreate) streamCreate = nullptr;
    decltype(&::cuStreamSynchronize) streamSynchronize = nullptr;
    decltype(&::cuStreamDestroy) streamDestroy = nullptr;
    decltype(&::cuGetErrorString) getErrorString = nullptr;
    CUdevice device = 0;
    CUcontext context = nullptr;
};

template <typename Fn>
void bind(void* handle, Fn& target, const char* name) {
    target = reinterpret_cast<Fn>(dlsym(handle, name));
    if (!target)
        throw AddonError(kCudaUnavailable, std::string("libcuda.so.1 does not export ") + name +
                                               "; the NVIDIA driver is too old or broken.");
}

std::string describe(const Driver& driver, CUresult result) {
    const char* text = nullptr;
    if (driver.getErrorString) driver.getErrorString(result, &text);
    return std::string(text ? text : "unknown CUDA error") + " (CUresult " + std::to_string(static_cast<int>(result)) +
           ")";
}

Driver& openDriver() {
    static Driver driver;
    static std::once_flag once;
    static std::string failure;
    std::call_once(once, [] {
        try {
            driver.handle = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
            if (!driver.handle) {
                const char* why = dlerror();
                throw AddonError(kCudaUnavailable, std::string("The NVIDIA driver library libcuda.so.1 could not be "
                                                               "loaded (") +
                                                       (why ? why : "no detail") +
                                                       "). TensorRT needs an NVIDIA GPU with its driver installed.");
            }
            bind(driver.handle, driver.init, PWB_CU_NAME(cuInit));
            bind(driver.handle, driver.deviceGet, PWB_CU_NAME(cuDeviceGet));
            bind(driver.handle, driver.deviceGetName, PWB_CU_NAME(cuDeviceGetName));
            bind(driver.handle, driver.primaryCtxRetain, PWB_CU_NAME(cuDevicePrimaryCtxRetain));
            bind(driver.handle, driver.ctxSetCurrent, PWB_CU_NAME(cuCtxSetCurrent));
            bind(driver.handle, driver.memAlloc, PWB_CU_NAME(cuMemAlloc));
            bind(driver.handle, driver.memFree, PWB_CU_NAME(cuMemFree));
            bind(driver.handle, driver.memcpyHtoDAsync, PWB_CU_NAME(cuMemcpyHtoDAsync));
            bind(driver.handle, driver.memcpyDtoHAsync, PWB_CU_NAME(cuMemcpyDtoHAsync));
            bind(driver.handle, driver.streamCreate, PWB_CU_NAME(cuStreamCreate));
            bind(driver.handle, driver.streamSynchronize, PWB_CU_NAME(cuStreamSynchronize));
            bind(driver.handle, driver.streamDestroy, PWB_CU_NAME(cuStreamDestroy));
            bind(driver.handle, driver.getErrorString, PWB_CU_NAME(cuGetErrorString));
            CUresult result = driver.init(0);
            if (result == CUDA_SUCCESS) result = driver.deviceGet(&driver.device, 0);
            if (result == CUDA_SUCCESS) result = driver.primaryCtxRetain(&driver.context, driver.device);
            if (result != CUDA_SUCCESS)
                throw AddonError(kCudaUnavailable, "No usable CUDA device: " + describe(driver, result));
        } catch (const AddonError& error) {
            failure = error.what();
        }
    });
    if (!failure.empty()) throw AddonError(kCudaUnavailable, failure);
    return driver;
}

void check(CUresult result, const char* what) {
    if (result != CUDA_SUCCESS) throw AddonError(kRunFailed, std::string(what) + " failed: " + describe(openDriver(), result));
}

}  // namespace

void useCudaDevice() {
    Driver& driver = openDriver();
    check(driver.ctxSetCurrent(driver.context), "cuCtxSetCurrent");
}

std::string cudaDeviceName() {
    try {
        Driver& driver = openDriver();
        char name[256] = {0};
        if (driver.deviceGetName(name, sizeof(name) - 1, driver.device) == CUDA_SUCCESS) return name;
    } catch (const AddonError&) {
    }
    return "";
}

DeviceBuffer::DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
    // Zero-sized tensors still need a valid, distinct address.
    check(openDriver().memAlloc(&pointer_, bytes == 0 ? 256 : bytes), "cuMemAlloc");
}

DeviceBuffer::~DeviceBuffer() {
    if (pointer_) openDriver().memFree(pointer_);
}

CudaStream::CudaStream() { check(openDriver().streamCreate(&stream_, CU_STREAM_NON_BLOCKING), "cuStreamCreate"); }

CudaStream::~CudaStream() {
    if (stream_) openDriver().streamDestroy(stream_);
}

void CudaStream::synchronize() const { synchronizeStream(stream_); }

void copyHostToDevice(void* device, const void* host, std::size_t bytes, CUstream stream) {
    if (bytes == 0) return;
    check(openDriver().memcpyHtoDAsync(reinterpret_cast<CUdeviceptr>(device), host, bytes, stream), "cuMemcpyHtoDAsync");
}

void copyDeviceToHost(void* host, const void* device, std::size_t bytes, CUstream stream) {
    if (bytes == 0) return;
    check(openDriver().memcpyDtoHAsync(host, reinterpret_cast<CUdeviceptr>(device), bytes, stream), "cuMemcpyDtoHAsync");
}

void synchronizeStream(CUstream stream) { check(openDriver().streamSynchronize(stream), "cuStreamSynchronize"); }

}  // namespace pwb
