// AVX2 + FMA + F16C kernels for quantized matrices (compiled with -mavx2 -mfma -mf16c; only called
// after has_avx2()). Layout and contracts: quant.h; unpacking: quant_avx2.h.
//
// GEMV: each weight row is one sequential stream (as in half_matmul_avx2.cpp). A row is walked in
// chunks of 64 codes (4-bit) or 32 (other widths); per chunk the codes become floats once, are
// dotted with up to four activation rows into fresh accumulators, and the chunk's sum is scaled
// by its group's scale into the row total. Σ bias_g·Σx_g is a short dot per row against group
// sums of x computed once per call. Scratch is thread-local and reused: decode allocates nothing.
#include "mlux/ops/cpu/quant_avx2.h"

#include <algorithm>
#include <vector>

namespace mlux::ops::cpu {
namespace {

using avx2::ensure;
using avx2::hsum;

template <int Bits>
constexpr std::int64_t kChunk = Bits == 4 ? 64 : 32;

struct Scratch {
  std::vector<float> xp, xsum, scales, biases;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// x rows in the order the codes come out, zero-padded to whole chunks (4-bit only; other widths
// read x in place), and the sum of x over every group.
template <int Bits>
const float* prepare_x(const float* x, std::int64_t M, std::int64_t K, int G, std::int64_t& ldx, float* xsum,
                       std::vector<float>& xp) {
  const std::int64_t groups = K / G;
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t g = 0; g < groups; ++g) {
      float s = 0;
      for (std::int64_t i = 0; i < G; ++i) s += x[m * K + g * G + i];
      xsum[m * groups + g] = s;
    }
  if constexpr (Bits != 4) {
    ldx = K;
    return x;
  }
  const std::int64_t chunks = (K + 63) / 64;
  ldx = chunks * 64;
  ensure(xp, M * ldx);
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t c = 0; c < chunks; ++c)
      for (int v = 0; v < 8; ++v)
        for (int l = 0; l < 8; ++l) {
          const std::int64_t i = avx2::permuted4_index(c, v, l);
          xp[std::size_t(m * ldx + c * 64 + v * 8 + l)] = i < K ? x[m * K + i] : 0.0f;
        }
  return xp.data();
}

// The float codes of one chunk dotted with MR activation rows: a[m] collects even vectors, b[m]
// odd ones (two dependency chains per row). `half`: a 4-bit chunk of only 32 codes (row tail).
template <int Bits, int MR>
inline void chunk_dot(const std::uint8_t* p, bool half, const float* xp, std::int64_t ldx, const avx2::Unpack8& u,
                      const avx2::Nibbles& nib, __m256 (&a)[MR], __m256 (&b)[MR]) {
  if constexpr (Bits == 4) {
    const __m256i v = half ? _mm256_zextsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))
                           : _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i lo = _mm256_and_si256(v, nib.low_mask), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib.low_mask);
    for (int k = 0; k < 4; ++k) {
      const __m256 flo = _mm256_cvtepi32_ps(_mm256_shuffle_epi8(lo, nib.spread[k]));
      const __m256 fhi = _mm256_cvtepi32_ps(_mm256_shuffle_epi8(hi, nib.spread[k]));
      for (int m = 0; m < MR; ++m) {
        a[m] = _mm256_fmadd_ps(flo, _mm256_loadu_ps(xp + m * ldx + 16 * k), a[m]);
        b[m] = _mm256_fmadd_ps(fhi, _mm256_loadu_ps(xp + m * ldx + 16 * k + 8), b[m]);
      }
    }
  } else {
    for (int v = 0; v < 4; v += 2) {
      const __m256 f0 = _mm256_cvtepi32_ps(avx2::unpack8<Bits>(p + v * Bits, u));
      const __m256 f1 = _mm256_cvtepi32_ps(avx2::unpack8<Bits>(p + (v + 1) * Bits, u));
      for (int m = 0; m < MR; ++m) {
        a[m] = _mm256_fmadd_ps(f0, _mm256_loadu_ps(xp + m * ldx + 8 * v), a[m]);
        b[m] = _mm256_fmadd_ps(f1, _mm256_loadu_ps(xp + m * ldx + 8 * v + 8), b[m]);
      }
    }
  }
}

