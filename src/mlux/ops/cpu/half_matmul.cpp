#include "mlux/ops/cpu/half_matmul.h"

#include <cstring>

#include "mlux/tensor/half.h"

namespace mlux::ops::cpu {
namespace {

inline float load_half(HalfType t, const std::byte* p) {
  std::uint16_t h;
  std::memcpy(&h, p, 2);
  return t == HalfType::bf16 ? bf16_to_f32(h) : f16_to_f32(h);
}

}  // namespace

void gemv_half_ref(HalfType t, const float* x, std::int64_t M, std::int64_t K, const std::byte* w,
                   std::int64_t w_row_bytes, std::int64_t n_begin, std::int64_t n_end, float* y, std::int64_t ldy) {
  for (std::int64_t n = n_begin; n < n_end; ++n) {
    const std::byte* row = w + n * w_row_bytes;
    for (std::int64_t m = 0; m < M; ++m) {
      double acc = 0;
      for (std::int64_t k = 0; k < K; ++k) acc += double(x[m * K + k]) * load_half(t, row + 2 * k);
      y[m * ldy + n] = float(acc);
    }
  }
}

void convert_rows_ref(HalfType t, const std::byte* w, std::int64_t w_row_bytes, std::int64_t K, std::int64_t n_begin,
                      std::int64_t rows, float* dst) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::byte* row = w + (n_begin + r) * w_row_bytes;
    for (std::int64_t k = 0; k < K; ++k) dst[r * K + k] = load_half(t, row + 2 * k);
  }
}

}  // namespace mlux::ops::cpu
