#include "mlux/ops/cpu/cpu_features.h"

#include <cpuid.h>

#include <atomic>
#include <cstdlib>

namespace mlux::ops::cpu {
namespace {
std::atomic<bool> g_force_ref{std::getenv("MLUX_FORCE_REFERENCE_KERNELS") != nullptr};
std::atomic<bool> g_avx2_only{std::getenv("MLUX_NO_AVX512") != nullptr};

// CPUID leaf 1, ECX bit 29 (Clang 14's __builtin_cpu_supports does not know "f16c").
bool has_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
}
}  // namespace

bool has_avx2() {
  static const bool hw = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c();
  return hw && !g_force_ref.load(std::memory_order_relaxed);
}

bool has_avx512_vnni() {
  static const bool hw = __builtin_cpu_supports("avx512vnni") != 0 && __builtin_cpu_supports("avx512vl") != 0;
  return hw && has_avx2() && !g_avx2_only.load(std::memory_order_relaxed);
}

void force_reference_kernels(bool on) { g_force_ref.store(on); }

void limit_kernels_to_avx2(bool on) { g_avx2_only.store(on); }

}  // namespace mlux::ops::cpu
