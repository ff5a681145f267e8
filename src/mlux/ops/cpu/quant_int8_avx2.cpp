// AVX2 kernels of the opt-in int8-activation GEMV (quant.h): 4- and 8-bit codes against x
// rounded to int8 per group, integer dot products (vpmaddubsw: u8 × s8 → pairs of s16; vpmaddwd
// with ones → s32), one conversion and one FMA per chunk instead of one per 8 weights.
//  - 4-bit: a 32-byte chunk holds 64 codes; low nibbles are the even elements of each 16-byte
//    half, high nibbles the odd ones, so x's int8 row is split the same way once per call. Pair
//    sums stay below 2·15·127, no saturation.
//  - 8-bit: codes up to 255 would saturate vpmaddubsw's s16 pair sums, so codes and x are widened
//    to s16 and multiplied with vpmaddwd (pair sums ≤ 2·255·127, exact in s32).
#include "mlux/ops/cpu/quant_avx2.h"

#include <algorithm>
#include <vector>

namespace mlux::ops::cpu {
namespace {

using avx2::ensure;
using avx2::hsum;

struct Int8Scratch {
  std::vector<std::int8_t> xq, xa, xb;   // int8 x; 4-bit: the even / odd operand rows
  std::vector<std::int16_t> x16;          // 8-bit: x widened to s16
  std::vector<float> d, dv, xsum, scales, biases;
};

Int8Scratch& scratch() {
  thread_local Int8Scratch s;
  return s;
}

template <int Bits>
constexpr std::int64_t kChunk = Bits == 4 ? 64 : 32;

// The operand rows the 4-bit chunks read, from xq [M, K]: xa = even elements of each 16-byte half
// (low nibbles), xb = odd (high nibbles), zero-padded to whole chunks. Returns their row stride.
std::int64_t arrange4(const std::int8_t* xq, std::int64_t M, std::int64_t K, std::int8_t* xa, std::int8_t* xb) {
  const std::int64_t chunks = (K + 63) / 64, ld = chunks * 32;
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t c = 0; c < chunks; ++c)
      for (int j = 0; j < 32; ++j) {
        const std::int64_t e = c * 64 + (j / 16) * 32 + 2 * (j % 16);  // byte j holds elements e, e + 1
        xa[m * ld + c * 32 + j] = e < K ? xq[m * K + e] : 0;
        xb[m * ld + c * 32 + j] = e < K ? xq[m * K + e + 1] : 0;
      }
  return ld;
}

// Σ over one chunk as 8 int32 lanes, for one x row. 4-bit: lo/hi are the nibble halves of the
// chunk, a/b the even/odd int8 rows. 8-bit: lo/hi are the chunk's two halves widened to s16, a
// the s16 row.
inline __m256i chunk_dot4(__m256i lo, __m256i hi, const std::int8_t* a, const std::int8_t* b) {
  const __m256i xa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a));
  const __m256i xb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
  return _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(lo, xa), _mm256_maddubs_epi16(hi, xb)),
                           _mm256_set1_epi16(1));
}

inline __m256i chunk_dot8(__m256i lo, __m256i hi, const std::int16_t* x) {
  return _mm256_add_epi32(_mm256_madd_epi16(lo, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x))),
                          _mm256_madd_epi16(hi, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 16))));
}

// x as the chunks read it, for rows m0.. of the call (pointers already offset).
struct Operands {
  const std::int8_t* a;     // 4-bit: even elements
  const std::int8_t* b;     // 4-bit: odd elements
  const std::int16_t* x16;  // 8-bit: s16 row
  std::int64_t ld;          // row stride of a, b, x16
  const float* dv;          // int8 steps as each chunk's lanes need them: 8 floats per chunk
  std::int64_t ldd;         // row stride of dv
  const float* xsum;        // [M, groups] Σx per group (f32, for the bias)
};

template <int Bits, int MR>
void rows(const QuantRows& w, const Operands& x, std::int64_t n0, std::int64_t n1, float* y, std::int64_t ldy,
          Int8Scratch& s) {
  const std::int64_t groups = w.groups(), rb = w.code_row_bytes(), sb = groups * std::int64_t(dtype_size(w.scale_type));
  const std::int64_t full = w.K / kChunk<Bits>;
  const bool tail = w.K % kChunk<Bits> != 0;  // 4-bit only: a last chunk of 32 codes
  const avx2::ChunkScale chunk_scale(w.group_size, int(kChunk<Bits>));
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  ensure(s.scales, groups + 1);
  ensure(s.biases, groups);
  s.scales[std::size_t(groups)] = 0.0f;  // read by the empty upper half of a 4-bit tail chunk
  for (std::int64_t n = n0; n < n1; ++n) {
    avx2::widen_scales(w.scale_type, w.scales + n * sb, groups, s.scales.data());
    avx2::widen_scales(w.scale_type, w.biases + n * sb, groups, s.biases.data());
    float bias_term[MR];
    for (int m = 0; m < MR; ++m) bias_term[m] = avx2::dot(s.biases.data(), x.xsum + m * groups, groups);
    const auto* row = reinterpret_cast<const std::uint8_t*>(w.codes + n * rb);
    __m256 tot[MR];
    for (auto& t : tot) t = _mm256_setzero_ps();
    for (std::int64_t c = 0; c < full + (tail ? 1 : 0); ++c) {
      const std::uint8_t* p = row + c * 32;  // a chunk is 32 bytes of codes at both widths
      avx2::prefetch(p + avx2::kPrefetchAhead<Bits>);
      __m256i lo, hi;
      if constexpr (Bits == 4) {
        const __m256i v = c == full ? _mm256_zextsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))
                                    : _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        lo = _mm256_and_si256(v, nibble);
        hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
      } else {
        lo = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        hi = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)));
      }
      for (int m = 0; m < MR; ++m) {
        const __m256i dot = Bits == 4 ? chunk_dot4(lo, hi, x.a + m * x.ld + c * 32, x.b + m * x.ld + c * 32)
                                      : chunk_dot8(lo, hi, x.x16 + m * x.ld + c * 32);
        const __m256 sc = _mm256_mul_ps(chunk_scale(s.scales.data(), c), _mm256_loadu_ps(x.dv + m * x.ldd + 8 * c));
        tot[m] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), sc, tot[m]);
      }
    }
    for (int m = 0; m < MR; ++m) y[m * ldy + n] = hsum(tot[m]) + bias_term[m];
  }
}

