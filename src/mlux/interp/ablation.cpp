#include "mlux/interp/ablation.h"

#include <cmath>

#include "mlux/ops/ops.h"

namespace mlux::interp {

AblationKind ablation_kind_from(const std::string& name) {
  if (name == "zero") return AblationKind::zero;
  if (name == "mean") return AblationKind::mean;
  if (name == "resample") return AblationKind::resample;
  fail("ablation: unknown kind '", name, "' (zero, mean, resample)");
}

AblationResult ablate(const hooks::HookedModel& m, const hooks::ModelInput& prompt, const AblationOptions& o) {
  const hooks::TokenBatch batch = m.prepare(prompt);
  if (batch.batch() != 1) fail("ablation: give one prompt");
  const std::int64_t T = batch.length();
  const auto cfg = m.config();
  AblationResult r;
  r.tokens = token_infos(m, batch.rows[0]);
  r.layers = o.layers;
  if (r.layers.empty())
    for (int l = 0; l < cfg.n_layers; ++l)
      if (o.site != Site::head || cfg.layer_types[std::size_t(l)] != "conv") r.layers.push_back(l);
  r.positions = o.positions;
  if (r.positions.empty())
    for (int p = 0; p < T; ++p) r.positions.push_back(p);
  for (int& p : r.positions) {
    if (p < 0) p += int(T);
    if (p < 0 || p >= T) fail("ablation: position out of range for a ", T, "-token prompt");
  }
  r.heads = {-1};
  if (o.site == Site::head) {
    r.heads = o.heads;
    if (r.heads.empty())
      for (int h = 0; h < cfg.n_heads; ++h) r.heads.push_back(h);
  }

  const Tensor clean = m.run(batch, nullptr, nullptr, true).logits.reshape({-1});
  r.baseline = top_k(m, clean, 1)[0];
  std::vector<Tensor> replacement_source;  // per layer: [pos, ...] values the ablation puts in
  if (o.kind == AblationKind::mean) replacement_source = site_values(m, batch, o.site, r.layers);
  if (o.kind == AblationKind::resample) {
    if (!o.resample_from) fail("ablation: resample needs the prompt to resample from (resample_from)");
    replacement_source = site_values(m, m.prepare(*o.resample_from), o.site, r.layers);
  }
  const Tensor shape_probe = site_values(m, batch, o.site, {r.layers.front()})[0];  // [T, D] or [T, H, Dh]

  for (std::size_t li = 0; li < r.layers.size(); ++li) {
    std::vector<Edit> edits;
    for (int p : r.positions)
      for (int h : r.heads) {
        Tensor v;
        switch (o.kind) {
          case AblationKind::zero: v = Tensor::zeros(h >= 0 ? Shape{shape_probe.dim(2)} : Shape{shape_probe.dim(-1)}); break;
          case AblationKind::mean: {
            const Tensor mean = ops::mean(replacement_source[li], 0);  // over positions, BOS included (as the original)
            v = h >= 0 ? mean.select(0, h).contiguous() : mean;
            break;
          }
          case AblationKind::resample: {
            const Tensor& src = replacement_source[li];
            const Tensor row = src.select(0, p % src.dim(0));
            v = (h >= 0 ? row.select(0, h) : row).contiguous();
            break;
          }
        }
        edits.push_back({r.layers[li], p, h, v});
      }
    const Tensor probs = ops::softmax(run_edits(m, batch, o.site, edits, o.run), -1);  // [n, V]
    std::vector<float> effects;
    for (std::int64_t i = 0; i < probs.dim(0); ++i)
      effects.push_back(r.baseline.prob - probs.select(0, i).select(0, r.baseline.id).item());
    for (float& e : effects)
      if (!std::isfinite(e)) e = r.baseline.prob;  // NaN/inf logits: the token is lost (as the original scored 0)
    if (o.on_layer) o.on_layer(r.layers[li], effects);
    r.effects.push_back(std::move(effects));
  }
  return r;
}

}  // namespace mlux::interp
