#include "mlux/ops/cpu/cpu_features.h"

#include <atomic>
#include <cstdlib>

namespace mlux::ops::cpu {
namespace {
std::atomic<bool> g_force_ref{std::getenv("MLUX_FORCE_REFERENCE_KERNELS") != nullptr};
}

bool has_avx2() {
  static const bool hw = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  return hw && !g_force_ref.load(std::memory_order_relaxed);
}

void force_reference_kernels(bool on) { g_force_ref.store(on); }

}  // namespace mlux::ops::cpu
