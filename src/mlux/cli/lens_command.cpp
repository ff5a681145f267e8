// `mlux lens [--model M] (--prompt TEXT | --ids ...) [--probe resid|attn|mlp] [--top-k 3]
//  [--positions -1,-2] [--target " Paris"]... [--json]`: the logit lens as a layer × position grid
// (latest layer on top), each cell the top token and its probability; targets' ranks follow.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mlux/cli/command.h"
#include "mlux/cli/input_options.h"
#include "mlux/cli/model_option.h"
#include "mlux/interp/logit_lens.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model, probe = "resid", positions;
  PromptArgs prompt;
  std::vector<std::string> targets;
  int top_k = 3;
  bool json = false;
};

nlohmann::json predictions_json(const std::vector<interp::Prediction>& ps) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& p : ps) a.push_back({{"id", p.id}, {"token", p.token}, {"logit", p.logit}, {"prob", p.prob}});
  return a;
}

int run(const Args& a) {
  auto m = hooks::HookedModel::from_pretrained(a.model);
  interp::LensOptions o{.probe = interp::lens_probe_from(a.probe), .top_k = a.top_k,
                        .positions = parse_int_list(a.positions, "--positions")};
  for (const auto& t : a.targets) o.targets.push_back(token_of(*m, t));
  const auto r = interp::logit_lens(*m, prompt_input(a.prompt), o);
  if (a.json) {
    nlohmann::json j = {{"rows", r.rows}, {"positions", r.positions}, {"tokens", nlohmann::json::array()},
                        {"grid", nlohmann::json::array()}, {"targets", nlohmann::json::array()}};
    for (const auto& t : r.tokens) j["tokens"].push_back({{"id", t.id}, {"text", t.text}, {"display", t.display}});
    for (const auto& row : r.grid) {
      nlohmann::json jr = nlohmann::json::array();
      for (const auto& cell : row) jr.push_back(predictions_json(cell));
      j["grid"].push_back(jr);
    }
    for (const auto& t : r.targets) j["targets"].push_back({{"id", t.token.id}, {"token", t.token.text}, {"prob", t.prob}, {"rank", t.rank}});
    std::puts(j.dump().c_str());
    return 0;
  }
  const std::size_t w = 14;
  std::printf("%s\n%-6s", m->describe().c_str(), "layer");
  for (int p : r.positions) std::printf(" %s", fit(r.tokens[std::size_t(p)].display, w).c_str());
  std::printf("\n");
  for (std::size_t row = r.rows.size(); row-- > 0;) {
    std::printf("%-6s", r.rows[row].c_str());
    for (const auto& cell : r.grid[row]) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " %.0f%%", 100.0 * cell[0].prob);
      std::printf(" %s", fit(interp::display_text(cell[0].token) + buf, w).c_str());
    }
    std::printf("\n");
  }
  for (const auto& t : r.targets) {
    std::printf("target '%s' rank by layer at position %d:", t.token.display.c_str(), r.positions.back());
    for (std::size_t row = 0; row < r.rows.size(); ++row) std::printf(" %s:%d", r.rows[row].c_str(), t.rank[row].back());
    std::printf("\n");
  }
  return 0;
}

CommandRegistrar reg("lens", "Logit lens: what each layer would predict at each position", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  add_prompt_options(app, a->prompt);
  app.add_option("--probe", a->probe, "resid (default), attn or mlp");
  app.add_option("--top-k", a->top_k, "Predictions per cell (default 3)")->check(CLI::Range(1, 100));
  app.add_option("--positions", a->positions, "Positions to show, comma-separated (negative from the end; default all)");
  app.add_option("--target", a->targets, "Trace this token's rank (its text, e.g. \" Paris\"); repeatable");
  app.add_flag("--json", a->json, "Print JSON");
  return [a] { return run(*a); };
});

}  // namespace
}  // namespace mlux::cli
