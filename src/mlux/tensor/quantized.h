// QuantizedTensor: a matrix [O, I] stored the way MLX quantizes weights (mx.quantize, affine mode):
// each row cut into groups of `group_size` inputs, each element an unsigned `bits`-bit code, and
//
//     w[o, i] = scales[o, i / group_size] · q[o, i] + biases[o, i / group_size]
//
// Codes are one LSB-first bit stream per row (code i occupies stream bits [i·bits, (i+1)·bits),
// stream bit s is bit s % 8 of byte s / 8), stored as little-endian u32 words. For bits 2/4/8 that
// is "element 0 in the lowest bits of word 0"; for 3/5/6 codes straddle bytes and words. The math
// on it lives in ops (quantize, dequantize, linear, take).
#pragma once

#include <optional>
#include <string_view>

#include "mlux/tensor/tensor.h"

namespace mlux {

/// MLX's quantization modes. Only affine has kernels in mlux; the others are recognised so
/// errors can name them.
enum class QuantMode { affine, mxfp4, nvfp4, mxfp8 };

std::string_view quant_mode_name(QuantMode m);
/// "affine", "mxfp4", ... (config.json's "mode"); nullopt for anything else.
std::optional<QuantMode> quant_mode_from_name(std::string_view name);

struct QuantParams {
  int bits = 4;          // 2, 3, 4, 5, 6 or 8
  int group_size = 64;   // 32, 64 or 128
  QuantMode mode = QuantMode::affine;
  bool operator==(const QuantParams&) const = default;
};

struct QuantizedTensor {
  Tensor weight;   // u32 [O, I·bits/32], the packed codes
  Tensor scales;   // [O, I/group_size] f32, f16 or bf16
  Tensor biases;   // [O, I/group_size], the dtype of scales
  QuantParams params;

  std::int64_t rows() const { return weight.dim(0); }                          // O
  std::int64_t cols() const { return weight.dim(1) * 32 / params.bits; }      // I
};

}  // namespace mlux
