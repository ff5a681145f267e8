#include "mlux/interp/patching.h"

#include <cmath>

#include "mlux/generate/generator.h"
#include "mlux/ops/ops.h"
#include "mlux/tensor/copy.h"

namespace mlux::interp {
namespace {

int normalize_position(int p, std::int64_t T, const char* which) {
  const int q = p < 0 ? int(T) + p : p;
  if (q < 0 || q >= T) fail("patching: ", which, " position ", p, " is out of range for a ", T, "-token prompt");
  return q;
}

float diff_of(const Tensor& logits_row, const PatchMetricsOptions& m) {
  if (!m.logit_diff) return 0.0f;
  const auto v = logits_row.to_floats();
  return v[std::size_t(m.logit_diff->first)] - v[std::size_t(m.logit_diff->second)];
}

}  // namespace

PatchOutcome outcome_of(const hooks::HookedModel& model, const Tensor& row, const Tensor& clean_row,
                        const PatchMetricsOptions& m, float clean_diff, float source_diff) {
  PatchOutcome o;
  o.top = top_k(model, row, m.top_k);
  const auto lp = ops::log_softmax(row, -1).to_floats(), lc = ops::log_softmax(clean_row, -1).to_floats();
  for (std::int32_t id : m.tokens) o.token_probs.push_back(float(std::exp(lp.at(std::size_t(id)))));
  double kl = 0;
  for (std::size_t i = 0; i < lp.size(); ++i) kl += std::exp(double(lc[i])) * (double(lc[i]) - lp[i]);
  o.kl = float(std::max(0.0, kl));
  o.logit_diff = diff_of(row, m);
  const float span = source_diff - clean_diff;
  o.effect = m.logit_diff && span != 0.0f ? (o.logit_diff - clean_diff) / span : 0.0f;
  return o;
}

const PatchCell& PatchResult::at(std::size_t l, std::size_t p, std::size_t h) const {
  return cells.at((l * positions.size() + p) * heads.size() + h);
}

PatchResult activation_patching(const hooks::HookedModel& model, const hooks::ModelInput& source,
                                const hooks::ModelInput& target, const PatchRequest& req) {
  const hooks::TokenBatch src = model.prepare(source), dst = model.prepare(target);
  if (src.batch() != 1 || dst.batch() != 1) fail("patching: give one source and one target prompt");
  const auto cfg = model.config();
  for (auto id : req.metrics.tokens)
    if (id < 0 || id >= cfg.d_vocab) fail("patching: token id ", id, " is outside the vocabulary");
  if (req.metrics.logit_diff)
    for (auto id : {req.metrics.logit_diff->first, req.metrics.logit_diff->second})
      if (id < 0 || id >= cfg.d_vocab) fail("patching: token id ", id, " is outside the vocabulary");
  PatchResult r;
  r.source_tokens = token_infos(model, src.rows[0]);
  r.target_tokens = token_infos(model, dst.rows[0]);

  r.layers = req.layers;
  if (r.layers.empty())
    r.layers = req.site == Site::head ? cfg.attention_layers : [&] {
      std::vector<int> all(std::size_t(cfg.n_layers));
      for (int i = 0; i < cfg.n_layers; ++i) all[std::size_t(i)] = i;
      return all;
    }();
  if (req.positions.empty()) {
    if (src.length() != dst.length())
      fail("patching: the source has ", src.length(), " tokens and the target ", dst.length(),
           ", so positions do not line up. Make the prompts tokenize to the same length, or give explicit (source, target) positions.");
    for (int p = 0; p < dst.length(); ++p) r.positions.emplace_back(p, p);
  } else {
    for (auto [s, t] : req.positions)
      r.positions.emplace_back(normalize_position(s, src.length(), "source"), normalize_position(t, dst.length(), "target"));
  }
  r.heads = {-1};
  if (req.site == Site::head) {
    r.heads = req.heads;
    if (r.heads.empty())
      for (int h = 0; h < cfg.n_heads; ++h) r.heads.push_back(h);
    for (int h : r.heads)
      if (h < 0 || h >= cfg.n_heads) fail("patching: head ", h, " is out of range (the model has ", cfg.n_heads, " heads)");
  }

  // Source values at the site for every layer, then one edit per cell.
  const std::vector<Tensor> values = site_values(model, src, req.site, r.layers);
  const Tensor clean_row = model.run(dst, nullptr, nullptr, true).logits.reshape({-1});
  const Tensor source_row = model.run(src, nullptr, nullptr, true).logits.reshape({-1});
  const float clean_diff = diff_of(clean_row, req.metrics), source_diff = diff_of(source_row, req.metrics);
  r.clean = outcome_of(model, clean_row, clean_row, req.metrics, clean_diff, source_diff);
  r.source = outcome_of(model, source_row, clean_row, req.metrics, clean_diff, source_diff);
  if (req.together) {
    const auto pairs = r.positions;
    r.positions = {{-1, -1}};
    for (std::size_t li = 0; li < r.layers.size(); ++li)
      for (int h : r.heads) {
        auto set = model.hook_set();
        set.add(site_path(model, req.site, r.layers[li]), [&](const Tensor& value, const hooks::HookContext&) {
          Tensor out = value.clone();
          for (auto [s, t] : pairs) {
            Tensor d = out.select(0, 0).select(0, t), v = values[li].select(0, s);
            if (h >= 0) d = d.select(0, h), v = v.select(0, h);
            copy_convert(v, d);
          }
          return std::optional<Tensor>(out);
        });
        const Tensor row = model.run(dst, &set, nullptr, true).logits.reshape({-1});
        r.cells.push_back({r.layers[li], -1, -1, h, outcome_of(model, row, clean_row, req.metrics, clean_diff, source_diff)});
      }
    return r;
  }
  std::vector<Edit> edits;
  for (std::size_t li = 0; li < r.layers.size(); ++li)
    for (auto [s, t] : r.positions)
      for (int h : r.heads) {
        Tensor v = values[li].select(0, s);
        if (h >= 0) v = v.select(0, h);
        edits.push_back({r.layers[li], t, h, v.contiguous()});
        r.cells.push_back({r.layers[li], s, t, h, {}});
      }
  const Tensor logits = run_edits(model, dst, req.site, edits, req.run);
  for (std::size_t i = 0; i < r.cells.size(); ++i)
    r.cells[i].outcome = outcome_of(model, logits.select(0, std::int64_t(i)), clean_row, req.metrics, clean_diff, source_diff);
  return r;
}

std::string patched_continuation(const hooks::HookedModel& model, const hooks::ModelInput& source,
                                 const hooks::ModelInput& target, Site site, const PatchCell& cell, int max_tokens) {
  const hooks::TokenBatch src = model.prepare(source), dst = model.prepare(target);
  const std::vector<Tensor> values = site_values(model, src, site, {cell.layer});
  Tensor v = values[0].select(0, cell.source_pos);
  if (cell.head >= 0) v = v.select(0, cell.head);
  v = v.contiguous();
  auto set = model.hook_set();
  // Only the prefill holds the target position; decode steps pass through untouched.
  set.add(site_path(model, site, cell.layer), [&](const Tensor& value, const hooks::HookContext& ctx) -> std::optional<Tensor> {
    if (ctx.positions.dim(1) <= cell.target_pos) return std::nullopt;
    Tensor out = value.clone();
    Tensor d = out.select(0, 0).select(0, cell.target_pos);
    if (cell.head >= 0) d = d.select(0, cell.head);
    copy_convert(v, d);
    return out;
  });
  return generate::generate(model, dst, {.max_tokens = max_tokens, .hooks = &set}).texts[0];
}

}  // namespace mlux::interp
