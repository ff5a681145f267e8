// The benchmark binary's entry point: every bench/*.cpp registers its benchmarks with BENCHMARK().
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
