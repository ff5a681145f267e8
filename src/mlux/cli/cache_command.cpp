// `mlux cache [--model M] (--prompt TEXT | --ids 1,2,3) --hooks PATTERN[,PATTERN] --out FILE.safetensors
//  [--npy DIR]`: runs the prompt once and writes the activations at the selected hook points, named
// by their hook paths, with the model, prompt and token ids as metadata.
#include <cstdio>
#include <sstream>

#include "mlux/cli/cli_util.h"
#include "mlux/cli/command.h"
#include "mlux/cli/model_option.h"
#include "mlux/error.h"
#include "mlux/hooks/hooked_model.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model, prompt, ids, hooks, out, npy;
};

int run(const Args& a) {
  auto m = hooks::HookedModel::from_pretrained(a.model);
  std::vector<std::string> selectors;
  std::stringstream ss(a.hooks);
  for (std::string s; std::getline(ss, s, ',');)
    if (!s.empty()) selectors.push_back(s);
  if (selectors.empty()) fail("cache: --hooks needs at least one hook path or pattern, e.g. --hooks 'model.layers.*'");
  hooks::ModelInput input = a.prompt;
  if (!a.ids.empty()) {
    std::vector<std::int32_t> ids;
    for (auto v : parse_ids(a.ids)) ids.push_back(std::int32_t(v));
    input = ids;
  }
  auto [logits, cache] = m->run_with_cache(input, selectors);
  if (!a.out.empty()) cache.save(a.out);
  if (!a.npy.empty()) cache.save_npy(a.npy);
  for (const auto& n : cache.names()) std::printf("%-56s %s\n", n.c_str(), cache[n].shape().to_string().c_str());
  std::printf("%zu tensors%s%s\n", cache.size(), a.out.empty() ? "" : (" -> " + a.out).c_str(),
              a.npy.empty() ? "" : (" and " + a.npy + "/*.npy").c_str());
  return 0;
}

CommandRegistrar reg("cache", "Save the activations at chosen hook points for a prompt", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  auto* p = app.add_option("--prompt,-p", a->prompt, "Prompt text (the BOS rule applies)");
  auto* i = app.add_option("--ids", a->ids, "Token ids, comma-separated");
  p->excludes(i);
  app.add_option("--hooks", a->hooks, "Hook paths, aliases or globs, comma-separated")->required();
  app.add_option("--out,-o", a->out, "Output .safetensors file");
  app.add_option("--npy", a->npy, "Also write one .npy per tensor into this directory");
  return [a] {
    if (a->prompt.empty() && a->ids.empty()) fail("cache: give --prompt TEXT or --ids 1,2,3");
    if (a->out.empty() && a->npy.empty()) fail("cache: give --out FILE.safetensors (and/or --npy DIR)");
    return run(*a);
  };
});

}  // namespace
}  // namespace mlux::cli
