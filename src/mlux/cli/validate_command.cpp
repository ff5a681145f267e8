// `mlux validate [MODEL]`: the original's three smoke checks on a model — the logit lens on a French
// prompt, the Josh/Alex binding patch, free generation — printed as they run, then a summary.
// A check fails on an error or on non-finite numbers; exit code 0 when all pass, 1 otherwise.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>

#include "mlux/cli/command.h"
#include "mlux/generate/generator.h"
#include "mlux/interp/logit_lens.h"
#include "mlux/interp/patching.h"

namespace mlux::cli {
namespace {

const char* kSource = "Setup: Josh has a yellow book. Jesse has a black book. Alex has a green book.\nAnswer: The color of Josh's book is";
const char* kTarget = "Setup: Jesse has a black book. Alex has a green book. Josh has a yellow book.\nAnswer: The color of Alex's book is";

// The last token whose text contains `name` (case-insensitive), else the second-to-last token.
int position_of(const hooks::HookedModel& m, const std::string& prompt, std::string name) {
  const auto ids = m.tokenize(prompt);
  for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = ids.size(); i-- > 0;) {
    std::string t = interp::token_info(m, ids[i]).text;
    for (auto& c : t) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (!t.empty() && (name.find(t) != std::string::npos || t.find(name) != std::string::npos) && t.size() > 1) return int(i);
  }
  return int(ids.size()) - 2;
}

void check_finite(const std::vector<interp::Prediction>& ps) {
  for (const auto& p : ps)
    if (!std::isfinite(p.logit) || !std::isfinite(p.prob)) fail("non-finite logits");
}

void lens_check(const hooks::HookedModel& m) {
  const auto r = interp::logit_lens(m, "Le contraire de \"petit\" est \"", {.top_k = 3, .positions = {-1}});
  for (std::size_t row = 0; row < r.rows.size(); ++row) {
    check_finite(r.grid[row][0]);
    std::printf("  L%-5s '%s' (%+.1f)\n", r.rows[row].c_str(), interp::display_text(r.grid[row][0][0].token).c_str(), r.grid[row][0][0].logit);
  }
}

void patching_check(const hooks::HookedModel& m) {
  const int s = position_of(m, kSource, "Josh"), t = position_of(m, kTarget, "Alex");
  std::printf("  source position %d, target position %d\n", s, t);
  const auto r = interp::activation_patching(m, kSource, kTarget, {.positions = {{s, t}}, .metrics = {.top_k = 1}});
  check_finite(r.clean.top);
  std::printf("  baseline: '%s'\n", interp::display_text(r.clean.top[0].token).c_str());
  for (const auto& c : r.cells) {
    check_finite(c.outcome.top);
    std::printf("  L%-3d '%s'\n", c.layer, interp::display_text(c.outcome.top[0].token).c_str());
  }
}

void generation_check(const hooks::HookedModel& m) {
  const auto r = generate::generate(m, m.prepare("The capital of France is"), {.max_tokens = 20, .sampler = {.temperature = 0.7f}});
  std::printf("  The capital of France is%s\n", r.texts[0].c_str());
  if (r.ids[0].empty() && r.finish[0] != generate::FinishReason::eos) fail("nothing generated");
}

int run(const std::string& model) {
  std::printf("mlux validate\n");
  auto m = hooks::HookedModel::from_pretrained(model);
  const auto c = m->config();
  std::printf("Loaded: %s\n  layers %lld, heads %lld (KV %lld), head dim %lld\n", m->describe().c_str(), (long long)c.n_layers,
              (long long)c.n_heads, (long long)c.n_kv_heads, (long long)c.d_head);
  if (auto bits = m->quantization_bits()) std::printf("  quantization: %d-bit\n", *bits);
  const std::vector<std::pair<const char*, std::function<void(const hooks::HookedModel&)>>> checks = {
      {"Logit Lens", lens_check}, {"Activation Patching", patching_check}, {"Generation", generation_check}};
  std::vector<bool> passed;
  for (const auto& [name, fn] : checks) {
    std::printf("\n%s\n", name);
    try {
      fn(*m);
      passed.push_back(true);
      std::printf("  ✓\n");
    } catch (const std::exception& e) {
      passed.push_back(false);
      std::printf("  ✗ %s\n", e.what());
    }
  }
  std::printf("\nSummary\n");
  for (std::size_t i = 0; i < checks.size(); ++i) std::printf("  %s: %s\n", checks[i].first, passed[i] ? "✓ PASS" : "✗ FAIL");
  return std::all_of(passed.begin(), passed.end(), [](bool b) { return b; }) ? 0 : 1;
}

CommandRegistrar reg("validate", "Smoke-check a model: logit lens, binding patch, generation", [](CLI::App& app) {
  auto model = std::make_shared<std::string>();
  app.add_option("model", *model, "Model directory (default: the demo model)");
  return [model] { return run(*model); };
});

}  // namespace
}  // namespace mlux::cli
