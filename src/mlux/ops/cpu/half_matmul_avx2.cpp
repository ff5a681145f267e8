// AVX2 + FMA + F16C versions of the half-precision matmul kernels (compiled with -mavx2 -mfma
// -mf16c; only called after has_avx2()). Weight loads are unaligned loads: MLX files are not
// aligned and the kernels never assume otherwise.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "mlux/ops/cpu/half_matmul.h"
#include "mlux/ops/cpu/simd_avx2.h"
#include "mlux/tensor/half.h"

namespace mlux::ops::cpu {
namespace {

using avx2::hsum;

template <HalfType T>
inline __m256 load8(const std::byte* p) {
  if constexpr (T == HalfType::bf16) return avx2::bf16x8(p);
  else return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

template <HalfType T>
inline float load1(const std::byte* p) {
  std::uint16_t h;
  std::memcpy(&h, p, 2);
  return T == HalfType::bf16 ? bf16_to_f32(h) : f16_to_f32(h);
}

// 16 consecutive weights as two vectors of 8 floats. bf16: one 32-byte load, then interleaving
// with zeros puts each value in the top half of a float; the lanes come out as {0-3, 8-11} and
// {4-7, 12-15}, so x is pre-permuted the same way (permute_x) instead of fixing every weight.
// f16: two F16C conversions in natural order.
template <HalfType T>
inline void load16(const std::byte* p, __m256& lo, __m256& hi) {
  if constexpr (T == HalfType::bf16) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i zero = _mm256_setzero_si256();
    lo = _mm256_castsi256_ps(_mm256_unpacklo_epi16(zero, v));
    hi = _mm256_castsi256_ps(_mm256_unpackhi_epi16(zero, v));
  } else {
    lo = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    hi = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)));
  }
}

// x in the order load16 yields weights, for the first K16 = K & ~15 entries of each row.
template <HalfType T>
void permute_x(const float* x, std::int64_t M, std::int64_t K, float* out) {
  const std::int64_t k16 = K & ~std::int64_t(15);
  for (std::int64_t m = 0; m < M; ++m) {
    const float* src = x + m * K;
    float* dst = out + m * K;
    for (std::int64_t k = 0; k < k16; k += 16) {
      if constexpr (T == HalfType::bf16) {
        std::memcpy(dst + k, src + k, 16);           // 0-3
        std::memcpy(dst + k + 4, src + k + 8, 16);   // 8-11
        std::memcpy(dst + k + 8, src + k + 4, 16);   // 4-7
        std::memcpy(dst + k + 12, src + k + 12, 16); // 12-15
      } else {
        std::memcpy(dst + k, src + k, 64);
      }
    }
    std::memcpy(dst + k16, src + k16, std::size_t(K - k16) * sizeof(float));
  }
}

// One weight row against one x row: 32 weights per step into four accumulators. Rows are read
// one after another: a single sequential stream is what the prefetchers serve best (several
// rows at once, each a separate 4 KB stream, ran at half the bandwidth).
template <HalfType T>
inline float dot_row(const float* xp, std::int64_t K, const std::byte* r) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
  const std::int64_t k32 = K & ~std::int64_t(31), k16 = K & ~std::int64_t(15);
  __m256 lo, hi;
  for (std::int64_t k = 0; k < k32; k += 32) {
    load16<T>(r + 2 * k, lo, hi);
    a0 = _mm256_fmadd_ps(lo, _mm256_loadu_ps(xp + k), a0);
    a1 = _mm256_fmadd_ps(hi, _mm256_loadu_ps(xp + k + 8), a1);
    load16<T>(r + 2 * k + 32, lo, hi);
    a2 = _mm256_fmadd_ps(lo, _mm256_loadu_ps(xp + k + 16), a2);
    a3 = _mm256_fmadd_ps(hi, _mm256_loadu_ps(xp + k + 24), a3);
  }
  if (k32 < k16) {
    load16<T>(r + 2 * k32, lo, hi);
    a0 = _mm256_fmadd_ps(lo, _mm256_loadu_ps(xp + k32), a0);
    a1 = _mm256_fmadd_ps(hi, _mm256_loadu_ps(xp + k32 + 8), a1);
  }
  float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  for (std::int64_t k = k16; k < K; ++k) s += xp[k] * load1<T>(r + 2 * k);
  return s;
}

