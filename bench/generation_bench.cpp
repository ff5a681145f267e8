// Decode speed through generate() (the HookedModel path: sampler, streaming detokenizer, stop
// checks, hook dispatch) beside the bare KV-cached loop `mlux bench` times, in one run. The goal:
// generate() decodes at >= 90% of the bare loop's tokens/s. Both decode kSteps greedy tokens after
// the same 16-token prompt; only the decode steps are timed (generate's through its token
// callback, from the first sampled token to the last). The model is $MLUX_BENCH_MODEL (default:
// the demo model); docs/benchmarks.md uses the 1B-shaped checkpoint of ../shared/perf:
//   MLUX_BENCH_MODEL=/tmp/mlux-perf/hf-random-llama-1b ./build/release/mlux_bench --benchmark_filter=Decode
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>

#include "mlux/generate/generator.h"
#include "mlux/hooks/hooked_model.h"
#include "mlux/ops/ops.h"

namespace mlux {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kSteps = 32;

hooks::HookedModel& model() {
  static auto m = [] {
    const char* dir = std::getenv("MLUX_BENCH_MODEL");
    return hooks::HookedModel::from_pretrained(dir ? dir : "");
  }();
  return *m;
}

std::vector<std::int32_t> prompt_ids() {
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 16; ++i) ids.push_back(100 + 37 * i);
  return ids;
}

std::int64_t greedy(const Tensor& logits) { return ops::argmax(logits.reshape({-1}), 0).to_ints()[0]; }

void report(benchmark::State& state, double seconds) {
  state.SetIterationTime(seconds);
  state.counters["tok/s"] = benchmark::Counter(double(kSteps - 1), benchmark::Counter::kIsIterationInvariantRate);
}

// The engine alone: forward one token with the KV cache, argmax, repeat.
void BM_DecodeBareLoop(benchmark::State& state) {
  const auto& lm = model().model();
  const auto prompt = prompt_ids();
  const std::vector<std::int64_t> ids(prompt.begin(), prompt.end());
  for (auto _ : state) {
    auto cache = lm.make_cache(1);
    cache.reserve(std::int64_t(ids.size()) + kSteps);
    Tensor logits = lm.forward(Tensor::from_data<std::int64_t>(ids, {1, std::int64_t(ids.size())}),
                               {.last_logits_only = true}, &cache).logits;
    std::int64_t next = greedy(logits);
    const auto t0 = Clock::now();  // from the first sampled token, as generate's timing below
    for (int s = 1; s < kSteps; ++s) {
      logits = lm.forward(Tensor::from_data<std::int64_t>(std::span<const std::int64_t>(&next, 1), {1, 1}), {.last_logits_only = true}, &cache).logits;
      next = greedy(logits);
    }
    report(state, std::chrono::duration<double>(Clock::now() - t0).count());
  }
}

void decode_with_generate(benchmark::State& state, const hooks::HookSet* hooks) {
  const auto batch = model().prepare(prompt_ids(), /*add_bos=*/false);
  for (auto _ : state) {
    Clock::time_point first, last;
    generate::GenerateOptions o{.max_tokens = kSteps, .stop_at_eos = false, .hooks = hooks};
    o.on_token = [&](const generate::TokenEvent& e) {
      (e.step == 0 ? first : last) = Clock::now();
      return true;
    };
    benchmark::DoNotOptimize(generate::generate(model(), batch, o));
    report(state, std::chrono::duration<double>(last - first).count());
  }
}

void BM_DecodeGenerate(benchmark::State& state) { decode_with_generate(state, nullptr); }

// A no-op hook on the final norm: hook dispatch active at every step.
void BM_DecodeGenerateOneNoOpHook(benchmark::State& state) {
  auto set = model().hook_set();
  set.add("ln_final.hook_normalized", [](const Tensor&, const hooks::HookContext&) { return std::optional<Tensor>(); });
  decode_with_generate(state, &set);
}

BENCHMARK(BM_DecodeBareLoop)->Unit(benchmark::kMillisecond)->UseManualTime()->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_DecodeGenerate)->Unit(benchmark::kMillisecond)->UseManualTime()->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_DecodeGenerateOneNoOpHook)->Unit(benchmark::kMillisecond)->UseManualTime()->Repetitions(5)->ReportAggregatesOnly();

}  // namespace
}  // namespace mlux
