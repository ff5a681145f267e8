// `mlux heads [--model M] [--length 50] [--trials 4] [--json]`: previous-token and induction scores of
// every attention head on repeated random tokens; the strongest heads of each kind are listed.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mlux/cli/command.h"
#include "mlux/cli/model_option.h"
#include "mlux/interp/head_scores.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model;
  int length = 50, trials = 4;
  bool json = false;
};

void print_table(const char* title, const interp::HeadScores& s, const std::vector<std::vector<float>>& scores) {
  std::printf("%s\n%-6s", title, "layer");
  for (std::size_t h = 0; h < scores.front().size(); ++h) std::printf(" h%-4zu", h);
  std::printf("\n");
  for (std::size_t l = 0; l < scores.size(); ++l) {
    std::printf("%-6d", s.layers[l]);
    for (float x : scores[l]) std::printf(" %5.2f", x);
    std::printf("\n");
  }
}

int run(const Args& a) {
  auto m = hooks::HookedModel::from_pretrained(a.model);
  const auto s = interp::head_scores(*m, {.length = a.length, .trials = a.trials});
  if (a.json) {
    std::puts(nlohmann::json({{"layers", s.layers}, {"previous_token", s.previous_token}, {"induction", s.induction}}).dump().c_str());
    return 0;
  }
  print_table("induction scores", s, s.induction);
  print_table("\nprevious-token scores", s, s.previous_token);
  return 0;
}

CommandRegistrar reg("heads", "Previous-token and induction scores of every attention head", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  app.add_option("--length", a->length, "Length of the random sequence (default 50)")->check(CLI::Range(2, 4096));
  app.add_option("--trials", a->trials, "Sequences averaged (default 4)")->check(CLI::Range(1, 256));
  app.add_flag("--json", a->json, "Print JSON");
  return [a] { return run(*a); };
});

}  // namespace
}  // namespace mlux::cli
