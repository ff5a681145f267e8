// `mlux bench --model M [--prompt-tokens 128] [--gen-tokens 64] [--threads N] [--runs 3]
//  [--int8-activations] [--weights auto|read|mapped] [--json]`:
// the workload of ../shared/perf (llama-bench's pp/tg), so mlux and llama.cpp are measured alike.
//   load     wall time to read or map the checkpoint and build the model
//   prefill  N random token ids in one call, logits for the last position only
//   decode   after a 16-token prompt (untimed), G greedy steps of one token (argmax included)
// One warm-up, then `runs` timed runs: median (min–max). Also peak RSS, a read-bandwidth probe and
// the bandwidth decode achieved (weight bytes × decode tok/s: every weight is read once per token).
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "mlux/cli/cli_util.h"
#include "mlux/cli/command.h"
#include "mlux/cli/model_option.h"
#include "mlux/models/causal_lm.h"
#include "mlux/ops/ops.h"
#include "mlux/tensor/storage.h"

namespace mlux::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string model;
  int prompt_tokens = 128, gen_tokens = 64, threads = 0, runs = 3;
  bool json = false, int8_activations = false;
  std::string weights = "auto";
};

struct Stat {
  double median = 0, min = 0, max = 0;
};

Stat summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

Tensor random_ids(std::int64_t n, std::int64_t vocab, std::mt19937& rng) {
  std::uniform_int_distribution<std::int64_t> d(0, vocab - 1);
  std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
  for (auto& x : ids) x = d(rng);
  return Tensor::from_data<std::int64_t>(ids, {1, n});
}

// GB/s reading a 512 MiB buffer with every thread (what decode speed is bounded by).
double read_bandwidth() {
  const std::size_t n = (std::size_t(512) << 20) / sizeof(float);
  std::vector<float> buf(n, 1.0f);
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = Clock::now();
    double sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
    for (std::size_t i = 0; i < n; i += 16) {
      float s = 0;
      for (int j = 0; j < 16; ++j) s += buf[i + std::size_t(j)];
      sum += s;
    }
    const double t = seconds_since(t0);
    if (sum < 0) std::puts("");  // keep the loop
    best = std::max(best, double(n * sizeof(float)) / t / 1e9);
  }
  return best;
}

std::int64_t greedy(const Tensor& logits) { return ops::argmax(logits.reshape({-1}), 0).to_ints()[0]; }

// How far the int8-activation model is from the exact one, both fed the same tokens: a 16-token
// prompt (the many-row kernels; every position's logits compared), then `steps` tokens chosen
// greedily by the exact model (the few-row kernels; one position each).
struct LogitError {
  double max_abs = 0, mean_kl = 0, top1 = 0;  // KL(exact ‖ int8) in nats; top-1 agreement fraction
  int positions = 0;

  // logits [..., V] of both models, every position compared.
  void add(const Tensor& exact, const Tensor& int8) {
    const std::int64_t V = exact.dim(-1), T = exact.numel() / V;
    const auto pe = ops::log_softmax(exact.reshape({T, V})).to_floats(), pi = ops::log_softmax(int8.reshape({T, V})).to_floats();
    const auto ve = exact.to_floats(), vi = int8.to_floats();
    for (std::int64_t t = 0; t < T; ++t) {
      const std::size_t b = std::size_t(t * V), e = b + std::size_t(V);
      double kl = 0;
      for (std::size_t v = b; v < e; ++v) {
        kl += std::exp(double(pe[v])) * (double(pe[v]) - double(pi[v]));
        max_abs = std::max(max_abs, double(std::fabs(ve[v] - vi[v])));
      }
      const bool same_top = std::max_element(ve.begin() + long(b), ve.begin() + long(e)) - ve.begin() ==
                            std::max_element(vi.begin() + long(b), vi.begin() + long(e)) - vi.begin();
      // Running means over every position seen so far.
      ++positions;
      mean_kl += (kl - mean_kl) / positions;
      top1 += ((same_top ? 1.0 : 0.0) - top1) / positions;
    }
  }
};

struct Int8Error {
  LogitError prefill, decode;
};

Int8Error int8_logit_error(const models::CausalLM& int8_model, const std::string& dir, int steps, std::mt19937& rng) {
  auto exact = models::CausalLM::load(dir);
  auto ce = exact->make_cache(1), ci = int8_model.make_cache(1);
  Tensor ids = random_ids(16, exact->config().vocab_size, rng);
  Int8Error e;
  Tensor le = exact->forward(ids, {}, &ce).logits;
  e.prefill.add(le, int8_model.forward(ids, {}, &ci).logits);
  for (int s = 0; s < steps; ++s) {
    const Tensor last = le.reshape({-1, le.dim(-1)}).select(0, -1);  // the last position
    ids = Tensor::from_data<std::int64_t>(std::vector<std::int64_t>{greedy(last)}, {1, 1});
    le = exact->forward(ids, {}, &ce).logits;
    e.decode.add(le, int8_model.forward(ids, {}, &ci).logits);
  }
  return e;
}

