// AVX2 building blocks shared by the quantized kernels (quant_gemv_avx2.cpp, quant_dequant_avx2.cpp).
// Include only from files compiled with -mavx2 -mfma -mf16c (named *_avx2.cpp).
//
// Codes become int32 lanes in one of two orders:
//  - natural (unpack8): 8 consecutive codes → lanes 0..7. Any bit width: the `bits` bytes that
//    hold them are broadcast to every 64-bit lane, a byte shuffle gives each lane the two bytes its
//    code lives in, a variable shift and a mask finish it. 8-bit codes are a plain zero-extension.
//  - permuted (4-bit GEMV): 64 codes (32 bytes) at once, low and high nibbles split with two ANDs,
//    then four byte shuffles per nibble half spread them to lanes; the activation row is permuted
//    the same way once per call (permute_x4), so no weight is ever put back in order.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "mlux/ops/cpu/quant.h"
#include "mlux/ops/cpu/simd_avx2.h"
#include "mlux/tensor/half.h"

namespace mlux::ops::cpu::avx2 {

/// How far ahead of the chunk being read the GEMVs prefetch a row's codes, in bytes: 4096 codes
/// (with the next rows, as rows are contiguous). The hardware prefetcher alone left decode well
/// short of the memory bandwidth (measured: 4-bit int8 decode about 1.3×, 8-bit 1.2× with it).
template <int Bits>
constexpr std::int64_t kPrefetchAhead = 512 * Bits;

inline void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }

/// Grows a thread-local scratch vector to at least n elements (never shrinks: reused across calls).
template <typename T>
void ensure(std::vector<T>& v, std::int64_t n) {
  if (v.size() < std::size_t(n)) v.resize(std::size_t(n));
}

/// n scales (or biases) of dtype t at p (any alignment) → f32 out[0..n).
inline void widen_scales(DType t, const std::byte* p, std::int64_t n, float* out) {
  std::int64_t i = 0;
  if (t == DType::f32) {
    std::memcpy(out, p, std::size_t(n) * 4);
    return;
  }
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, t == DType::bf16 ? bf16x8(p + 2 * i)
                                               : _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * i))));
  for (; i < n; ++i) {
    std::uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    out[i] = t == DType::bf16 ? bf16_to_f32(h) : f16_to_f32(h);
  }
}

/// Shuffle, shift and mask that turn 8 codes of `bits` bits (held in bytes 0..bits-1 of every
/// 64-bit lane) into eight int32 lanes, natural order.
struct Unpack8 {
  __m256i windows, shifts, mask;
  explicit Unpack8(int bits) {
    alignas(32) std::int8_t win[32];
    alignas(32) std::int32_t sh[8];
    for (int i = 0; i < 8; ++i) {
      const int bit = i * bits, lane = i / 4, dword = i % 4;
      for (int b = 0; b < 4; ++b) {
        // Bytes o and o+1 hold the code (bits ≤ 8 and offset ≤ 7 span at most 16 bits).
        const int src = b < 2 ? bit / 8 + b : -128;
        win[lane * 16 + dword * 4 + b] = std::int8_t(src < 0 ? -128 : src);
      }
      sh[i] = bit % 8;
    }
    windows = _mm256_load_si256(reinterpret_cast<const __m256i*>(win));
    shifts = _mm256_load_si256(reinterpret_cast<const __m256i*>(sh));
    mask = _mm256_set1_epi32((1 << bits) - 1);
  }
};

/// Codes 8j..8j+7 of a row whose codes are `bits` wide: p = row + j·bits bytes.
template <int Bits>
inline __m256i unpack8(const std::uint8_t* p, const Unpack8& u) {
  if constexpr (Bits == 8) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  } else {
    std::uint64_t v = 0;
    std::memcpy(&v, p, Bits);  // exactly the bytes of these 8 codes: never reads past the row
    const __m256i b = _mm256_set1_epi64x(std::int64_t(v));
    return _mm256_and_si256(_mm256_srlv_epi32(_mm256_shuffle_epi8(b, u.windows), u.shifts), u.mask);
  }
}

/// Byte shuffles of the permuted 4-bit order: nib_spread[k] puts bytes 4k..4k+3 of each 128-bit
/// lane into the low byte of that lane's four dwords.
struct Nibbles {
  __m256i low_mask = _mm256_set1_epi8(0x0f);
  __m256i spread[4];
  Nibbles() {
    for (int k = 0; k < 4; ++k) {
      alignas(32) std::int8_t idx[32];
      for (int lane = 0; lane < 2; ++lane)
        for (int d = 0; d < 4; ++d)
          for (int b = 0; b < 4; ++b) idx[lane * 16 + d * 4 + b] = std::int8_t(b == 0 ? 4 * k + d : -128);
      spread[k] = _mm256_load_si256(reinterpret_cast<const __m256i*>(idx));
    }
  }
};

/// Position in the row of permuted element (chunk c, vector v in 0..7, lane l in 0..7): vector
/// 2k holds low nibbles and 2k+1 high nibbles of bytes 4k..4k+3 of each 16-byte half.
inline std::int64_t permuted4_index(std::int64_t c, int v, int l) {
  const int k = v / 2, nibble = v % 2;
  return c * 64 + (l < 4 ? 0 : 32) + 8 * k + 2 * (l % 4) + nibble;
}

/// The scale of chunk c (`chunk` codes) from per-group values s: one group's, broadcast; or when a
/// chunk of 64 spans two groups of 32, each 128-bit lane its own (lanes hold 32 codes each, as the
/// permuted 4-bit order puts them). `shift` = log2(group_size / chunk) when the group is larger:
/// no division in the loop.
struct ChunkScale {
  bool split;
  int shift;
  ChunkScale(int group_size, int chunk) : split(group_size < chunk), shift(0) {
    while ((chunk << shift) < group_size) ++shift;
  }
  __m256 operator()(const float* s, std::int64_t c) const {
    if (split) return _mm256_setr_m128(_mm_broadcast_ss(s + 2 * c), _mm_broadcast_ss(s + 2 * c + 1));
    return _mm256_broadcast_ss(s + (c >> shift));
  }
};

/// Σ a[i]·b[i] over n floats.
inline float dot(const float* a, const float* b, std::int64_t n) {
  __m256 acc = _mm256_setzero_ps();
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
  float s = hsum(acc);
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

/// out[i] = a[i]·b[i] over n floats.
inline void multiply(const float* a, const float* b, std::int64_t n, float* out) {
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  for (; i < n; ++i) out[i] = a[i] * b[i];
}

}  // namespace mlux::ops::cpu::avx2
