#include "mlux/interp/edits.h"

#include <algorithm>
#include <map>

#include "mlux/nn/attention.h"
#include "mlux/ops/ops.h"
#include "mlux/tensor/copy.h"

namespace mlux::interp {
namespace {

const nn::DecoderLayer& layer_at(const hooks::HookedModel& m, int layer) {
  const auto& layers = m.model().text_model().body().layers();
  if (layer < 0 || layer >= int(layers.size()))
    fail("edit: layer ", layer, " is out of range (the model has ", layers.size(), " layers)");
  return *layers[std::size_t(layer)];
}

// Replaces position `pos` (batch row 0) of `value` with `with` (a head's slice for heads).
Tensor replaced(const Tensor& value, std::int64_t pos, int head, const Tensor& with) {
  Tensor out = value.clone();
  Tensor dst = out.select(0, 0).select(0, pos);
  if (head >= 0) dst = dst.select(0, head);
  if (dst.shape() != with.shape())
    fail("edit: the replacement is ", with.shape(), " but the activation there is ", dst.shape());
  copy_convert(with, dst);
  return out;
}

bool ragged_supported(const hooks::HookedModel& m) {
  for (const auto* l : m.model().text_model().body().layers())
    if (l->type() == nn::LayerType::conv) return false;
  return true;
}

void report(const EditOptions& opt, std::size_t done, std::size_t total) {
  if (opt.progress && !opt.progress(done, total)) throw Cancelled();
}

Tensor naive(const hooks::HookedModel& m, const hooks::TokenBatch& prompt, Site site, const std::vector<Edit>& edits,
             const EditOptions& opt) {
  std::vector<Tensor> rows;
  for (std::size_t i = 0; i < edits.size(); ++i) {
    const Edit& e = edits[i];
    auto set = m.hook_set();
    set.add(site_path(m, site, e.layer), [&](const Tensor& v, const hooks::HookContext&) {
      return std::optional<Tensor>(replaced(v, e.position, e.head, e.value));
    });
    rows.push_back(m.run(prompt, &set, nullptr, true).logits.reshape({1, -1}));
    report(opt, i + 1, edits.size());
  }
  return ops::concatenate(rows, 0);
}

// The clean run's values every ragged batch needs: each layer's input, keys and values.
struct CleanRun {
  std::vector<Tensor> layer_input;  // [1, T, D]
  std::vector<Tensor> keys, values; // [1, T, Hkv, Dh] per attention layer
};

CleanRun clean_run(const hooks::HookedModel& m, const hooks::TokenBatch& prompt) {
  const auto& layers = m.model().text_model().body().layers();
  hooks::ActivationCache cache;
  auto set = m.hook_set();
  for (std::size_t j = 0; j < layers.size(); ++j) {
    set.capture("blocks." + std::to_string(j) + ".hook_resid_pre", cache);
    set.capture(layers[j]->mixer().path() + ".hook_k", cache).capture(layers[j]->mixer().path() + ".hook_v", cache);
  }
  m.run(prompt, &set);
  CleanRun c;
  for (std::size_t j = 0; j < layers.size(); ++j) {
    c.layer_input.push_back(cache["blocks." + std::to_string(j) + ".hook_resid_pre"]);
    c.keys.push_back(cache[layers[j]->mixer().path() + ".hook_k"]);
    c.values.push_back(cache[layers[j]->mixer().path() + ".hook_v"]);
  }
  return c;
}

// Edits `idx` (all at one layer) as one ragged batch: each re-runs positions p..T from that layer on.
Tensor ragged_group(const hooks::HookedModel& m, const CleanRun& clean, std::int64_t T, Site site,
                    const std::vector<Edit>& edits, const std::vector<std::size_t>& idx) {
  const int layer = edits[idx.front()].layer;
  nn::Segments segs;
  std::vector<Tensor> inputs;
  std::vector<std::int32_t> positions;
  segs.offsets.push_back(0);
  for (std::size_t i : idx) {
    const std::int64_t p = edits[i].position;
    inputs.push_back(clean.layer_input[std::size_t(layer)].slice(1, p, T));
    for (std::int64_t t = p; t < T; ++t) positions.push_back(std::int32_t(t));
    segs.offsets.push_back(segs.offsets.back() + (T - p));
  }
  segs.prefix = [&](std::int64_t l, std::size_t s) -> std::pair<Tensor, Tensor> {
    const std::int64_t p = edits[idx[s]].position;
    if (p == 0) return {Tensor(), Tensor()};
    return {clean.keys[std::size_t(l)].slice(1, 0, p), clean.values[std::size_t(l)].slice(1, 0, p)};
  };
  auto set = m.hook_set();
  set.add(site_path(m, site, layer), [&](const Tensor& v, const hooks::HookContext&) {
    Tensor out = v;
    for (std::size_t s = 0; s < idx.size(); ++s) out = replaced(out, segs.offsets[s], edits[idx[s]].head, edits[idx[s]].value);
    return std::optional<Tensor>(out);
  });
  nn::RunContext ctx;
  const std::int64_t M = segs.offsets.back();
  ctx.positions = Tensor::from_data<std::int32_t>(positions, {1, M});
  ctx.total_length = T;
  ctx.hooks = &set;
  ctx.segments = &segs;
  Tensor h = ops::concatenate(inputs, 1);
  const auto& layers = m.model().text_model().body().layers();
  for (std::size_t j = std::size_t(layer); j < layers.size(); ++j) h = (*layers[j])(h, ctx);
  std::vector<Tensor> last;
  for (std::size_t s = 0; s < idx.size(); ++s) last.push_back(h.slice(1, segs.offsets[s + 1] - 1, segs.offsets[s + 1]));
  nn::RunContext plain;
  const Tensor normed = m.model().text_model().body().norm()(ops::concatenate(last, 1), plain);
  return m.model().text_model().unembed(normed, plain).select(0, 0);  // [n, V]
}

}  // namespace

Site site_from(const std::string& name) {
  if (name == "resid") return Site::resid;
  if (name == "attn" || name == "attn_out") return Site::attn_out;
  if (name == "mlp" || name == "mlp_out") return Site::mlp_out;
  if (name == "head" || name == "z") return Site::head;
  fail("patching: unknown site '", name, "' (resid, attn, mlp, head)");
}

std::string_view site_name(Site s) {
  switch (s) {
    case Site::resid: return "resid";
    case Site::attn_out: return "attn";
    case Site::mlp_out: return "mlp";
    case Site::head: return "head";
  }
  return "?";
}

std::string site_path(const hooks::HookedModel& m, Site site, int layer) {
  const nn::DecoderLayer& l = layer_at(m, layer);
  switch (site) {
    case Site::resid: return l.path();
    case Site::attn_out: return l.mixer().path();
    case Site::mlp_out: return l.mlp().path();
    case Site::head:
      if (!dynamic_cast<const nn::Attention*>(&l.mixer()))
        fail("edit: layer ", layer, " has no attention heads (it is a '", models::layer_type_name(l.type()), "' layer)");
      return l.mixer().path() + ".hook_z";
  }
  return "";
}

std::vector<Tensor> site_values(const hooks::HookedModel& m, const hooks::TokenBatch& prompt, Site site,
                                const std::vector<int>& layers) {
  hooks::ActivationCache cache;
  auto set = m.hook_set();
  for (int l : layers) set.capture(site_path(m, site, l), cache);
  m.run(prompt, &set);
  std::vector<Tensor> out;
  for (int l : layers) out.push_back(cache[site_path(m, site, l)].select(0, 0));
  return out;
}

Tensor run_edits(const hooks::HookedModel& m, const hooks::TokenBatch& prompt, Site site, const std::vector<Edit>& edits,
                 const EditOptions& opt) {
  if (prompt.batch() != 1) fail("edit: give one prompt (got ", prompt.batch(), ")");
  if (edits.empty()) fail("edit: no edits to run");
  const std::int64_t T = prompt.length();
  for (const auto& e : edits) {
    (void)site_path(m, site, e.layer);  // validates the layer
    if (e.position < 0 || e.position >= T) fail("edit: position ", e.position, " is out of range for a ", T, "-token prompt");
    if (site == Site::head && (e.head < 0 || e.head >= m.config().n_heads))
      fail("edit: head ", e.head, " is out of range (the model has ", m.config().n_heads, " heads)");
  }
  if (!opt.fast || !ragged_supported(m)) return naive(m, prompt, site, edits, opt);

  const CleanRun clean = clean_run(m, prompt);
  std::map<int, std::vector<std::size_t>> by_layer;
  for (std::size_t i = 0; i < edits.size(); ++i) by_layer[edits[i].layer].push_back(i);
  std::vector<Tensor> rows(edits.size());
  std::size_t done = 0;
  for (const auto& [layer, all] : by_layer) {
    for (std::size_t start = 0; start < all.size();) {  // split groups larger than max_tokens
      std::vector<std::size_t> group;
      std::size_t tokens = 0;
      while (start < all.size() && (group.empty() || tokens + std::size_t(T - edits[all[start]].position) <= opt.max_tokens)) {
        tokens += std::size_t(T - edits[all[start]].position);
        group.push_back(all[start++]);
      }
      const Tensor logits = ragged_group(m, clean, T, site, edits, group);
      for (std::size_t s = 0; s < group.size(); ++s) rows[group[s]] = logits.slice(0, std::int64_t(s), std::int64_t(s) + 1);
      done += group.size();
      report(opt, done, edits.size());
    }
  }
  return ops::concatenate(rows, 0);
}

}  // namespace mlux::interp
