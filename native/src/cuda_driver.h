// Device memory, streams and copies through the CUDA *driver* API (libcuda.so.1), opened at run time.
// Why the driver and not libcudart (tensorrt.md §2.5 options a/b): libcuda.so.1 ships with every NVIDIA driver and
// is ABI-stable, while a libcudart must match the CUDA major TensorRT was built for (10.x has CUDA 12 and 13
// builds). cudaStream_t and CUstream are the same type, and the runtime TensorRT uses shares the device's primary
// context, which we make current on every worker thread.
#pragma once

#include <cuda.h>

#include <cstddef>
#include <string>

namespace pwb {

// Opens libcuda.so.1 (once), initialises the driver, retains device 0's primary context and makes it current on
// the calling thread (the current context is per thread, so every worker calls this first). Throws
// AddonError(TRT_CUDA_UNAVAILABLE) when there is no driver or no device.
void useCudaDevice();

// Name of device 0, for build metadata ("" when unknown).
std::string cudaDeviceName();

// Device allocation owned by this object (cuMemAlloc: 256-byte aligned, as setTensorAddress requires).
class DeviceBuffer {
public:
    explicit DeviceBuffer(std::size_t bytes);
    ~DeviceBuffer();
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    void* get() const { return reinterpret_cast<void*>(pointer_); }
    std::size_t size() const { return bytes_; }

private:
    CUdeviceptr pointer_ = 0;
    std::size_t bytes_ = 0;
};

// A non-blocking stream (enqueueV3 should not use the legacy default stream).
class CudaStream {
public:
    CudaStream();
    ~CudaStream();
    CudaStream(const CudaStream&) = delete;
    CudaStream& operator=(const CudaStream&) = delete;
    CUstream get() const { return stream_; }
    void synchronize() const;

private:
    CUstream stream_ = nullptr;
};

void copyHostToDevice(void* device, const void* host, std::size_t bytes, CUstream stream);
void copyDeviceToHost(void* host, const void* device, std::size_t bytes, CUstream stream);
void synchronizeStream(CUstream stream);

}  // namespace pwb
