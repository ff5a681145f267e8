// The cost of hooks on a real forward pass, beside the plain forward in the same run. The model
// is $MLUX_BENCH_MODEL (default: the demo model); the figures in docs/benchmarks.md use the
// 1B-shaped checkpoint of ../shared/perf:
//   MLUX_BENCH_MODEL=/tmp/mlux-perf/hf-random-llama-1b ./build/release/mlux_bench --benchmark_filter=Hooks
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "mlux/hooks/hooked_model.h"

namespace mlux {
namespace {

hooks::HookedModel& model() {
  static auto m = [] {
    const char* dir = std::getenv("MLUX_BENCH_MODEL");
    return hooks::HookedModel::from_pretrained(dir ? dir : "");
  }();
  return *m;
}

hooks::TokenBatch prompt() {
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(100 + 37 * i);
  return model().prepare(ids);
}

void BM_HooksNone(benchmark::State& state) {
  const auto batch = prompt();
  for (auto _ : state) benchmark::DoNotOptimize(model().run(batch, nullptr, nullptr, true));
}

// One no-op hook: every module call goes through the hook dispatcher.
void BM_HooksOneNoOp(benchmark::State& state) {
  const auto batch = prompt();
  auto set = model().hook_set();
  set.add("ln_final.hook_normalized", [](const Tensor&, const hooks::HookContext&) { return std::optional<Tensor>(); });
  for (auto _ : state) benchmark::DoNotOptimize(model().run(batch, &set, nullptr, true));
}

// Capturing every block output (`model.layers.*`).
void BM_HooksCaptureEveryBlock(benchmark::State& state) {
  const auto batch = prompt();
  for (auto _ : state) {
    hooks::ActivationCache cache;
    auto set = model().hook_set();
    set.capture("model.layers.*", cache);
    benchmark::DoNotOptimize(model().run(batch, &set, nullptr, true));
  }
}

BENCHMARK(BM_HooksNone)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_HooksOneNoOp)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_HooksCaptureEveryBlock)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

}  // namespace
}  // namespace mlux
