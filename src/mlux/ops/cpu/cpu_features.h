// Run-time CPU feature checks that pick between the AVX2 kernels and their scalar references.
#pragma once

namespace mlux::ops::cpu {

/// AVX2 + FMA + F16C all present (Haswell and later, Zen and later).
bool has_avx2();
/// AVX-512 VNNI with 256-bit vectors (AVX512_VNNI + AVX512VL; Ice Lake, Sapphire Rapids, Zen 4
/// and later) on top of has_avx2(): the int8-activation GEMM's faster kernel. Off when forced to
/// the reference kernels, when limited to AVX2, or with MLUX_NO_AVX512 set in the environment.
bool has_avx512_vnni();
/// For tests and benchmarks: force the scalar reference kernels even where AVX2 exists.
void force_reference_kernels(bool on);
/// For tests and benchmarks: use the AVX2 kernels even where AVX-512 VNNI exists.
void limit_kernels_to_avx2(bool on);

}  // namespace mlux::ops::cpu