// Weight rows [n0, n1) against MR activation rows (xp with row stride ldx, group sums xsum).
template <int Bits, int MR>
void rows(const QuantRows& w, const float* xp, std::int64_t ldx, const float* xsum, std::int64_t n0, std::int64_t n1,
          float* y, std::int64_t ldy, Scratch& s) {
  const avx2::Unpack8 u(Bits);
  const avx2::Nibbles nib;
  const std::int64_t groups = w.groups(), rb = w.code_row_bytes(), sb = groups * std::int64_t(dtype_size(w.scale_type));
  const std::int64_t full = w.K / kChunk<Bits>;
  const bool tail = w.K % kChunk<Bits> != 0;  // 4-bit only: a last chunk of 32 codes
  const avx2::ChunkScale chunk_scale(w.group_size, int(kChunk<Bits>));
  ensure(s.scales, groups + 1);
  ensure(s.biases, groups);
  s.scales[std::size_t(groups)] = 0.0f;  // the tail chunk's empty upper half reads one past the last group
  for (std::int64_t n = n0; n < n1; ++n) {
    avx2::widen_scales(w.scale_type, w.scales + n * sb, groups, s.scales.data());
    avx2::widen_scales(w.scale_type, w.biases + n * sb, groups, s.biases.data());
    const auto* row = reinterpret_cast<const std::uint8_t*>(w.codes + n * rb);
    __m256 tot[MR];
    for (auto& t : tot) t = _mm256_setzero_ps();
    for (std::int64_t c = 0; c < full + (tail ? 1 : 0); ++c) {
      __m256 a[MR], b[MR];
      for (int m = 0; m < MR; ++m) a[m] = b[m] = _mm256_setzero_ps();
      const std::uint8_t* p = row + c * kChunk<Bits> * Bits / 8;
      avx2::prefetch(p + avx2::kPrefetchAhead<Bits>);
      chunk_dot<Bits, MR>(p, c == full, xp + c * kChunk<Bits>, ldx, u, nib, a, b);
      const __m256 sc = chunk_scale(s.scales.data(), c);
      for (int m = 0; m < MR; ++m) tot[m] = _mm256_fmadd_ps(_mm256_add_ps(a[m], b[m]), sc, tot[m]);
    }
    for (int m = 0; m < MR; ++m) y[m * ldy + n] = hsum(tot[m]) + avx2::dot(s.biases.data(), xsum + m * groups, groups);
  }
}

template <int Bits>
void gemv(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n0, std::int64_t n1, float* y,
          std::int64_t ldy) {
  Scratch& s = scratch();
  const std::int64_t groups = w.groups();
  ensure(s.xsum, M * groups);
  std::int64_t ldx = 0;
  const float* xp = prepare_x<Bits>(x, M, w.K, w.group_size, ldx, s.xsum.data(), s.xp);
  for (std::int64_t m0 = 0; m0 < M; m0 += 4) {
    const float* xm = xp + m0 * ldx;
    const float* sm = s.xsum.data() + m0 * groups;
    float* ym = y + m0 * ldy;
    switch (std::min<std::int64_t>(4, M - m0)) {
      case 1: rows<Bits, 1>(w, xm, ldx, sm, n0, n1, ym, ldy, s); break;
      case 2: rows<Bits, 2>(w, xm, ldx, sm, n0, n1, ym, ldy, s); break;
      case 3: rows<Bits, 3>(w, xm, ldx, sm, n0, n1, ym, ldy, s); break;
      default: rows<Bits, 4>(w, xm, ldx, sm, n0, n1, ym, ldy, s); break;
    }
  }
}

template <int Bits>
void dequantize(const QuantRows& w, std::int64_t n0, std::int64_t count, float* dst) {
  const avx2::Unpack8 u(Bits);
  Scratch& s = scratch();
  const std::int64_t groups = w.groups(), rb = w.code_row_bytes(), sb = groups * std::int64_t(dtype_size(w.scale_type));
  ensure(s.scales, groups);
  ensure(s.biases, groups);
  for (std::int64_t r = 0; r < count; ++r) {
    const std::int64_t n = n0 + r;
    avx2::widen_scales(w.scale_type, w.scales + n * sb, groups, s.scales.data());
    avx2::widen_scales(w.scale_type, w.biases + n * sb, groups, s.biases.data());
    const auto* row = reinterpret_cast<const std::uint8_t*>(w.codes + n * rb);
    float* out = dst + r * w.K;
    for (std::int64_t g = 0; g < groups; ++g) {
      const __m256 sc = _mm256_broadcast_ss(&s.scales[std::size_t(g)]), bi = _mm256_broadcast_ss(&s.biases[std::size_t(g)]);
      for (std::int64_t j = g * w.group_size / 8; j < (g + 1) * w.group_size / 8; ++j) {
        const __m256 f = _mm256_cvtepi32_ps(avx2::unpack8<Bits>(row + j * Bits, u));
        _mm256_storeu_ps(out + 8 * j, _mm256_fmadd_ps(f, sc, bi));  // one rounding, as the reference
      }
    }
  }
}

template <template <int> class F, typename... Args>
void by_bits(int bits, Args&&... args) {
  switch (bits) {
    case 2: F<2>::run(args...); break;
    case 3: F<3>::run(args...); break;
    case 4: F<4>::run(args...); break;
    case 5: F<5>::run(args...); break;
    case 6: F<6>::run(args...); break;
    default: F<8>::run(args...); break;
  }
}

template <int Bits>
struct Gemv {
  template <typename... A>
  static void run(A... a) { gemv<Bits>(a...); }
};
template <int Bits>
struct Dequantize {
  template <typename... A>
  static void run(A... a) { dequantize<Bits>(a...); }
};

}  // namespace

void gemv_quant_avx2(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n_begin, std::int64_t n_end,
                     float* y, std::int64_t ldy) {
  by_bits<Gemv>(w.bits, w, x, M, n_begin, n_end, y, ldy);
}

void dequantize_rows_avx2(const QuantRows& w, std::int64_t n_begin, std::int64_t rows, float* dst) {
  by_bits<Dequantize>(w.bits, w, n_begin, rows, dst);
}

}  // namespace mlux::ops::cpu
