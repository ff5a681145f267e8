// AVX-512 VNNI kernel of the int8-activation GEMM (contract in int8_strips.h). vpdpbusd multiplies
// four unsigned bytes by four signed bytes and adds the four products into an int32 lane in one
// instruction, so a step of four inputs against eight weight rows is one instruction per row of x
// (the AVX2 kernel needs three: vpmaddubsw, an int16 add, and per block a vpmaddwd; 8-bit codes
// there need int16 operands and twice the steps). The sums are exact in int32 at both widths
// (32 inputs · 255 · 127 per block), so 4- and 8-bit codes share this kernel.
// The 256-bit EVEX form gives 32 vector registers, which this register tiling relies on.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "mlux/ops/cpu/int8_strips.h"

namespace mlux::ops::cpu {
namespace {

constexpr int kBlock = 32;      // activation block (quant.h's kActivationBlock)
// Register tiling: rows of x × strips per pass. Measured on Zen 4 (mlux_bench BM_Linear*Int8/128):
// 4 × 2 and 6 × 2 alike, 4 × 1 1.2× slower, 2 × 1 1.5×.
constexpr int kRowsOfX = 4;     // rows of x per pass; their accumulators stay in registers
constexpr int kStripsAtOnce = 2;

inline __m256i broadcast4(const std::int8_t* p) {
  std::int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

// S strips from s0 (8·S weight rows, `rows` of them real) against MR rows of x from m0.
template <int MR, int S>
void product(const StripOperands& x, const PanelView& p, std::int64_t s0, std::int64_t m0, float* y, std::int64_t ldy,
             std::int64_t rows) {
  const std::int64_t K = x.K, blocks = K / kBlock, groups = K / x.group_size;
  int block_shift = 0;  // group of block b = b >> block_shift
  while ((kBlock << block_shift) < x.group_size) ++block_shift;
  const std::uint8_t* codes = p.codes + s0 * p.strip_bytes;
  const float *scales = p.scales + s0 * p.strip_groups, *biases = p.biases + s0 * p.strip_groups;
  __m256 acc[MR][S];
  for (auto& row : acc)
    for (auto& a : row) a = _mm256_setzero_ps();
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::uint8_t* wp = codes + b * kBlock * kStripRows;  // a byte per input and row
    __m256i dot[MR][S];
    for (auto& row : dot)
      for (auto& d : row) d = _mm256_setzero_si256();
    for (int j = 0; j < kBlock / 4; ++j) {
      __m256i wv[S];
      for (int s = 0; s < S; ++s) wv[s] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wp + s * p.strip_bytes + 32 * j));
      for (int m = 0; m < MR; ++m) {
        const __m256i xb = broadcast4(x.xq + (m0 + m) * K + b * kBlock + 4 * j);
        for (int s = 0; s < S; ++s) dot[m][s] = _mm256_dpbusd_epi32(dot[m][s], wv[s], xb);
      }
    }
    for (int s = 0; s < S; ++s) {
      const __m256 sc = _mm256_loadu_ps(scales + s * p.strip_groups + (b >> block_shift) * kStripRows);
      for (int m = 0; m < MR; ++m) {
        const __m256 step = _mm256_mul_ps(sc, _mm256_set1_ps(x.d[(m0 + m) * blocks + b]));
        acc[m][s] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot[m][s]), step, acc[m][s]);
      }
    }
  }
  finish_tile(acc, p, biases, x.xsum, groups, m0, y, ldy, rows);
}

template <int S>
void rows_of_x(const StripOperands& x, const PanelView& p, std::int64_t s0, std::int64_t m0, float* y, std::int64_t ldy,
               std::int64_t rows) {
  switch (x.M - m0 < kRowsOfX ? x.M - m0 : kRowsOfX) {
    case 1: product<1, S>(x, p, s0, m0, y, ldy, rows); break;
    case 2: product<2, S>(x, p, s0, m0, y, ldy, rows); break;
    case 3: product<3, S>(x, p, s0, m0, y, ldy, rows); break;
    default: product<kRowsOfX, S>(x, p, s0, m0, y, ldy, rows); break;
  }
}

}  // namespace

void int8_strips_vnni(const StripOperands& x, const PanelView& p, std::int64_t s0, std::int64_t strips,
                      std::int64_t rows, float* y, std::int64_t ldy) {
  for (std::int64_t m0 = 0; m0 < x.M; m0 += kRowsOfX)
    for (std::int64_t s = 0; s < strips;) {
      const std::int64_t n = s * kStripRows;  // first row of this pass, from the panel's first
      if (strips - s >= kStripsAtOnce) {
        rows_of_x<kStripsAtOnce>(x, p, s0 + s, m0, y + n, ldy, rows - n);
        s += kStripsAtOnce;
      } else {
        rows_of_x<1>(x, p, s0 + s, m0, y + n, ldy, rows - n);
        s += 1;
      }
    }
}

}  // namespace mlux::ops::cpu
