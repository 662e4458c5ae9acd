#include "data_types.h"

namespace pwb {

using nvinfer1::DataType;

const char* dataTypeName(DataType type) {
    switch (type) {
        case DataType::kFLOAT: return "float32";
        case DataType::kHALF: return "float16";
        case DataType::kINT8: return "int8";
        case DataType::kINT32: return "int32";
        case DataType::kBOOL: return "bool";
        case DataType::kUINT8: return "uint8";
        case DataType::kFP8: return "fp8";
        case DataType::kBF16: return "bfloat16";
        case DataType::kINT64: return "int64";
        case DataType::kINT4: return "int4";
        case DataType::kFP4: return "fp4";
        default: return "unknown";
    }
}

std::size_t elementSize(DataType type) {
    switch (type) {
        case DataType::kFLOAT:
        case DataType::kINT32: return 4;
        case DataType::kHALF:
        case DataType::kBF16: return 2;
        case DataType::kINT8:
        case DataType::kBOOL:
        case DataType::kUINT8:
        case DataType::kFP8: return 1;
        case DataType::kINT64: return 8;
        default: return 0;
    }
}

int64_t volume(const nvinfer1::Dims& dims) {
    int64_t product = 1;
    for (int32_t i = 0; i < dims.nbDims; ++i) {
        if (dims.d[i] < 0) return -1;
        product *= dims.d[i];
    }
    return product;
}

std::string formatDims(const nvinfer1::Dims& dims) {
    std::string out = "[";
    for (int32_t i = 0; i < dims.nbDims; ++i) out += (i ? "," : "") + std::to_string(dims.d[i]);
    return out + "]";
}

}  // namespace pwb
