// A full residual patching sweep — every layer × every position of 20-token prompts — by the fast
// path (ragged batches reusing the clean prefix) and by the naive path (one full forward per patch),
// in the same run. Model: $MLUX_BENCH_MODEL (default the demo model); the docs/benchmarks.md figure
// uses the 1B-shaped checkpoint of ../shared/perf:
//   MLUX_BENCH_MODEL=/tmp/mlux-perf/hf-random-llama-1b ./build/release/mlux_bench --benchmark_filter=PatchSweep
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "mlux/interp/patching.h"

namespace mlux {
namespace {

hooks::HookedModel& sweep_model() {
  static auto m = [] {
    const char* dir = std::getenv("MLUX_BENCH_MODEL");
    return hooks::HookedModel::from_pretrained(dir ? dir : "");
  }();
  return *m;
}

std::vector<std::int32_t> prompt(int offset) {
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(100 + 37 * i + offset * (i % 3 == 0 ? 11 : 0));
  return ids;
}

void sweep(benchmark::State& state, bool fast) {
  interp::PatchRequest req;
  req.run.fast = fast;
  std::size_t cells = 0;
  for (auto _ : state) cells = interp::activation_patching(sweep_model(), prompt(1), prompt(0), req).cells.size();
  state.counters["patches"] = double(cells);
}

void BM_PatchSweepFast(benchmark::State& s) { sweep(s, true); }
void BM_PatchSweepNaive(benchmark::State& s) { sweep(s, false); }
BENCHMARK(BM_PatchSweepFast)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_PatchSweepNaive)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace mlux
