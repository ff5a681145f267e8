// `mlux hooks [--model M] [--filter STR] [--aliases] [--json]`: every hook point with the shape it
// has on a short probe prompt and its shape in named dims; --aliases adds the TransformerLens names.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mlux/cli/command.h"
#include "mlux/cli/model_option.h"
#include "mlux/hooks/hooked_model.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model, filter;
  bool aliases = false, json = false;
};

int run(const Args& a) {
  auto m = hooks::HookedModel::from_pretrained(a.model);
  const std::vector<std::int32_t> probe = {1, 2, 3, 4};
  auto [logits, cache] = m->run_with_cache(probe, {"**"});
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : m->points().all()) {
    if (p.path.find(a.filter) == std::string::npos) continue;
    const std::string observed = cache.contains(p.path) ? cache[p.path].shape().to_string() : "";
    if (a.json) out.push_back({{"path", p.path}, {"shape", observed}, {"dims", p.shape}, {"layer", p.layer}});
    else std::printf("%-56s %-18s %s\n", p.path.c_str(), observed.c_str(), p.shape.c_str());
  }
  if (a.aliases) {
    for (const auto& al : m->points().aliases()) {
      if (al.name.find(a.filter) == std::string::npos) continue;
      const auto& p = m->points().at(al.id);
      const char* side = al.side == hooks::PointSide::input ? " (input)" : "";
      if (a.json) out.push_back({{"alias", al.name}, {"path", p.path}, {"side", side[0] ? "input" : "output"}});
      else std::printf("%-56s -> %s%s\n", al.name.c_str(), p.path.c_str(), side);
    }
  }
  if (a.json) std::puts(out.dump(2).c_str());
  else std::printf("(shapes for a 4-token probe; batch=1, pos=4)\n");
  return 0;
}

CommandRegistrar reg("hooks", "List a model's hook points with their shapes", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  app.add_option("--filter", a->filter, "Only points whose path contains this text");
  app.add_flag("--aliases", a->aliases, "Also list the TransformerLens-style aliases");
  app.add_flag("--json", a->json, "Print JSON");
  return [a] { return run(*a); };
});

}  // namespace
}  // namespace mlux::cli
