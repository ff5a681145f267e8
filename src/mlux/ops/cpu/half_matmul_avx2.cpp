// AVX2 + FMA + F16C versions of the half-precision matmul kernels (compiled with -mavx2 -mfma
// -mf16c; only called after has_avx2()). Weight loads are unaligned loads: MLX files are not
// aligned and the kernels never assume otherwise.
#include <immintrin.h>

#include <cstring>

#include "mlux/ops/cpu/half_matmul.h"
#include "mlux/tensor/half.h"

namespace mlux::ops::cpu {
namespace {

template <HalfType T>
inline __m256 load8(const std::byte* p) {
  const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  if constexpr (T == HalfType::bf16) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(raw), 16));
  } else {
    return _mm256_cvtph_ps(raw);
  }
}

template <HalfType T>
inline float load1(const std::byte* p) {
  std::uint16_t h;
  std::memcpy(&h, p, 2);
  return T == HalfType::bf16 ? bf16_to_f32(h) : f16_to_f32(h);
}

inline float hsum(__m256 v) {
  const __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
  __m128 s = _mm_add_ps(lo, hi);
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// One x row (decode): four weight rows at a time, so four independent FMA chains hide latency
// and four streams keep the prefetchers busy.
template <HalfType T>
void gemv_one(const float* x, std::int64_t K, const std::byte* w, std::int64_t rb, std::int64_t n0, std::int64_t n1,
              float* y) {
  std::int64_t n = n0;
  const std::int64_t k8 = K & ~std::int64_t(7);
  for (; n + 4 <= n1; n += 4) {
    const std::byte* r0 = w + n * rb;
    const std::byte* r1 = r0 + rb;
    const std::byte* r2 = r1 + rb;
    const std::byte* r3 = r2 + rb;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    for (std::int64_t k = 0; k < k8; k += 8) {
      const __m256 xv = _mm256_loadu_ps(x + k);
      a0 = _mm256_fmadd_ps(load8<T>(r0 + 2 * k), xv, a0);
      a1 = _mm256_fmadd_ps(load8<T>(r1 + 2 * k), xv, a1);
      a2 = _mm256_fmadd_ps(load8<T>(r2 + 2 * k), xv, a2);
      a3 = _mm256_fmadd_ps(load8<T>(r3 + 2 * k), xv, a3);
    }
    float s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
    for (std::int64_t k = k8; k < K; ++k) {
      s0 += x[k] * load1<T>(r0 + 2 * k);
      s1 += x[k] * load1<T>(r1 + 2 * k);
      s2 += x[k] * load1<T>(r2 + 2 * k);
      s3 += x[k] * load1<T>(r3 + 2 * k);
    }
    y[n] = s0; y[n + 1] = s1; y[n + 2] = s2; y[n + 3] = s3;
  }
  for (; n < n1; ++n) {
    const std::byte* r = w + n * rb;
    __m256 a = _mm256_setzero_ps();
    for (std::int64_t k = 0; k < k8; k += 8) a = _mm256_fmadd_ps(load8<T>(r + 2 * k), _mm256_loadu_ps(x + k), a);
    float s = hsum(a);
    for (std::int64_t k = k8; k < K; ++k) s += x[k] * load1<T>(r + 2 * k);
    y[n] = s;
  }
}

// Up to eight x rows: each weight row is widened once and dotted with every x row.
template <HalfType T>
void gemv_many(const float* x, std::int64_t M, std::int64_t K, const std::byte* w, std::int64_t rb, std::int64_t n0,
               std::int64_t n1, float* y, std::int64_t ldy) {
  const std::int64_t k8 = K & ~std::int64_t(7);
  for (std::int64_t n = n0; n < n1; ++n) {
    const std::byte* r = w + n * rb;
    __m256 acc[8];
    for (std::int64_t m = 0; m < M; ++m) acc[m] = _mm256_setzero_ps();
    for (std::int64_t k = 0; k < k8; k += 8) {
      const __m256 wv = load8<T>(r + 2 * k);
      for (std::int64_t m = 0; m < M; ++m) acc[m] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x + m * K + k), acc[m]);
    }
    for (std::int64_t m = 0; m < M; ++m) {
      float s = hsum(acc[m]);
      for (std::int64_t k = k8; k < K; ++k) s += x[m * K + k] * load1<T>(r + 2 * k);
      y[m * ldy + n] = s;
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
  // Rows of x are processed in groups of at most eight (register budget).
  for (std::int64_t m0 = 0; m0 < M; m0 += 8) {
    const std::int64_t mc = M - m0 < 8 ? M - m0 : 8;
    const float* xs = x + m0 * K;
    float* ys = y + m0 * ldy;
    if (mc == 1) {
      if (t == HalfType::bf16) gemv_one<HalfType::bf16>(xs, K, w, w_row_bytes, n_begin, n_end, ys);
      else gemv_one<HalfType::f16>(xs, K, w, w_row_bytes, n_begin, n_end, ys);
    } else {
      if (t == HalfType::bf16) gemv_many<HalfType::bf16>(xs, mc, K, w, w_row_bytes, n_begin, n_end, ys, ldy);
      else gemv_many<HalfType::f16>(xs, mc, K, w, w_row_bytes, n_begin, n_end, ys, ldy);
    }
  }
}

void convert_rows_avx2(HalfType t, const std::byte* w, std::int64_t w_row_bytes, std::int64_t K,
                       std::int64_t n_begin, std::int64_t rows, float* dst) {
  if (t == HalfType::bf16) convert_rows<HalfType::bf16>(w, w_row_bytes, K, n_begin, rows, dst);
  else convert_rows<HalfType::f16>(w, w_row_bytes, K, n_begin, rows, dst);
}

}  // namespace mlux::ops::cpu
