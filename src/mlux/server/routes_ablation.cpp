// The residual ablation page: replace each (layer, position) activation by its mean over the
// prompt (or zero, or another prompt's value) and stream, one layer at a time, how much the clean
// top token's probability drops — the original ablation explorer, with kinds, sites and cancel.
#include <httplib.h>

#include "mlux/interp/ablation.h"
#include "mlux/server/handlers.h"
#include "mlux/server/http_error.h"
#include "mlux/server/json_convert.h"
#include "mlux/server/json_request.h"
#include "mlux/server/sse.h"

namespace mlux::server {
namespace {

struct AblationJob {
  hooks::TokenBatch prompt;
  interp::AblationOptions options;
  std::size_t cells = 0;
};

AblationJob parse(Context& ctx, const LoadedModel& lm, const std::string& text) {
  const JsonRequest body(text, {"prompt", "kind", "site", "resample", "layers", "positions", "heads"});
  const auto& m = *lm.model;
  const auto c = m.config();
  AblationJob job{.prompt = prompt_tokens(ctx, m, prompt_text(ctx, body, "prompt"), "prompt")};
  const int T = int(job.prompt.length());
  auto& o = job.options;
  o.kind = interp::ablation_kind_from(body.choice("kind", "mean", {"mean", "zero", "resample"}));
  o.site = interp::site_from(body.choice("site", "resid", {"resid", "attn", "mlp", "head"}));
  o.layers = body.integers("layers", 0, int(c.n_layers) - 1, std::size_t(c.n_layers));
  o.positions = body.integers("positions", -T, T - 1, std::size_t(T));
  o.heads = body.integers("heads", 0, int(c.n_heads) - 1, std::size_t(c.n_heads));
  if (o.kind == interp::AblationKind::resample) {
    const std::string other = prompt_text(ctx, body, "resample");
    prompt_tokens(ctx, m, other, "resample");
    o.resample_from = hooks::ModelInput(other);
  }
  const std::size_t layers = o.layers.empty() ? std::size_t(o.site == interp::Site::head ? c.attention_layers.size() : c.n_layers)
                                              : o.layers.size();
  const std::size_t heads = o.site != interp::Site::head ? 1 : (o.heads.empty() ? std::size_t(c.n_heads) : o.heads.size());
  job.cells = layers * (o.positions.empty() ? std::size_t(T) : o.positions.size()) * heads;
  check_sweep_cells(ctx, job.cells, "prompt", "the ablation", "Shorten the prompt or pick fewer layers or positions");
  return job;
}

void run(const LoadedModel& lm, AblationJob job, SseWriter& out) {
  const auto& m = *lm.model;
  const Tensor clean = m.run(job.prompt, nullptr, nullptr, true).logits.reshape({-1});
  const auto baseline = interp::top_k(m, clean, 1)[0];
  out.send({{"type", "init"}, {"tokens", tokens_json(interp::token_infos(m, job.prompt.rows[0]))},
            {"baseline", prediction_json(baseline)}, {"baseline_token", baseline.token}, {"baseline_prob", baseline.prob},
            {"cells", job.cells}});
  std::size_t done = 0;  // cells of the layers finished so far
  job.options.run.progress = [&](std::size_t d, std::size_t) { return out.progress(done + d, job.cells); };
  job.options.on_layer = [&](int layer, const std::vector<float>& effects) {
    done += effects.size();
    out.send({{"type", "layer"}, {"layer", layer}, {"label", str("L", layer)}, {"effects", effects}});
  };
  const auto r = interp::ablate(m, job.prompt.rows[0], job.options);
  out.send({{"type", "done"}, {"layers", r.layers}, {"positions", r.positions}, {"heads", r.heads}});
}

}  // namespace

void add_ablation_routes(httplib::Server& http, Context& ctx) {
  http.Post("/api/ablate", stream_route(ctx, "ablation", parse, run));
}

}  // namespace mlux::server
