// Scalar reference kernels for quantized matrices: packing, MLX's affine quantizer, dequantization
// and the GEMV oracle (double accumulation of the dequantized values).
#include "mlux/ops/cpu/quant.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "mlux/tensor/half.h"

namespace mlux::ops::cpu {
namespace {

float load_scale(DType t, const std::byte* base, std::int64_t i) {
  if (t == DType::f32) {
    float f;
    std::memcpy(&f, base + 4 * i, 4);
    return f;
  }
  std::uint16_t h;
  std::memcpy(&h, base + 2 * i, 2);
  return t == DType::bf16 ? bf16_to_f32(h) : f16_to_f32(h);
}

// One group of `g` floats → codes, scale, bias (mlx/backend/cpu/quantized.cpp::quantize).
void quantize_group(const float* w, int g, int bits, std::uint8_t* codes, float& scale_out, float& bias_out) {
  const float n_bins = float((1 << bits) - 1);
  const float eps = 1e-7f;
  float w_min = std::numeric_limits<float>::infinity(), w_max = -w_min;
  for (int j = 0; j < g; ++j) {
    w_max = std::max(w_max, w[j]);
    w_min = std::min(w_min, w[j]);
  }
  const bool mask = std::fabs(w_min) > std::fabs(w_max);
  float scale = std::max((w_max - w_min) / n_bins, eps);
  scale = mask ? scale : -scale;
  const float edge = mask ? w_min : w_max;
  const float q0 = std::rint(edge / scale);  // ties to even (default rounding mode)
  float bias = 0;
  if (q0 != 0) {
    scale = edge / q0;
    bias = edge;
  }
  for (int j = 0; j < g; ++j) {
    const float q = std::min(std::max(std::rint((w[j] - bias) / scale), 0.0f), n_bins);
    codes[j] = std::uint8_t(q);
  }
  scale_out = scale;
  bias_out = bias;
}

}  // namespace

std::uint32_t unpack_code(const std::uint8_t* row, std::int64_t i, int bits) {
  const std::int64_t bit = i * bits;
  const std::int64_t byte = bit / 8;
  const int shift = int(bit % 8);
  // A code spans at most two bytes (bits ≤ 8), and never reads past the row when it does not.
  std::uint32_t v = row[byte];
  if (shift + bits > 8) v |= std::uint32_t(row[byte + 1]) << 8;
  return (v >> shift) & ((1u << bits) - 1);
}

void pack_codes(const std::uint8_t* codes, std::int64_t n, int bits, std::uint8_t* out) {
  std::memset(out, 0, std::size_t(n * bits / 8));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t bit = i * bits;
    const std::uint32_t v = std::uint32_t(codes[i]) << (bit % 8);
    out[bit / 8] |= std::uint8_t(v & 0xff);
    if (bit % 8 + bits > 8) out[bit / 8 + 1] |= std::uint8_t(v >> 8);
  }
}

void quantize_rows_ref(const float* w, std::int64_t rows, std::int64_t K, int bits, int group_size,
                       std::uint8_t* codes, float* scales, float* biases) {
  const std::int64_t groups = K / group_size, row_bytes = K * bits / 8;
  std::uint8_t q[128];
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t g = 0; g < groups; ++g) {
      quantize_group(w + r * K + g * group_size, group_size, bits, q, scales[r * groups + g], biases[r * groups + g]);
      // group_size·bits is a multiple of 8: every group starts on a byte boundary.
      pack_codes(q, group_size, bits, codes + r * row_bytes + g * group_size * bits / 8);
    }
  }
}

void dequantize_rows_ref(const QuantRows& w, std::int64_t n_begin, std::int64_t rows, float* dst) {
  const std::int64_t groups = w.groups();
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int64_t n = n_begin + r;
    const auto* row = reinterpret_cast<const std::uint8_t*>(w.codes + n * w.code_row_bytes());
    for (std::int64_t k = 0; k < w.K; ++k) {
      const std::int64_t g = n * groups + k / w.group_size;
      const float s = load_scale(w.scale_type, w.scales, g), b = load_scale(w.scale_type, w.biases, g);
      dst[r * w.K + k] = std::fma(s, float(unpack_code(row, k, w.bits)), b);
    }
  }
}

void gemv_quant_ref(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n_begin, std::int64_t n_end,
                    float* y, std::int64_t ldy) {
  const std::int64_t groups = w.groups();
  for (std::int64_t n = n_begin; n < n_end; ++n) {
    const auto* row = reinterpret_cast<const std::uint8_t*>(w.codes + n * w.code_row_bytes());
    for (std::int64_t m = 0; m < M; ++m) {
      double acc = 0;
      for (std::int64_t k = 0; k < w.K; ++k) {
        const std::int64_t g = n * groups + k / w.group_size;
        const float v = std::fma(load_scale(w.scale_type, w.scales, g), float(unpack_code(row, k, w.bits)),
                                 load_scale(w.scale_type, w.biases, g));
        acc += double(x[m * w.K + k]) * v;
      }
      y[m * ldy + n] = float(acc);
    }
  }
}

void quantize_activations(const float* x, std::int64_t M, std::int64_t K, int group_size, std::int8_t* xq, float* d,
                          float* xsum) {
  for (std::int64_t b = 0; b < M * K / kActivationBlock; ++b) {
    const float* xb = x + b * kActivationBlock;
    float amax = 0;
    for (int i = 0; i < kActivationBlock; ++i) amax = std::max(amax, std::fabs(xb[i]));
    d[b] = amax / 127.0f;
    for (int i = 0; i < kActivationBlock; ++i)
      xq[b * kActivationBlock + i] = std::int8_t(d[b] > 0 ? std::min(127.0f, std::max(-127.0f, std::rint(xb[i] / d[b]))) : 0.0f);
  }
  for (std::int64_t g = 0; g < M * K / group_size; ++g) {
    float s = 0;
    for (int i = 0; i < group_size; ++i) s += x[g * group_size + i];
    xsum[g] = s;
  }
}

void gemv_quant_int8_ref(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n_begin, std::int64_t n_end,
                         float* y, std::int64_t ldy) {
  const std::int64_t groups = w.groups(), blocks = w.K / kActivationBlock;
  std::vector<std::int8_t> xq(std::size_t(M * w.K));
  std::vector<float> d(std::size_t(M * blocks)), xsum(std::size_t(M * groups));
  quantize_activations(x, M, w.K, w.group_size, xq.data(), d.data(), xsum.data());
  for (std::int64_t n = n_begin; n < n_end; ++n) {
    const auto* row = reinterpret_cast<const std::uint8_t*>(w.codes + n * w.code_row_bytes());
    for (std::int64_t m = 0; m < M; ++m) {
      double acc = 0;
      for (std::int64_t b = 0; b < blocks; ++b) {
        std::int64_t dot = 0;
        for (std::int64_t k = b * kActivationBlock; k < (b + 1) * kActivationBlock; ++k)
          dot += std::int64_t(unpack_code(row, k, w.bits)) * xq[std::size_t(m * w.K + k)];
        const std::int64_t g = b * kActivationBlock / w.group_size;
        acc += double(load_scale(w.scale_type, w.scales, n * groups + g)) * d[std::size_t(m * blocks + b)] * double(dot);
      }
      for (std::int64_t g = 0; g < groups; ++g)
        acc += double(load_scale(w.scale_type, w.biases, n * groups + g)) * xsum[std::size_t(m * groups + g)];
      y[m * ldy + n] = float(acc);
    }
  }
}

}  // namespace mlux::ops::cpu
