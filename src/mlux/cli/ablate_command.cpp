// `mlux ablate [--model M] (--prompt TEXT | --ids ...) [--kind mean|zero|resample] [--resample TEXT]
//  [--site resid|attn|mlp|head] [--layers ...] [--positions ...] [--heads ...] [--json]`: how much
// each (layer, position) matters for the clean top token. The grid shows p_clean − p_ablated:
// '+' cells hurt when ablated (the position was important), '-' cells help; shade = size.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mlux/cli/command.h"
#include "mlux/cli/input_options.h"
#include "mlux/cli/model_option.h"
#include "mlux/interp/ablation.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model, kind = "mean", resample, site = "resid", layers, positions, heads;
  PromptArgs prompt;
  bool json = false;
};

int run(const Args& a) {
  auto m = hooks::HookedModel::from_pretrained(a.model);
  interp::AblationOptions o{.kind = interp::ablation_kind_from(a.kind), .site = interp::site_from(a.site),
                            .layers = parse_int_list(a.layers, "--layers"), .positions = parse_int_list(a.positions, "--positions"),
                            .heads = parse_int_list(a.heads, "--heads")};
  if (!a.resample.empty()) o.resample_from = hooks::ModelInput(a.resample);
  if (!a.json)
    o.on_layer = [](int layer, const std::vector<float>&) { std::fprintf(stderr, "\rlayer %d done", layer); };
  const auto r = interp::ablate(*m, prompt_input(a.prompt), o);
  if (a.json) {
    nlohmann::json j = {{"baseline", {{"token", r.baseline.token}, {"id", r.baseline.id}, {"prob", r.baseline.prob}}},
                        {"layers", r.layers}, {"positions", r.positions}, {"heads", r.heads}, {"effects", r.effects},
                        {"tokens", nlohmann::json::array()}};
    for (const auto& t : r.tokens) j["tokens"].push_back(t.text);
    std::puts(j.dump().c_str());
    return 0;
  }
  std::fprintf(stderr, "\n");
  std::printf("baseline: '%s' p=%.3f; %s ablation of %s; effect = p_clean - p_ablated\n", interp::display_text(r.baseline.token).c_str(),
              r.baseline.prob, a.kind.c_str(), a.site.c_str());
  float mx = 0;
  for (const auto& row : r.effects)
    for (float e : row) mx = std::max(mx, std::fabs(e));
  const char* shades[] = {" ", "░", "▒", "▓", "█"};
  const std::size_t H = r.heads.size();
  for (std::size_t pi = 0; pi < r.positions.size(); ++pi) {
    std::printf("%s", fit(r.tokens[std::size_t(r.positions[pi])].display, 12).c_str());
    for (std::size_t l = 0; l < r.layers.size(); ++l)
      for (std::size_t h = 0; h < H; ++h) {
        const float e = r.effects[l][pi * H + h];
        const int level = mx > 0 ? int(std::round(4 * std::fabs(e) / mx)) : 0;
        std::printf("%s%s", level == 0 ? " " : (e > 0 ? "+" : "-"), shades[level]);
      }
    std::printf("\n");
  }
  std::printf("%-12s", "layer");
  for (int l : r.layers) std::printf("%-*d", int(2 * H), l % 100);
  std::printf("\nlargest |effect| %.3f\n", mx);
  return 0;
}

CommandRegistrar reg("ablate", "Ablation: which layer × position matters for the next token", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  add_prompt_options(app, a->prompt);
  app.add_option("--kind", a->kind, "mean (default, the original explorer's), zero or resample");
  app.add_option("--resample", a->resample, "The prompt to take values from (--kind resample)");
  app.add_option("--site", a->site, "resid (default), attn, mlp or head");
  app.add_option("--layers", a->layers, "Layers, comma-separated (default all)");
  app.add_option("--positions", a->positions, "Positions, comma-separated (default all)");
  app.add_option("--heads", a->heads, "Heads for --site head (default all)");
  app.add_flag("--json", a->json, "Print JSON");
  return [a] { return run(*a); };
});

}  // namespace
}  // namespace mlux::cli