// Four weight rows against one x row, sharing each x load. For long rows (K > 4096) x no longer
// fits in L1 beside the streaming weights, and re-reading it from L2 for every row is what
// limits the single-row loop; four rows cut that traffic by four.
template <HalfType T>
inline void dot_4rows(const float* xp, std::int64_t K, const std::byte* r, std::int64_t rb, float* y) {
  __m256 acc[8];
  for (auto& a : acc) a = _mm256_setzero_ps();
  const std::int64_t k16 = K & ~std::int64_t(15);
  __m256 lo, hi;
  for (std::int64_t k = 0; k < k16; k += 16) {
    const __m256 xl = _mm256_loadu_ps(xp + k), xh = _mm256_loadu_ps(xp + k + 8);
    for (int j = 0; j < 4; ++j) {
      load16<T>(r + j * rb + 2 * k, lo, hi);
      acc[2 * j] = _mm256_fmadd_ps(lo, xl, acc[2 * j]);
      acc[2 * j + 1] = _mm256_fmadd_ps(hi, xh, acc[2 * j + 1]);
    }
  }
  for (int j = 0; j < 4; ++j) {
    float s = hsum(_mm256_add_ps(acc[2 * j], acc[2 * j + 1]));
    for (std::int64_t k = k16; k < K; ++k) s += xp[k] * load1<T>(r + j * rb + 2 * k);
    y[j] = s;
  }
}

// Up to four x rows: each weight row is widened once and dotted with every x row.
template <HalfType T>
void dot_rows(const float* xp, std::int64_t M, std::int64_t K, const std::byte* r, float* y, std::int64_t ldy) {
  __m256 acc[8];
  for (std::int64_t i = 0; i < 2 * M; ++i) acc[i] = _mm256_setzero_ps();
  const std::int64_t k16 = K & ~std::int64_t(15);
  __m256 lo, hi;
  for (std::int64_t k = 0; k < k16; k += 16) {
    load16<T>(r + 2 * k, lo, hi);
    for (std::int64_t m = 0; m < M; ++m) {
      acc[2 * m] = _mm256_fmadd_ps(lo, _mm256_loadu_ps(xp + m * K + k), acc[2 * m]);
      acc[2 * m + 1] = _mm256_fmadd_ps(hi, _mm256_loadu_ps(xp + m * K + k + 8), acc[2 * m + 1]);
    }
  }
  for (std::int64_t m = 0; m < M; ++m) {
    float s = hsum(_mm256_add_ps(acc[2 * m], acc[2 * m + 1]));
    for (std::int64_t k = k16; k < K; ++k) s += xp[m * K + k] * load1<T>(r + 2 * k);
    y[m * ldy] = s;
  }
}

template <HalfType T>
void gemv(const float* x, std::int64_t M, std::int64_t K, const std::byte* w, std::int64_t rb, std::int64_t n0,
          std::int64_t n1, float* y, std::int64_t ldy) {
  thread_local std::vector<float> xp;  // permuted x, reused across calls
  if (xp.size() < std::size_t(M * K)) xp.resize(std::size_t(M * K));
  permute_x<T>(x, M, K, xp.data());
  for (std::int64_t m0 = 0; m0 < M; m0 += 4) {
    const std::int64_t mc = std::min<std::int64_t>(4, M - m0);
    const float* xs = xp.data() + m0 * K;
    std::int64_t n = n0;
    if (mc == 1 && K > 4096)
      for (; n + 4 <= n1; n += 4) dot_4rows<T>(xs, K, w + n * rb, rb, y + m0 * ldy + n);
    for (; n < n1; ++n) {
      if (mc == 1) y[m0 * ldy + n] = dot_row<T>(xs, K, w + n * rb);
      else dot_rows<T>(xs, mc, K, w + n * rb, y + m0 * ldy + n, ldy);
    }
  }
}

template <HalfType T>
void convert_rows(const std::byte* w, std::int64_t rb, std::int64_t K, std::int64_t n0, std::int64_t rows, float* dst) {
  const std::int64_t k8 = K & ~std::int64_t(7);
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::byte* row = w + (n0 + r) * rb;
    float* d = dst + r * K;
    for (std::int64_t k = 0; k < k8; k += 8) _mm256_storeu_ps(d + k, load8<T>(row + 2 * k));
    for (std::int64_t k = k8; k < K; ++k) d[k] = load1<T>(row + 2 * k);
  }
}

}  // namespace

void gemv_half_avx2(HalfType t, const float* x, std::int64_t M, std::int64_t K, const std::byte* w,
                    std::int64_t w_row_bytes, std::int64_t n_begin, std::int64_t n_end, float* y, std::int64_t ldy) {
  if (t == HalfType::bf16) gemv<HalfType::bf16>(x, M, K, w, w_row_bytes, n_begin, n_end, y, ldy);
  else gemv<HalfType::f16>(x, M, K, w, w_row_bytes, n_begin, n_end, y, ldy);
}

void convert_rows_avx2(HalfType t, const std::byte* w, std::int64_t w_row_bytes, std::int64_t K,
                       std::int64_t n_begin, std::int64_t rows, float* dst) {
  if (t == HalfType::bf16) convert_rows<HalfType::bf16>(w, w_row_bytes, K, n_begin, rows, dst);
  else convert_rows<HalfType::f16>(w, w_row_bytes, K, n_begin, rows, dst);
}

}  // namespace mlux::ops::cpu