template <int Bits>
void gemv(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n0, std::int64_t n1, float* y,
          std::int64_t ldy) {
  Int8Scratch& s = scratch();
  const std::int64_t groups = w.groups();
  ensure(s.xq, M * w.K);
  ensure(s.d, M * w.K / kActivationBlock);
  ensure(s.xsum, M * groups);
  quantize_activations_avx2(x, M, w.K, w.group_size, s.xq.data(), s.d.data(), s.xsum.data());
  Operands ops{};
  if constexpr (Bits == 4) {
    ensure(s.xa, M * ((w.K + 63) / 64 * 32));
    ensure(s.xb, M * ((w.K + 63) / 64 * 32));
    ops.ld = arrange4(s.xq.data(), M, w.K, s.xa.data(), s.xb.data());
  } else {
    ensure(s.x16, M * w.K);
    for (std::int64_t i = 0; i < M * w.K; ++i) s.x16[std::size_t(i)] = s.xq[std::size_t(i)];
    ops.ld = w.K;
  }
  // A chunk's lanes: 4-bit, lanes 0-3 hold block 2c and 4-7 block 2c+1; 8-bit, all block c.
  const std::int64_t blocks = w.K / kActivationBlock, chunks = (w.K + kChunk<Bits> - 1) / kChunk<Bits>;
  ops.ldd = chunks * 8;
  ensure(s.dv, M * ops.ldd);
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t c = 0; c < chunks; ++c)
      for (int l = 0; l < 8; ++l) {
        const std::int64_t b = Bits == 4 ? 2 * c + l / 4 : c;
        s.dv[std::size_t(m * ops.ldd + 8 * c + l)] = b < blocks ? s.d[std::size_t(m * blocks + b)] : 0.0f;
      }
  for (std::int64_t m0 = 0; m0 < M; m0 += 4) {
    Operands o = ops;
    if constexpr (Bits == 4) {
      o.a = s.xa.data() + m0 * ops.ld;
      o.b = s.xb.data() + m0 * ops.ld;
    } else {
      o.x16 = s.x16.data() + m0 * ops.ld;
    }
    o.dv = s.dv.data() + m0 * ops.ldd;
    o.xsum = s.xsum.data() + m0 * groups;
    float* ym = y + m0 * ldy;
    switch (std::min<std::int64_t>(4, M - m0)) {
      case 1: rows<Bits, 1>(w, o, n0, n1, ym, ldy, s); break;
      case 2: rows<Bits, 2>(w, o, n0, n1, ym, ldy, s); break;
      case 3: rows<Bits, 3>(w, o, n0, n1, ym, ldy, s); break;
      default: rows<Bits, 4>(w, o, n0, n1, ym, ldy, s); break;
    }
  }
}

}  // namespace

void quantize_activations_avx2(const float* x, std::int64_t M, std::int64_t K, int group_size, std::int8_t* xq,
                               float* d, float* xsum) {
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)), limit = _mm256_set1_ps(127.0f);
  for (std::int64_t b = 0; b < M * K / kActivationBlock; ++b) {
    const float* xb = x + b * kActivationBlock;
    __m256 v[4], amax = _mm256_setzero_ps();
    for (int i = 0; i < 4; ++i) {
      v[i] = _mm256_loadu_ps(xb + 8 * i);
      amax = _mm256_max_ps(amax, _mm256_and_ps(v[i], abs_mask));
    }
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    const float step = _mm_cvtss_f32(m4) / 127.0f;
    d[b] = step;
    __m256i q[4];
    for (int i = 0; i < 4; ++i) {
      // x/d rounded to nearest even, as std::rint; |x/d| ≤ 127 up to rounding, so clamp as the reference.
      const __m256 r = _mm256_round_ps(_mm256_div_ps(v[i], _mm256_set1_ps(step)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      q[i] = step > 0 ? _mm256_cvtps_epi32(_mm256_min_ps(limit, _mm256_max_ps(_mm256_sub_ps(_mm256_setzero_ps(), limit), r)))
                      : _mm256_setzero_si256();
    }
    // int32 → int16 → int8; packs work per 128-bit lane, so the dwords are put back in order.
    const __m256i w = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(xq + b * kActivationBlock),
                        _mm256_permutevar8x32_epi32(w, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
  }
  for (std::int64_t g = 0; g < M * K / group_size; ++g) {
    __m256 s = _mm256_setzero_ps();
    for (int i = 0; i < group_size; i += 8) s = _mm256_add_ps(s, _mm256_loadu_ps(x + g * group_size + i));
    xsum[g] = hsum(s);
  }
}

void gemv_quant_int8_avx2(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n_begin,
                          std::int64_t n_end, float* y, std::int64_t ldy) {
  if (w.bits == 4) gemv<4>(w, x, M, n_begin, n_end, y, ldy);
  else gemv<8>(w, x, M, n_begin, n_end, y, ldy);
}

}  // namespace mlux::ops::cpu
