// Writing a model directory in mlx-lm's layout, as `mlx_lm.convert` does: sanitized keys (the
// module paths, GPT-2 Conv1D weights transposed, depthwise conv kernels [C, L, 1]), safetensors
// metadata format "mlx", model.safetensors (+ shards past 5 GB) with its index, config.json with
// sorted keys, and the tokenizer files copied.
//
//  - quantize_model: every Linear and Embedding whose input width is a multiple of group_size
//    becomes codes + scales + biases (ops::quantize, MLX's affine quantizer), scales and biases in
//    the model dtype; config.json gains "quantization" and "quantization_config".
//  - dequantize_model: the reverse (mlx_lm.convert --dequantize): quantized modules become float
//    weights again and the quantization blocks are dropped.
#pragma once

#include <filesystem>
#include <optional>

#include "mlux/tensor/quantized.h"

namespace mlux::models {

struct ConvertOptions {
  QuantParams quant;            // quantize_model only
  /// Float dtype to write. quantize: every float tensor is cast to it first (default: config.json's
  /// torch_dtype / dtype, as mlx-lm does). dequantize: of the dequantized weights (default: their
  /// scales' dtype, as mx.dequantize returns).
  std::optional<DType> dtype;
};

struct ConvertReport {
  std::int64_t quantized = 0;   // matrices written quantized (quantize) or dequantized (dequantize)
  std::int64_t tensors = 0;     // tensors written
  std::uint64_t bytes = 0;      // tensor payload written
};

/// Throws Error if `src` is already quantized, `dst` exists and is not empty, or the model does
/// not load.
ConvertReport quantize_model(const std::filesystem::path& src, const std::filesystem::path& dst, const ConvertOptions& opt);
/// Throws Error if `src` is not quantized.
ConvertReport dequantize_model(const std::filesystem::path& src, const std::filesystem::path& dst, const ConvertOptions& opt);

/// "float32"/"f32", "bfloat16"/"bf16", "float16"/"f16" (config.json and CLI spellings).
std::optional<DType> float_dtype_from_name(std::string_view name);

}  // namespace mlux::models
