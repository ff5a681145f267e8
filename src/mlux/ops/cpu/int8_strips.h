// The repacked weight panel of the int8-activation GEMM, shared by its AVX2 kernel
// (quant_int8_gemm_avx2.cpp, which also repacks) and its AVX-512 VNNI kernel
// (quant_int8_gemm_vnni.cpp). Layout and arithmetic: quant_int8_gemm_avx2.cpp's header comment.
// Nothing here is an inline function: the two files are compiled for different instruction sets,
// and an inline function emitted by both could be linked to the wrong one.
#pragma once

#include <cstdint>

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

/// AVX-512 VNNI (256-bit vpdpbusd): strips from s0 whose codes are one unsigned byte per input,
/// four inputs of a row per dword (4- and 8-bit codes alike), against every row of x:
/// y[m, n0 + r] for m < x.M and the `rows` real rows (≤ 8 per strip) of the panel from strip s0.
/// Only call after has_avx512_vnni().
void int8_strips_vnni(const StripOperands& x, const PanelView& p, std::int64_t s0, std::int64_t strips,
                      std::int64_t rows, float* y, std::int64_t ldy);

}  // namespace mlux::ops::cpu
