#include "mlux/interp/logit_lens.h"

#include <algorithm>

#include "mlux/error.h"
#include "mlux/ops/ops.h"

namespace mlux::interp {

LensProbe lens_probe_from(const std::string& name) {
  if (name == "resid") return LensProbe::resid;
  if (name == "attn" || name == "attn_out") return LensProbe::attn_out;
  if (name == "mlp" || name == "mlp_out") return LensProbe::mlp_out;
  fail("logit lens: unknown probe '", name, "' (resid, attn, mlp)");
}

LensResult logit_lens(const hooks::HookedModel& model, const hooks::ModelInput& input, const LensOptions& opt) {
  if (opt.top_k < 1) fail("logit lens: top_k must be ≥ 1, got ", opt.top_k);
  const hooks::TokenBatch batch = model.prepare(input);
  if (batch.batch() != 1) fail("logit lens: give one prompt (got ", batch.batch(), ")");
  const std::int64_t T = batch.length();
  LensResult r;
  r.tokens = token_infos(model, batch.rows[0]);
  for (int p : opt.positions.empty() ? std::vector<int>() : opt.positions) {
    const int q = p < 0 ? int(T) + p : p;
    if (q < 0 || q >= T) fail("logit lens: position ", p, " is out of range for a ", T, "-token prompt");
    r.positions.push_back(q);
  }
  if (opt.positions.empty())
    for (int p = 0; p < T; ++p) r.positions.push_back(p);

  // One forward capturing the probe at every layer.
  const auto& layers = model.model().text_model().body().layers();
  std::vector<std::string> names;
  if (opt.probe == LensProbe::resid) {
    names.push_back("blocks.0.hook_resid_pre");
    r.rows.push_back("embed");
    r.row_layers.push_back(-1);
  }
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const nn::DecoderLayer& l = *layers[i];
    names.push_back(opt.probe == LensProbe::resid      ? l.path()
                    : opt.probe == LensProbe::attn_out ? l.mixer().path()
                                                       : l.mlp().path());
    r.rows.push_back(std::to_string(i));
    r.row_layers.push_back(int(i));
  }
  hooks::ActivationCache cache;
  auto set = model.hook_set();
  for (const auto& n : names) set.capture(n, cache);
  model.run(batch, &set);

  // Rows × positions gathered into one matrix, normed and unembedded in one call.
  std::vector<Tensor> picked;
  for (const auto& n : names)
    for (int p : r.positions) picked.push_back(cache[n].select(0, 0).slice(0, p, p + 1));
  nn::RunContext ctx;
  const Tensor normed = model.model().text_model().body().norm()(ops::concatenate(picked, 0).unsqueeze(0), ctx);
  const Tensor logits = model.model().text_model().unembed(normed, ctx).select(0, 0);  // [rows·P, V]

  const std::size_t P = r.positions.size();
  r.grid.assign(names.size(), std::vector<std::vector<Prediction>>(P));
  for (std::int32_t id : opt.targets) {
    if (id < 0 || id >= logits.dim(1)) fail("logit lens: target id ", id, " is outside the vocabulary");
    r.targets.push_back({token_info(model, id), std::vector<std::vector<float>>(names.size(), std::vector<float>(P)),
                         std::vector<std::vector<int>>(names.size(), std::vector<int>(P))});
  }
  for (std::size_t row = 0; row < names.size(); ++row) {
    for (std::size_t j = 0; j < P; ++j) {
      const Tensor l = logits.select(0, std::int64_t(row * P + j));
      r.grid[row][j] = top_k(model, l, opt.top_k);
      if (r.targets.empty()) continue;
      const std::vector<float> v = l.to_floats();
      const Tensor probs = ops::softmax(l, -1);
      const std::vector<float> pv = probs.to_floats();
      for (auto& t : r.targets) {
        const float x = v[std::size_t(t.token.id)];
        t.prob[row][j] = pv[std::size_t(t.token.id)];
        t.rank[row][j] = 1 + int(std::count_if(v.begin(), v.end(), [&](float y) { return y > x; }));
      }
    }
  }
  return r;
}

}  // namespace mlux::interp