int run(const Args& a) {
  if (a.threads > 0) omp_set_num_threads(a.threads);  // OpenBLAS stays single-threaded (ops/linalg.cpp)
  const int threads = omp_get_max_threads();
  const auto t_load = Clock::now();
  models::LoadOptions load_options;
  if (a.int8_activations) load_options.quantized_activations = ops::QuantizedActivations::int8;
  load_options.weights = *io::parse_file_access(a.weights);  // CLI11 admitted only the known names
  const std::string dir = resolve_model_arg(a.model).string();
  auto model = models::CausalLM::load(dir, load_options);
  const double load_s = seconds_since(t_load);
  const std::int64_t vocab = model->config().vocab_size;
  std::mt19937 rng(1234);

  // Prefill: a fresh cache each run, logits for the last position only.
  std::vector<double> pp;
  for (int r = 0; r <= a.runs; ++r) {
    const std::int64_t n = r == 0 ? std::min(32, a.prompt_tokens) : a.prompt_tokens;  // run 0: warm-up
    const Tensor ids = random_ids(n, vocab, rng);
    auto cache = model->make_cache(1);
    const auto t0 = Clock::now();
    (void)model->forward(ids, {.last_logits_only = true}, &cache);
    if (r > 0) pp.push_back(double(n) / seconds_since(t0));
  }
  // Decode: 16-token prompt, then single-token greedy steps.
  std::vector<double> tg;
  for (int r = 0; r <= a.runs; ++r) {
    const int steps = r == 0 ? 16 : a.gen_tokens;
    auto cache = model->make_cache(1);
    cache.reserve(16 + steps);
    Tensor logits = model->forward(random_ids(16, vocab, rng), {.last_logits_only = true}, &cache).logits;
    const auto t0 = Clock::now();
    for (int s = 0; s < steps; ++s) {
      const std::vector<std::int64_t> next = {greedy(logits)};
      logits = model->forward(Tensor::from_data<std::int64_t>(next, {1, 1}), {.last_logits_only = true}, &cache).logits;
    }
    if (r > 0) tg.push_back(double(steps) / seconds_since(t0));
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double rss_gib = double(ru.ru_maxrss) / (1024.0 * 1024.0);
  const double bw = read_bandwidth();
  const Int8Error err = a.int8_activations ? int8_logit_error(*model, dir, 32, rng) : Int8Error{};
  const Stat p = summarize(pp), g = summarize(tg);
  const double roofline = bw * 1e9 / double(model->weight_bytes());
  const double streamed = double(model->weight_bytes()) * g.median / 1e9;  // every weight is read once per token
  const std::size_t files_read = model->weight_files_read(), files = model->weight_file_count();
  const std::string access = files_read == files ? "read" : files_read == 0 ? "mapped" : "mixed";

  if (a.json) {
    nlohmann::json j = {{"model", a.model}, {"describe", model->describe()}, {"threads", threads},
                        {"int8_activations", a.int8_activations}, {"weights", access},
                        {"weight_bytes", model->weight_bytes()}, {"load_s", load_s},
                        {"prefill_tokens", a.prompt_tokens}, {"prefill_tok_s", {{"median", p.median}, {"min", p.min}, {"max", p.max}}},
                        {"decode_tokens", a.gen_tokens}, {"decode_tok_s", {{"median", g.median}, {"min", g.min}, {"max", g.max}}},
                        {"peak_rss_gib", rss_gib}, {"read_bandwidth_gb_s", bw}, {"decode_roofline_tok_s", roofline},
                        {"decode_weight_gb_s", streamed},
                        {"prefill_runs", pp}, {"decode_runs", tg}};
    if (a.int8_activations) {
      const auto entry = [](const LogitError& l) {
        return nlohmann::json{{"positions", l.positions}, {"max_abs", l.max_abs}, {"mean_kl", l.mean_kl}, {"top1_agreement", l.top1}};
      };
      j["int8_logit_error"] = {{"prefill", entry(err.prefill)}, {"decode", entry(err.decode)}};
    }
    std::puts(j.dump(2).c_str());
    return 0;
  }
  std::printf("%s, %d threads\n", model->describe().c_str(), threads);
  std::printf("  load          %.2f s (%s of weights, %s: %zu of %zu files read into memory)\n", load_s,
              format_bytes(model->weight_bytes()).c_str(), access.c_str(), files_read, files);
  std::printf("  prefill %-4d  %.1f tok/s (%.1f–%.1f)\n", a.prompt_tokens, p.median, p.min, p.max);
  std::printf("  decode %-4d   %.2f tok/s (%.2f–%.2f), %.0f%% of the %.2f tok/s bandwidth roofline\n", a.gen_tokens,
              g.median, g.min, g.max, 100.0 * g.median / roofline, roofline);
  std::printf("  decode reads  %.1f GB/s of weights\n", streamed);
  std::printf("  peak RSS      %.2f GiB\n", rss_gib);
  std::printf("  read BW       %.1f GB/s\n", bw);
  if (a.int8_activations)
    for (const auto& [what, l] : {std::pair{"prefill", &err.prefill}, std::pair{"decode", &err.decode}})
      std::printf("  int8 vs f32   %-7s logits: max |Δ| %.3g, mean KL %.3g, top-1 agreement %.2f (%d positions)\n", what,
                  l->max_abs, l->mean_kl, l->top1, l->positions);
  return 0;
}

CommandRegistrar reg("bench", "Measure load, prefill and decode speed and peak memory", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  app.add_option("--prompt-tokens", a->prompt_tokens, "Prefill length (default 128)")->check(CLI::Range(1, 65536));
  app.add_option("--gen-tokens", a->gen_tokens, "Decode steps (default 64)")->check(CLI::Range(1, 65536));
  app.add_option("--threads", a->threads, "Threads (default: all cores)")->check(CLI::Range(1, 1024));
  app.add_option("--runs", a->runs, "Timed runs after one warm-up (default 3)")->check(CLI::Range(1, 100));
  app.add_flag("--int8-activations", a->int8_activations,
               "Quantized layers round their input to int8 (opt-in, faster decode, approximate logits)");
  app.add_option("--weights", a->weights,
                 "How weight files reach memory: read (into huge-page memory), mapped (mmap), or auto "
                 "(read when a file takes at most half the available memory; default)")
      ->check(CLI::IsMember({"auto", "read", "mapped"}));
  app.add_flag("--json", a->json, "Print JSON");
  return [a] { return run(*a); };
});

}  // namespace
}  // namespace mlux::cli
