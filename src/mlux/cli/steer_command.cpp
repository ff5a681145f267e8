// `mlux steer [--model M] (--positive P --negative N [--pair P|N]... | --load FILE) --layer L
//  [--layers ...] [--alpha A | --alphas -1,0,1] --prompt TEXT [--chat] [-n 60] [--temperature T]
//  [--seed S] [--from-position P] [--save FILE] [--json]`: contrastive steering. Prints the vector's
// norm and a suggested alpha, then the steered generation (or one per alpha, side by side in a batch).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mlux/cli/command.h"
#include "mlux/cli/input_options.h"
#include "mlux/cli/model_option.h"
#include "mlux/error.h"
#include "mlux/interp/steering.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model, positive, negative, load, save, layers, alphas, prompt, system;
  std::vector<std::string> pairs;
  int layer = -1, max_tokens = 60, from_position = 0;
  float alpha = 1.0f, temperature = 0.0f;
  std::uint64_t seed = 0;
  bool chat = false, mean = false, json = false;
};

int run(const Args& a) {
  auto m = hooks::HookedModel::from_pretrained(a.model);
  interp::SteeringVector v;
  if (!a.load.empty()) {
    v = interp::SteeringVector::load(a.load);
  } else {
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!a.positive.empty() || !a.negative.empty()) pairs.emplace_back(a.positive, a.negative);
    for (const auto& p : a.pairs) {
      const auto bar = p.find('|');
      if (bar == std::string::npos) fail("--pair: '", p, "' is not POSITIVE|NEGATIVE");
      pairs.emplace_back(p.substr(0, bar), p.substr(bar + 1));
    }
    if (pairs.empty()) fail("steer: give --positive and --negative (or --pair P|N, or --load FILE)");
    const int layer = a.layer >= 0 ? a.layer : int(2 * m->config().n_layers / 3);  // the original's default
    v = interp::compute_steering_vector(*m, pairs, layer,
                                        {.method = a.mean ? interp::SteeringMethod::mean_tokens : interp::SteeringMethod::last_token});
  }
  if (!a.save.empty()) v.save(a.save);
  const std::string text = a.chat && !a.prompt.empty() ? chat_prompt(*m, a.prompt, a.system) : a.prompt;
  std::vector<float> alphas;
  if (!a.alphas.empty()) {
    std::stringstream ss(a.alphas);
    for (std::string item; std::getline(ss, item, ',');) alphas.push_back(std::stof(item));
  } else {
    alphas = {a.alpha};
  }
  const interp::SteerOptions where{.layers = parse_int_list(a.layers, "--layers"), .first_position = a.from_position};
  std::vector<std::string> texts;
  if (!text.empty())
    texts = interp::compare_alphas(*m, text, v, alphas, {.max_tokens = a.max_tokens, .sampler = {.temperature = a.temperature, .seed = a.seed}}, where);
  if (a.json) {
    nlohmann::json j = {{"layer", v.layer}, {"norm", v.norm()}, {"suggested_alpha", interp::suggest_alpha(v)}, {"results", nlohmann::json::array()}};
    for (std::size_t i = 0; i < texts.size(); ++i) j["results"].push_back({{"alpha", alphas[i]}, {"text", texts[i]}});
    if (!a.save.empty()) j["saved"] = a.save;
    std::puts(j.dump().c_str());
    return 0;
  }
  std::printf("steering vector: layer %d, norm %.2f, suggested alpha %.2f%s\n", v.layer, v.norm(), interp::suggest_alpha(v),
              a.save.empty() ? "" : (", saved to " + a.save).c_str());
  for (std::size_t i = 0; i < texts.size(); ++i) std::printf("\nalpha %+.2f:\n%s%s\n", alphas[i], text.c_str(), texts[i].c_str());
  return 0;
}

CommandRegistrar reg("steer", "Contrastive steering: a direction from prompt pairs, added while generating", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  app.add_option("--positive", a->positive, "Positive-direction prompt");
  app.add_option("--negative", a->negative, "Negative-direction prompt");
  app.add_option("--pair", a->pairs, "Another POSITIVE|NEGATIVE pair (averaged); repeatable");
  app.add_option("--load", a->load, "Use a saved steering vector (.safetensors)");
  app.add_option("--save", a->save, "Save the steering vector (.safetensors)");
  app.add_option("--layer", a->layer, "Layer whose output gives the vector (default: 2/3 of the depth)");
  app.add_option("--layers", a->layers, "Layers to steer, comma-separated (default: the vector's layer)");
  app.add_flag("--mean", a->mean, "Mean over the prompts' tokens instead of the last token");
  app.add_option("--alpha,-a", a->alpha, "Strength (default 1)");
  app.add_option("--alphas", a->alphas, "Several strengths, comma-separated: one generation each, as one batch");
  app.add_option("--from-position", a->from_position, "Steer only from this absolute position on (default 0: everything)");
  app.add_option("--prompt,-p", a->prompt, "Prompt to generate from");
  app.add_flag("--chat", a->chat, "Wrap the prompt in the chat template");
  app.add_option("--system", a->system, "System message (with --chat)");
  app.add_option("--max-tokens,-n", a->max_tokens, "Tokens to generate (default 60)");
  app.add_option("--temperature,-t", a->temperature, "0 = greedy (default)");
  app.add_option("--seed", a->seed, "Random seed");
  app.add_flag("--json", a->json, "Print JSON");
  return [a] { return run(*a); };
});

}  // namespace
}  // namespace mlux::cli
