// One TensorRT job (build, deserialize, run, inspect) at a time per process: the logger is process-global, and a
// build saturates the GPU anyway. Workers hold this lock for the whole of Execute().
#pragma once

#include <mutex>

namespace pwb {

inline std::mutex& jobMutex() {
    static std::mutex mutex;
    return mutex;
}

}  // namespace pwb
