// AVX2 kernel of the opt-in int8-activation product for many rows of x (prefill; contract in
// quant.h). The GEMV kernels (quant_int8_avx2.cpp) stream one weight row against a few rows of x;
// for a prompt of 128 tokens that would read every weight 32 times and spend most of each
// vector on one row. Here weight rows are repacked eight at a time (a "strip") so that one
// 32-byte vector holds the same few inputs of eight rows, one int32 lane per row:
//  - 4-bit: inputs k..k+3 of row r at bytes 4r..4r+3, one code per byte. vpmaddubsw against
//    x[k..k+3] broadcast to every dword gives each row's pair sums; the eight steps of a block of
//    32 inputs add up in int16 without overflow (8·2·15·127 = 30480 < 32767), and vpmaddwd with
//    ones leaves one int32 per row: the block's exact integer dot for eight rows at once.
//  - 8-bit: codes up to 255 would saturate vpmaddubsw, so inputs k, k+1 of row r are the int16
//    lanes 2r, 2r+1, and vpmaddwd against x[k], x[k+1] (int16) broadcast gives the int32 per row
//    directly (pair sums ≤ 2·255·127).
// Per block the dots become floats once and are scaled by scale_g(row)·d_b; bias_g(row)·Σx_g is
// added per group. A call repacks its rows into a thread-local panel that stays in L2 while the
// rows of x pass over it, kRowsOfX at a time (their accumulators live in registers).
// Where the CPU has AVX-512 VNNI, the panel goes to quant_int8_gemm_vnni.cpp's kernel instead, and
// 8-bit codes are repacked like 4-bit ones (a byte per code, four inputs per step): vpdpbusd takes
// unsigned bytes up to 255 without saturating.
#include <algorithm>
#include <vector>

#include "mlux/ops/cpu/cpu_features.h"
#include "mlux/ops/cpu/int8_strips.h"
#include "mlux/ops/cpu/quant_avx2.h"

