#include "mlux/hooks/hook_points.h"

#include <algorithm>

#include "mlux/error.h"
#include "mlux/models/causal_lm.h"
#include "mlux/nn/attention.h"
#include "mlux/nn/decoder_layer.h"
#include "mlux/nn/mlp.h"
#include "mlux/nn/short_conv.h"
#include "mlux/nn/transformer.h"

namespace mlux::hooks {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool match_from(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p[0] == '*') {
      const bool any_depth = p.size() > 1 && p[1] == '*';
      const std::string_view rest = p.substr(any_depth ? 2 : 1);
      for (std::size_t i = 0; i <= s.size(); ++i) {
        if (match_from(rest, s.substr(i))) return true;
        if (i < s.size() && s[i] == '.' && !any_depth) return false;
      }
      return false;
    }
    if (s.empty() || p[0] != s[0]) return false;
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

// What a module point's value is, for docs/hook-points.md.
std::string module_description(const nn::Module& m) {
  if (dynamic_cast<const nn::DecoderLayer*>(&m)) return "the residual stream after the block";
  if (dynamic_cast<const nn::Attention*>(&m)) return "attention output, after the output projection (before any post-attention norm)";
  if (dynamic_cast<const nn::Mlp*>(&m)) return "MLP output (before any post-MLP norm)";
  if (dynamic_cast<const nn::ShortConv*>(&m)) return "short-convolution output, after out_proj";
  if (dynamic_cast<const nn::DepthwiseConv*>(&m)) return "the depthwise causal convolution of B·x";
  if (dynamic_cast<const nn::Norm*>(&m)) return "the normalised input";
  if (dynamic_cast<const nn::Linear*>(&m)) return "projection output";
  if (dynamic_cast<const nn::Embedding*>(&m)) return "embedding rows (before any scaling)";
  if (dynamic_cast<const nn::TransformerBody*>(&m)) return "final-norm output: what the unembedding reads";
  if (dynamic_cast<const nn::TextModel*>(&m) || dynamic_cast<const nn::Wrapper*>(&m)) return "logits (final soft-cap applied)";
  return "module output";
}

int layer_of(const nn::Module& m) {
  const auto dot = m.name().rfind('.');
  return dot == std::string::npos ? -1 : std::stoi(m.name().substr(dot + 1));
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) { return match_from(pattern, path); }

HookPoints::HookPoints(const models::CausalLM& model) {
  points_.resize(std::size_t(model.hook_count()));
  std::function<void(const nn::Module&, int)> walk = [&](const nn::Module& m, int layer) {
    if (dynamic_cast<const nn::DecoderLayer*>(&m)) layer = layer_of(m);
    points_[std::size_t(m.hook_id())] = {m.path(), m.hook_id(), PointKind::module, layer, m.output_shape(),
                                         module_description(m), &m};
    for (const auto& p : m.internal_points())
      points_[std::size_t(*p.id)] = {m.path() + "." + p.name, *p.id, PointKind::internal, layer, p.shape, p.when, &m};
    for (const nn::Module* c : m.children()) walk(*c, layer);
  };
  walk(model.root(), -1);
  for (const auto& p : points_)
    if (!p.path.empty()) listed_.push_back(p);
  add_aliases(model);
}

void HookPoints::add_aliases(const models::CausalLM& model) {
  const nn::TransformerBody& body = model.text_model().body();
  auto add = [&](std::string name, const nn::Module& m, PointSide side = PointSide::output) {
    aliases_.push_back({std::move(name), m.hook_id(), side});
  };
  auto add_point = [&](std::string name, const nn::Module& m, std::string_view point) {
    for (const auto& p : m.internal_points())
      if (p.name == point) aliases_.push_back({std::move(name), *p.id, PointSide::output});
  };
  add("hook_embed", body.embed());
  if (body.pos_embed()) add("hook_pos_embed", *body.pos_embed());
  for (const nn::DecoderLayer* layer : body.layers()) {
    const std::string b = "blocks." + std::to_string(layer_of(*layer)) + ".";
    add(b + "hook_resid_pre", *layer, PointSide::input);
    aliases_.push_back({b + "hook_resid_mid", layer->hook_resid_mid(), PointSide::output});
    add(b + "hook_resid_post", *layer);
    add(b + "ln1.hook_normalized", layer->pre_mixer_norm());
    add(b + "ln2.hook_normalized", layer->pre_mlp_norm());
    add(b + "hook_mlp_out", layer->mlp());
    add_point(b + "mlp.hook_post", layer->mlp(), "hook_post");
    if (dynamic_cast<const nn::Attention*>(&layer->mixer())) {
      add(b + "hook_attn_out", layer->mixer());
      for (const char* p : {"hook_q", "hook_k", "hook_v", "hook_z", "hook_pattern"})
        add_point(b + "attn." + p, layer->mixer(), p);
      add_point(b + "attn.hook_attn_scores", layer->mixer(), "hook_scores");
    }
  }
  add("ln_final.hook_normalized", body.norm());
}

std::optional<Selection> HookPoints::find(std::string_view name) const {
  for (const auto& p : points_)
    if (!p.path.empty() && p.path == name) return Selection{p.id, PointSide::output, p.path};
  for (const auto& a : aliases_)
    if (a.name == name) return Selection{a.id, a.side, a.name};
  return std::nullopt;
}

std::vector<Selection> HookPoints::select(std::string_view selector) const {
  if (auto exact = find(selector)) return {*exact};
  std::vector<Selection> out;
  if (selector.find('*') != std::string_view::npos) {
    for (const auto& p : points_)
      if (!p.path.empty() && glob_match(selector, p.path)) out.push_back({p.id, PointSide::output, p.path});
    for (const auto& a : aliases_)
      if (glob_match(selector, a.name)) out.push_back({a.id, a.side, a.name});
  }
  if (out.empty()) {
    std::string list;
    for (const auto& c : closest(selector)) list += (list.empty() ? "'" : ", '") + c + "'";
    fail("hooks: no hook point matches '", selector, "'. Closest: ", list,
         ". List them all with `mlux hooks --model M` or HookedModel::available_hooks().");
  }
  return out;
}

std::vector<Selection> HookPoints::select(const std::function<bool(const HookPoint&)>& pred) const {
  std::vector<Selection> out;
  for (const auto& p : points_)
    if (!p.path.empty() && pred(p)) out.push_back({p.id, PointSide::output, p.path});
  return out;
}

std::vector<std::string> HookPoints::closest(std::string_view name, std::size_t n) const {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& p : points_)
    if (!p.path.empty()) scored.emplace_back(edit_distance(name, p.path), p.path);
  for (const auto& a : aliases_) scored.emplace_back(edit_distance(name, a.name), a.name);
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < n; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace mlux::hooks
