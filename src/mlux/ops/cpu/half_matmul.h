// Kernels for y = x · Wᵀ with W stored as bf16 or f16 rows [N, K] (any byte alignment; rows
// `w_row_bytes` apart). x is f32 [M, K] contiguous and aligned; y has row stride ldy.
//
//  - gemv_*: few rows of x. Each weight row is converted in registers and dotted with every x
//    row: the weight streams from memory once, which is what decode speed is made of.
//  - convert_rows_*: widens a panel of weight rows to f32 for sgemm (many rows of x).
// Every kernel has a scalar *_ref twin: the oracle for the equivalence tests and the fallback
// on CPUs without AVX2/FMA/F16C.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mlux::ops::cpu {

enum class HalfType { bf16, f16 };

/// y[m, n] = Σ_k x[m, k] · w[n, k] for m < M, n in [n_begin, n_end).
void gemv_half_ref(HalfType t, const float* x, std::int64_t M, std::int64_t K, const std::byte* w,
                   std::int64_t w_row_bytes, std::int64_t n_begin, std::int64_t n_end, float* y, std::int64_t ldy);
void gemv_half_avx2(HalfType t, const float* x, std::int64_t M, std::int64_t K, const std::byte* w,
                    std::int64_t w_row_bytes, std::int64_t n_begin, std::int64_t n_end, float* y, std::int64_t ldy);

/// dst[r, k] = float(w[n_begin + r, k]) for r < rows; dst is [rows, K] contiguous.
void convert_rows_ref(HalfType t, const std::byte* w, std::int64_t w_row_bytes, std::int64_t K, std::int64_t n_begin,
                      std::int64_t rows, float* dst);
void convert_rows_avx2(HalfType t, const std::byte* w, std::int64_t w_row_bytes, std::int64_t K,
                       std::int64_t n_begin, std::int64_t rows, float* dst);

}  // namespace mlux::ops::cpu
