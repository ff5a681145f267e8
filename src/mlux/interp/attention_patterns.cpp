#include "mlux/interp/attention_patterns.h"

#include <algorithm>

#include "mlux/error.h"
#include "mlux/ops/ops.h"

namespace mlux::interp {
namespace {

std::string list_ints(const std::vector<int>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s;
}

}  // namespace

std::map<int, Tensor> attention_patterns(const hooks::HookedModel& model, const hooks::ModelInput& input,
                                         const std::vector<int>& layers, const PatternOptions& options) {
  const hooks::ModelShape cfg = model.config();
  if (layers.empty()) fail("attention_patterns: no layers requested; attention layers are ", list_ints(cfg.attention_layers));
  for (int h : options.heads)
    if (h < 0 || h >= cfg.n_heads) fail("attention_patterns: head ", h, " is out of range (the model has ", cfg.n_heads, " heads)");
  hooks::ActivationCache cache;
  hooks::HookSet set = model.hook_set();
  std::map<int, std::string> path_of;
  for (int layer : layers) {
    if (layer < 0 || layer >= cfg.n_layers)
      fail("attention_patterns: layer ", layer, " is out of range (the model has ", cfg.n_layers, " layers)");
    if (std::find(cfg.attention_layers.begin(), cfg.attention_layers.end(), layer) == cfg.attention_layers.end())
      fail("attention_patterns: layer ", layer, " is a '", cfg.layer_types[std::size_t(layer)],
           "' layer with no attention. Attention layers: ", list_ints(cfg.attention_layers), ".");
    // The pattern point of that layer's attention module, whatever the family calls it.
    const auto sel = model.points().select([&](const hooks::HookPoint& p) {
      return p.layer == layer && p.kind == hooks::PointKind::internal && p.path.ends_with(".hook_pattern");
    });
    path_of[layer] = model.points().at(sel.at(0).id).path;
    set.capture(path_of[layer], cache);
  }
  model.run(model.prepare(input), &set);
  std::map<int, Tensor> out;
  for (const auto& [layer, path] : path_of) {
    Tensor p = cache[path];
    if (!options.heads.empty()) {
      std::vector<Tensor> picked;
      for (int h : options.heads) picked.push_back(p.slice(1, h, h + 1));
      p = ops::concatenate(picked, 1);
    }
    out[layer] = p;
  }
  return out;
}

}  // namespace mlux::interp
