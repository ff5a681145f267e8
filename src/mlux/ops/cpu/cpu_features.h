// Run-time CPU feature checks that pick between the AVX2 kernels and their scalar references.
#pragma once

namespace mlux::ops::cpu {

/// AVX2 + FMA + F16C all present (Haswell and later, Zen and later).
bool has_avx2();
/// For tests and benchmarks: force the scalar reference kernels even where AVX2 exists.
void force_reference_kernels(bool on);

}  // namespace mlux::ops::cpu
