// `mlux patch [--model M] --source TEXT --target TEXT [--site resid|attn|mlp|head] [--layers ...]
//  [--positions S:T,...] [--heads ...] [--token TEXT]... [--logit-diff A,B] [--top-k 3]
//  [--continue N] [--naive] [--json]`: activation patching from source into target. One position
// pair prints a row per layer (the original explorer); several print a layer × position grid of the
// top token, '*' where it differs from the clean target's.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mlux/cli/command.h"
#include "mlux/cli/input_options.h"
#include "mlux/cli/model_option.h"
#include "mlux/interp/patching.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model, site = "resid", layers, positions, heads, logit_diff;
  PromptArgs source, target;
  std::vector<std::string> tokens;
  int top_k = 3, continue_tokens = 0;
  bool naive = false, json = false;
};

std::vector<std::pair<int, int>> parse_pairs(const std::string& text) {
  std::vector<std::pair<int, int>> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) fail("--positions: '", item, "' is not SOURCE:TARGET (e.g. 5:7, or -1:-1)");
    const auto s = parse_int_list(item.substr(0, colon), "--positions"), t = parse_int_list(item.substr(colon + 1), "--positions");
    if (s.size() != 1 || t.size() != 1) fail("--positions: '", item, "' is not SOURCE:TARGET");
    out.emplace_back(s[0], t[0]);
  }
  return out;
}

nlohmann::json outcome_json(const interp::PatchOutcome& o) {
  nlohmann::json top = nlohmann::json::array();
  for (const auto& p : o.top) top.push_back({{"id", p.id}, {"token", p.token}, {"prob", p.prob}, {"logit", p.logit}});
  return {{"top", top}, {"token_probs", o.token_probs}, {"logit_diff", o.logit_diff}, {"kl", o.kl}, {"effect", o.effect}};
}

std::string cell_text(const interp::PatchOutcome& o) {
  char buf[32];
  std::snprintf(buf, sizeof buf, " %.0f%%", 100.0 * o.top[0].prob);
  return interp::display_text(o.top[0].token) + buf;
}

int run(const Args& a) {
  auto m = hooks::HookedModel::from_pretrained(a.model);
  interp::PatchRequest req{.site = interp::site_from(a.site), .layers = parse_int_list(a.layers, "--layers"),
                           .positions = parse_pairs(a.positions), .heads = parse_int_list(a.heads, "--heads")};
  req.metrics.top_k = a.top_k;
  for (const auto& t : a.tokens) req.metrics.tokens.push_back(token_of(*m, t));
  if (!a.logit_diff.empty()) {
    const auto comma = a.logit_diff.find(',');
    if (comma == std::string::npos) fail("--logit-diff: give two tokens as A,B (e.g. \" yellow, green\")");
    req.metrics.logit_diff = {{token_of(*m, a.logit_diff.substr(0, comma)), token_of(*m, a.logit_diff.substr(comma + 1))}};
  }
  req.run.fast = !a.naive;
  const auto src = prompt_input(a.source, "--source TEXT or --source-ids"), dst = prompt_input(a.target, "--target TEXT or --target-ids");
  const auto r = interp::activation_patching(*m, src, dst, req);
  if (a.json) {
    nlohmann::json j = {{"site", a.site}, {"clean", outcome_json(r.clean)}, {"source", outcome_json(r.source)},
                        {"layers", r.layers}, {"positions", r.positions}, {"heads", r.heads}, {"cells", nlohmann::json::array()}};
    for (const auto& c : r.cells)
      j["cells"].push_back({{"layer", c.layer}, {"source_pos", c.source_pos}, {"target_pos", c.target_pos}, {"head", c.head},
                            {"outcome", outcome_json(c.outcome)}});
    std::puts(j.dump().c_str());
    return 0;
  }
  std::printf("clean target: %s    source: %s\n", cell_text(r.clean).c_str(), cell_text(r.source).c_str());
  if (r.positions.size() == 1 && r.heads.size() == 1) {
    const auto [s, t] = r.positions[0];
    std::printf("patching %s from source position %d into target position %d\n", a.site.c_str(), s, t);
    for (std::size_t l = r.layers.size(); l-- > 0;) {
      const auto& o = r.at(l, 0).outcome;
      std::printf("L%-3d %s", r.layers[l], o.top[0].id != r.clean.top[0].id ? "*" : " ");
      for (const auto& p : o.top) std::printf("  %s", fit(interp::display_text(p.token) + " " + std::to_string(int(100 * p.prob + 0.5f)) + "%", 14).c_str());
      if (req.metrics.logit_diff) std::printf("  diff %+.2f effect %+.2f", o.logit_diff, o.effect);
      if (a.continue_tokens > 0)
        std::printf("  → %s", interp::display_text(interp::patched_continuation(*m, src, dst, req.site, r.at(l, 0), a.continue_tokens)).c_str());
      std::printf("\n");
    }
    return 0;
  }
  for (std::size_t h = 0; h < r.heads.size(); ++h) {
    if (r.heads[h] >= 0) std::printf("head %d\n", r.heads[h]);
    std::printf("%-5s", "");
    for (auto [s, t] : r.positions) std::printf(" %s", fit(r.target_tokens[std::size_t(t)].display, 12).c_str());
    std::printf("\n");
    for (std::size_t l = r.layers.size(); l-- > 0;) {
      std::printf("L%-4d", r.layers[l]);
      for (std::size_t p = 0; p < r.positions.size(); ++p) {
        const auto& o = r.at(l, p, h).outcome;
        std::printf(" %s", fit((o.top[0].id != r.clean.top[0].id ? "*" : "") + cell_text(o), 12).c_str());
      }
      std::printf("\n");
    }
  }
  return 0;
}

CommandRegistrar reg("patch", "Activation patching from a source prompt into a target prompt", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  add_prompt_options(app, a->source, "source");
  add_prompt_options(app, a->target, "target");
  app.add_option("--site", a->site, "resid (block output, default), attn, mlp or head");
  app.add_option("--layers", a->layers, "Layers, comma-separated (default all)");
  app.add_option("--positions", a->positions, "SOURCE:TARGET position pairs, comma-separated (default: every position)");
  app.add_option("--heads", a->heads, "Heads for --site head (default all)");
  app.add_option("--token", a->tokens, "Report this token's probability; repeatable");
  app.add_option("--logit-diff", a->logit_diff, "Two tokens A,B: report logit[A] - logit[B] and the normalised effect");
  app.add_option("--top-k", a->top_k, "Predictions per cell (default 3)")->check(CLI::Range(1, 50));
  app.add_option("--continue", a->continue_tokens, "Also generate this many tokens after each patch (one position pair)");
  app.add_flag("--naive", a->naive, "One full forward per patch instead of the fast sweep");
  app.add_flag("--json", a->json, "Print JSON");
  return [a] { return run(*a); };
});

}  // namespace
}  // namespace mlux::cli