namespace mlux::ops::cpu {
namespace {

using avx2::ensure;

// Register tiling: rows of x × strips per pass. Measured on Zen 4 (mlux_bench BM_Linear*Int8):
// 4 × 1 is as fast as 3 × 2, 2 × 2 or 6 × 1 within noise; 4 × 2 spills and is slower.
constexpr int kRowsOfX = 4;
constexpr int kStripsAtOnce = 1;
constexpr std::int64_t kPanelBytes = 192 * 1024;

// Inputs of one row in a 32-byte step, and bytes of a strip per input: a byte per code (4-bit, or
// 8-bit for the VNNI kernel) or an int16 per code (`Words`: 8-bit for the AVX2 kernel).
template <bool Words>
constexpr int kInputsPerStep = Words ? 2 : 4;
template <bool Words>
constexpr std::int64_t kStripBytesPerInput = 32 / kInputsPerStep<Words>;

struct Panel {
  std::vector<std::uint8_t> codes;     // strips back to back
  std::vector<float> scales, biases;   // per strip [groups][8]: lane = row of the strip
  std::vector<float> row_scales, row_biases;
};

Panel& panel() {
  thread_local Panel p;
  return p;
}

inline __m256i broadcast32(const void* p) {
  std::int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

// v[r] holds dwords 0..7 of row r; afterwards v[j] holds dword j of rows 0..7.
inline void transpose8x8_epi32(__m256i v[8]) {
  __m256i t[8], u[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_epi32(v[2 * i], v[2 * i + 1]);      // rows 2i, 2i+1: dwords 0,1 | 4,5
    t[2 * i + 1] = _mm256_unpackhi_epi32(v[2 * i], v[2 * i + 1]);  // dwords 2,3 | 6,7
  }
  for (int h = 0; h < 2; ++h) {  // rows 0-3, then rows 4-7
    u[4 * h + 0] = _mm256_unpacklo_epi64(t[4 * h], t[4 * h + 2]);      // dword 0 | 4
    u[4 * h + 1] = _mm256_unpackhi_epi64(t[4 * h], t[4 * h + 2]);      // dword 1 | 5
    u[4 * h + 2] = _mm256_unpacklo_epi64(t[4 * h + 1], t[4 * h + 3]);  // dword 2 | 6
    u[4 * h + 3] = _mm256_unpackhi_epi64(t[4 * h + 1], t[4 * h + 3]);  // dword 3 | 7
  }
  for (int j = 0; j < 4; ++j) {
    v[j] = _mm256_permute2x128_si256(u[j], u[4 + j], 0x20);
    v[j + 4] = _mm256_permute2x128_si256(u[j], u[4 + j], 0x31);
  }
}

// 32 bytes of row codes for one step-group of 8 steps (8·kInputsPerStep inputs): 4-bit, 16 packed
// bytes spread to one code per byte in order; 8-bit, 32 codes as they are or 16 widened to int16.
template <int Bits, bool Words>
inline __m256i row_steps(const std::uint8_t* p) {
  if constexpr (Bits == 8 && !Words) return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  if constexpr (Bits == 4) {
    const __m128i nibble = _mm_set1_epi8(0x0f);
    const __m128i lo = _mm_and_si128(v, nibble), hi = _mm_and_si128(_mm_srli_epi16(v, 4), nibble);
    return _mm256_set_m128i(_mm_unpackhi_epi8(lo, hi), _mm_unpacklo_epi8(lo, hi));  // code 2i is byte i's low nibble
  } else {
    return _mm256_cvtepu8_epi16(v);
  }
}

// Rows n0..n0+7 (those below n_end) into one strip; missing rows are zero codes, scales, biases.
template <int Bits, bool Words>
void repack_strip(const QuantRows& w, std::int64_t n0, std::int64_t n_end, Panel& p, std::uint8_t* codes, float* scales,
                  float* biases) {
  const std::int64_t groups = w.groups(), rb = w.code_row_bytes(), sb = groups * std::int64_t(dtype_size(w.scale_type));
  const int rows = int(std::min<std::int64_t>(kStripRows, n_end - n0));
  const std::int64_t per_iteration = 8 * kInputsPerStep<Words>;  // inputs per row_steps
  const std::int64_t source_bytes = per_iteration * Bits / 8;    // their packed codes
  for (std::int64_t i = 0; i < w.K / per_iteration; ++i) {
    __m256i v[8];
    for (int r = 0; r < kStripRows; ++r)
      v[r] = r < rows ? row_steps<Bits, Words>(reinterpret_cast<const std::uint8_t*>(w.codes + (n0 + r) * rb) + source_bytes * i)
                      : _mm256_setzero_si256();
    transpose8x8_epi32(v);
    for (int j = 0; j < 8; ++j) _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + (8 * i + j) * 32), v[j]);
  }
  std::fill(scales, scales + groups * kStripRows, 0.0f);
  std::fill(biases, biases + groups * kStripRows, 0.0f);
  for (int r = 0; r < rows; ++r) {
    avx2::widen_scales(w.scale_type, w.scales + (n0 + r) * sb, groups, p.row_scales.data());
    avx2::widen_scales(w.scale_type, w.biases + (n0 + r) * sb, groups, p.row_biases.data());
    for (std::int64_t g = 0; g < groups; ++g) {
      scales[g * kStripRows + r] = p.row_scales[std::size_t(g)];
      biases[g * kStripRows + r] = p.row_biases[std::size_t(g)];
    }
  }
}

// S adjacent strips (from strip s0, 8·S weight rows, `rows` of them real) against MR rows of x
// (from m0): y[m0 + m, n0 + r]. Every x broadcast feeds S products, every weight vector MR.
template <int Bits, int MR, int S>
void strips_product(const QuantRows& w, const Int8Rows& x, const PanelView& p, std::int64_t s0, std::int64_t m0,
                    float* y, std::int64_t ldy, std::int64_t rows) {
  const std::int64_t K = w.K, blocks = K / kActivationBlock, groups = w.groups();
  int block_shift = 0;  // group of block b = b >> block_shift
  while ((kActivationBlock << block_shift) < w.group_size) ++block_shift;
  const std::uint8_t* codes = p.codes + s0 * p.strip_bytes;
  const float *scales = p.scales + s0 * p.strip_groups, *biases = p.biases + s0 * p.strip_groups;
  const __m256i ones = _mm256_set1_epi16(1);
  __m256 acc[MR][S];
  for (auto& row : acc)
    for (auto& a : row) a = _mm256_setzero_ps();
  for (std::int64_t b = 0; b < blocks; ++b) {
    constexpr bool words = Bits == 8;
    const std::uint8_t* wp = codes + b * kActivationBlock * kStripBytesPerInput<words>;
    __m256i dot[MR][S];
    for (auto& row : dot)
      for (auto& d : row) d = _mm256_setzero_si256();
    constexpr int steps = kActivationBlock / kInputsPerStep<words>;
    // Unrolled fully, GCC regroups the integer sums and spills the products to the stack.
#pragma GCC unroll 2
    for (int j = 0; j < steps; ++j) {
      __m256i wv[S];
      for (int s = 0; s < S; ++s) wv[s] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wp + s * p.strip_bytes + 32 * j));
      const std::int64_t k = b * kActivationBlock + j * kInputsPerStep<words>;
      for (int m = 0; m < MR; ++m) {
        if constexpr (Bits == 4) {
          const __m256i xb = broadcast32(x.xq + (m0 + m) * K + k);
          for (int s = 0; s < S; ++s) dot[m][s] = _mm256_add_epi16(dot[m][s], _mm256_maddubs_epi16(wv[s], xb));
        } else {
          const __m256i xb = broadcast32(x.x16 + (m0 + m) * K + k);
          for (int s = 0; s < S; ++s) dot[m][s] = _mm256_add_epi32(dot[m][s], _mm256_madd_epi16(wv[s], xb));
        }
      }
    }
    for (int s = 0; s < S; ++s) {
      const __m256 sc = _mm256_loadu_ps(scales + s * p.strip_groups + (b >> block_shift) * kStripRows);
      for (int m = 0; m < MR; ++m) {
        const __m256i exact = Bits == 4 ? _mm256_madd_epi16(dot[m][s], ones) : dot[m][s];
        const __m256 step = _mm256_mul_ps(sc, _mm256_set1_ps(x.d[(m0 + m) * blocks + b]));
        acc[m][s] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(exact), step, acc[m][s]);
      }
    }
  }
  finish_tile(acc, p, biases, x.xsum, groups, m0, y, ldy, rows);
}

