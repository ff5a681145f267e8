// `mlux generate [--model M] (--prompt TEXT [--chat] [--system S] | --ids 1,2,3) [--max-tokens N]
//  [--temperature T] [--top-k K] [--top-p P] [--min-p P] [--repetition-penalty R] [--seed S]
//  [--stop STR]... [--json]`: streams the continuation to stdout; --json prints
// {"ids": [generated ids], "text": "...", "finish": "eos|stop|length"} at the end instead.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mlux/cli/cli_util.h"
#include "mlux/cli/command.h"
#include "mlux/cli/input_options.h"
#include "mlux/cli/model_option.h"
#include "mlux/error.h"
#include "mlux/generate/generator.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model, prompt, ids, system;
  bool chat = false, json = false;
  generate::GenerateOptions gen;
};

int run(Args& a) {
  auto model = hooks::HookedModel::from_pretrained(a.model);
  std::vector<std::int32_t> ids;
  if (!a.ids.empty()) {
    for (auto v : parse_ids(a.ids)) ids.push_back(std::int32_t(v));
  } else {
    ids = model->tokenize(a.chat ? chat_prompt(*model, a.prompt, a.system) : a.prompt);
  }
  if (!a.json) {
    a.gen.on_token = [](const generate::TokenEvent& ev) {
      std::fputs(ev.text.c_str(), stdout);
      std::fflush(stdout);
      return true;
    };
  }
  const auto result = generate::generate(*model, model->prepare(ids), a.gen);
  if (a.json) {
    nlohmann::json j = {{"ids", result.ids[0]}, {"text", result.texts[0]},
                        {"finish", std::string(generate::finish_reason_name(result.finish[0]))}};
    std::puts(j.dump().c_str());
  } else {
    std::puts("");
  }
  return 0;
}

CommandRegistrar reg("generate", "Continue a prompt, streaming the text", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  auto* p = app.add_option("--prompt,-p", a->prompt, "Prompt text");
  auto* i = app.add_option("--ids", a->ids, "Prompt token ids, comma-separated (used as given)");
  p->excludes(i);
  app.add_flag("--chat", a->chat, "Wrap the prompt as a user message in the model's chat template");
  app.add_option("--system", a->system, "System message (with --chat)");
  app.add_option("--max-tokens,-n", a->gen.max_tokens, "Tokens to generate (default 100)")->check(CLI::Range(0, 1 << 20));
  app.add_option("--temperature,-t", a->gen.sampler.temperature, "0 = greedy (default)");
  app.add_option("--top-k", a->gen.sampler.top_k, "Keep the k most likely tokens (0 = off)");
  app.add_option("--top-p", a->gen.sampler.top_p, "Nucleus sampling mass (1 = off)");
  app.add_option("--min-p", a->gen.sampler.min_p, "Drop tokens below this fraction of the top probability (0 = off)");
  app.add_option("--repetition-penalty", a->gen.sampler.repetition_penalty, "> 1 discourages repeats (1 = off)");
  app.add_option("--seed", a->gen.sampler.seed, "Random seed (default 0)");
  app.add_option("--stop", a->gen.stop_strings, "Stop before this text (repeatable)");
  app.add_flag("--json", a->json, "Print {\"ids\", \"text\", \"finish\"} as JSON");
  return [a] {
    if (a->prompt.empty() && a->ids.empty()) fail("generate: give --prompt TEXT or --ids 1,2,3");
    if (a->chat && !a->ids.empty()) fail("generate: --chat formats text; it cannot be used with --ids");
    return run(*a);
  };
});

}  // namespace
}  // namespace mlux::cli
