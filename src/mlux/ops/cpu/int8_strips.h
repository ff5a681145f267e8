// The repacked weight panel of the int8-activation GEMM, shared by its AVX2 kernel
// (quant_int8_gemm_avx2.cpp, which also repacks) and its AVX-512 VNNI kernel
// (quant_int8_gemm_vnni.cpp). Layout and arithmetic: quant_int8_gemm_avx2.cpp's header comment.
// Include only from those two files. They are compiled for different instruction sets, so the one
// function defined here has internal linkage: each file compiles its own copy (an inline function
// emitted by both could be linked to the other's instructions).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace mlux::ops::cpu {

constexpr int kStripRows = 8;  // weight rows per strip: one int32 lane each

/// Where a panel's strips lie: strip s's codes at codes + s·strip_bytes, its scales and biases
/// (f32, [groups][8]: lane = row of the strip) at s·strip_groups.
struct PanelView {
  const std::uint8_t* codes;
  const float* scales;
  const float* biases;
  std::int64_t strip_bytes, strip_groups;
};

/// x rounded to int8, as the strips' kernels read it (quant.h's Int8Rows without the int16 copy).
struct StripOperands {
  const std::int8_t* xq;  // [M, K]
  const float* d;         // [M, K/32]
  const float* xsum;      // [M, K/group_size]
  std::int64_t M, K;
  int group_size;
};

namespace {

/// The end of a tile of MR rows of x × S strips: adds Σ_g bias_g(row)·Σx_g (biases of the tile's
/// first strip, xsum from row m0 of x) and stores the lanes of real rows (`rows` from the tile's
/// first; a panel's last strip may be padding) to y[m0 + m, s·8 + r].
template <int MR, int S>
void finish_tile(__m256 (&acc)[MR][S], const PanelView& p, const float* biases, const float* xsum, std::int64_t groups,
                 std::int64_t m0, float* y, std::int64_t ldy, std::int64_t rows) {
  for (std::int64_t g = 0; g < groups; ++g)
    for (int s = 0; s < S; ++s) {
      const __m256 bias = _mm256_loadu_ps(biases + s * p.strip_groups + g * kStripRows);
      for (int m = 0; m < MR; ++m) acc[m][s] = _mm256_fmadd_ps(bias, _mm256_set1_ps(xsum[(m0 + m) * groups + g]), acc[m][s]);
    }
  for (int m = 0; m < MR; ++m)
    for (int s = 0; s < S; ++s) {
      float* out = y + (m0 + m) * ldy + s * kStripRows;
      const std::int64_t real = rows - s * kStripRows;
      if (real >= kStripRows) {
        _mm256_storeu_ps(out, acc[m][s]);
      } else if (real > 0) {
        alignas(32) float lanes[kStripRows];
        _mm256_store_ps(lanes, acc[m][s]);
        std::memcpy(out, lanes, std::size_t(real) * sizeof(float));
      }
    }
}

}  // namespace

/// AVX-512 VNNI (256-bit vpdpbusd): strips from s0 whose codes are one unsigned byte per input,
/// four inputs of a row per dword (4- and 8-bit codes alike), against every row of x:
/// y[m, n0 + r] for m < x.M and the `rows` real rows (≤ 8 per strip) of the panel from strip s0.
/// Only call after has_avx512_vnni().
void int8_strips_vnni(const StripOperands& x, const PanelView& p, std::int64_t s0, std::int64_t strips,
                      std::int64_t rows, float* y, std::int64_t ldy);

}  // namespace mlux::ops::cpu