template <int Bits, int S>
void rows_of_x(const QuantRows& w, const Int8Rows& x, const PanelView& p, std::int64_t s0, std::int64_t m0,
               float* y, std::int64_t ldy, std::int64_t rows) {
  switch (std::min<std::int64_t>(kRowsOfX, x.M - m0)) {
    case 1: strips_product<Bits, 1, S>(w, x, p, s0, m0, y, ldy, rows); break;
    case 2: strips_product<Bits, 2, S>(w, x, p, s0, m0, y, ldy, rows); break;
    case 3: strips_product<Bits, 3, S>(w, x, p, s0, m0, y, ldy, rows); break;
    case 4: strips_product<Bits, 4, S>(w, x, p, s0, m0, y, ldy, rows); break;
    case 5: strips_product<Bits, 5, S>(w, x, p, s0, m0, y, ldy, rows); break;
    default: strips_product<Bits, kRowsOfX, S>(w, x, p, s0, m0, y, ldy, rows); break;
  }
}

template <int Bits, bool Vnni>
void gemm(const QuantRows& w, const Int8Rows& x, std::int64_t n_begin, std::int64_t n_end, float* y, std::int64_t ldy) {
  constexpr bool words = Bits == 8 && !Vnni;
  Panel& p = panel();
  const std::int64_t groups = w.groups(), strips = (n_end - n_begin + kStripRows - 1) / kStripRows;
  const std::int64_t strip_bytes = w.K * kStripBytesPerInput<words>, strip_groups = groups * kStripRows;
  ensure(p.codes, strips * strip_bytes);
  ensure(p.scales, strips * strip_groups);
  ensure(p.biases, strips * strip_groups);
  ensure(p.row_scales, groups);
  ensure(p.row_biases, groups);
  const PanelView v{.codes = p.codes.data(), .scales = p.scales.data(), .biases = p.biases.data(),
                    .strip_bytes = strip_bytes, .strip_groups = strip_groups};
  for (std::int64_t s = 0; s < strips; ++s)
    repack_strip<Bits, words>(w, n_begin + s * kStripRows, n_end, p, p.codes.data() + s * strip_bytes,
                              p.scales.data() + s * strip_groups, p.biases.data() + s * strip_groups);
  if constexpr (Vnni) {
    const StripOperands xo{.xq = x.xq, .d = x.d, .xsum = x.xsum, .M = x.M, .K = w.K, .group_size = w.group_size};
    int8_strips_vnni(xo, v, 0, strips, n_end - n_begin, y + n_begin, ldy);
  } else {
    for (std::int64_t m0 = 0; m0 < x.M; m0 += kRowsOfX)
      for (std::int64_t s = 0; s < strips;) {
        const std::int64_t n0 = n_begin + s * kStripRows, rows = n_end - n0;
        if (strips - s >= kStripsAtOnce) {
          rows_of_x<Bits, kStripsAtOnce>(w, x, v, s, m0, y + n0, ldy, rows);
          s += kStripsAtOnce;
        } else {
          rows_of_x<Bits, 1>(w, x, v, s, m0, y + n0, ldy, rows);
          s += 1;
        }
      }
  }
}

}  // namespace

void gemm_quant_int8_avx2(const QuantRows& w, const Int8Rows& x, std::int64_t n_begin, std::int64_t n_end, float* y,
                          std::int64_t ldy) {
  if (n_begin >= n_end || x.M == 0) return;
  const bool vnni = has_avx512_vnni();
  if (w.bits == 4) vnni ? gemm<4, true>(w, x, n_begin, n_end, y, ldy) : gemm<4, false>(w, x, n_begin, n_end, y, ldy);
  else vnni ? gemm<8, true>(w, x, n_begin, n_end, y, ldy) : gemm<8, false>(w, x, n_begin, n_end, y, ldy);
}

bool int8_gemm_reads_int16(const QuantRows& w) { return w.bits == 8 && !has_avx512_vnni(); }

std::int64_t int8_gemm_panel_rows(const QuantRows& w) {
  const bool words = int8_gemm_reads_int16(w);
  const std::int64_t row_bytes = w.K * (words ? kStripBytesPerInput<true> : kStripBytesPerInput<false>) / kStripRows;
  const std::int64_t rows = kPanelBytes / std::max<std::int64_t>(row_bytes, 1) / kStripRows * kStripRows;
  return std::clamp<std::int64_t>(rows, kStripRows, 256);
}

}  // namespace mlux::ops::cpu
