// Micro-benchmarks of the matmul paths on Llama-3.2-1B-sized matrices (K=2048, N=8192), each beside
// its baseline in the same run: the AVX2 GEMV vs the scalar reference, converted panels + sgemm vs
// plain f32 sgemm, MLX-quantized (4 and 8 bits, groups of 64) beside both. Counters: weight bytes
// streamed per second (decode) and GFLOP/s (prefill).
//   ./build/release/mlux_bench --benchmark_filter=Linear
#include <benchmark/benchmark.h>

#include <random>

#include "mlux/ops/cpu/cpu_features.h"
#include "mlux/ops/ops.h"

namespace mlux {
namespace {

Tensor random_tensor(const Shape& shape, DType dtype, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 0.02f);
  std::vector<float> v(std::size_t(shape.numel()));
  for (auto& x : v) x = d(rng);
  return Tensor::from_floats(v, shape).to(dtype);
}

void linear_bench(benchmark::State& state, DType wtype, bool reference) {
  const std::int64_t M = state.range(0), K = 2048, N = 8192;
  const Tensor w = random_tensor({N, K}, wtype, 1), x = random_tensor({M, K}, DType::f32, 2);
  ops::cpu::force_reference_kernels(reference);
  for (auto _ : state) benchmark::DoNotOptimize(ops::linear(x, w));
  ops::cpu::force_reference_kernels(false);
  state.counters["weight_GB/s"] = benchmark::Counter(double(w.nbytes()) * double(state.iterations()) / 1e9,
                                                     benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * double(M * K * N) * double(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}

void BM_LinearBf16(benchmark::State& s) { linear_bench(s, DType::bf16, false); }
void BM_LinearBf16Reference(benchmark::State& s) { linear_bench(s, DType::bf16, true); }
void BM_LinearF16(benchmark::State& s) { linear_bench(s, DType::f16, false); }
void BM_LinearF32(benchmark::State& s) { linear_bench(s, DType::f32, false); }

BENCHMARK(BM_LinearBf16)->Arg(1)->Arg(4)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LinearBf16Reference)->Arg(1)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LinearF16)->Arg(1)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LinearF32)->Arg(1)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();

// MLX-quantized weights (groups of 64) of the same shape, f32 or (…Int8) int8 activations; args: rows
// of x, then K (N = 2^24 / K).
void quantized_bench(benchmark::State& state, int bits, bool reference,
                     ops::QuantizedActivations act = ops::QuantizedActivations::f32) {
  const std::int64_t M = state.range(0), K = state.range(1), N = (std::int64_t(1) << 24) / K;
  const QuantizedTensor w = ops::quantize(random_tensor({N, K}, DType::bf16, 1), {.bits = bits, .group_size = 64});
  const Tensor x = random_tensor({M, K}, DType::f32, 2);
  ops::cpu::force_reference_kernels(reference);
  for (auto _ : state) benchmark::DoNotOptimize(ops::linear(x, w, {}, {.activations = act}));
  ops::cpu::force_reference_kernels(false);
  const double bytes = double(w.weight.nbytes() + w.scales.nbytes() + w.biases.nbytes());
  state.counters["weight_GB/s"] = benchmark::Counter(bytes * double(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * double(M * K * N) * double(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}

void BM_LinearQ4(benchmark::State& s) { quantized_bench(s, 4, false); }
void BM_LinearQ8(benchmark::State& s) { quantized_bench(s, 8, false); }
void BM_LinearQ4Reference(benchmark::State& s) { quantized_bench(s, 4, true); }
void BM_LinearQ4Int8(benchmark::State& s) { quantized_bench(s, 4, false, ops::QuantizedActivations::int8); }
void BM_LinearQ8Int8(benchmark::State& s) { quantized_bench(s, 8, false, ops::QuantizedActivations::int8); }
BENCHMARK(BM_LinearQ4)->Args({1, 2048})->Args({1, 8192})->Args({4, 2048})->Args({128, 2048})->Args({128, 8192})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LinearQ8)->Args({1, 2048})->Args({1, 8192})->Args({4, 2048})->Args({128, 2048})->Args({128, 8192})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LinearQ4Int8)->Args({1, 2048})->Args({1, 8192})->Args({128, 2048})->Args({128, 8192})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LinearQ8Int8)->Args({1, 2048})->Args({1, 8192})->Args({128, 2048})->Args({128, 8192})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LinearQ4Reference)->Args({1, 2048})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Attention(benchmark::State& state) {
  const std::int64_t T = state.range(0);
  const Tensor q = random_tensor({1, T, 32, 64}, DType::f32, 3), k = random_tensor({1, T, 8, 64}, DType::f32, 4),
               v = random_tensor({1, T, 8, 64}, DType::f32, 5);
  for (auto _ : state) benchmark::DoNotOptimize(ops::attention(q, k, v, {.scale = 0.125f}));
}
BENCHMARK(BM_Attention)->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace mlux


