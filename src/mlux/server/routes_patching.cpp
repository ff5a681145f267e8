// The activation patching page: patch a source prompt's activation into a target prompt at chosen
// (source, target) positions — one pair, as the original explorer did, or every position (a
// layer × position sweep) — streamed one layer at a time with progress, cancelled when the client
// goes away.
#include <httplib.h>

#include "mlux/interp/patching.h"
#include "mlux/server/handlers.h"
#include "mlux/server/http_error.h"
#include "mlux/server/json_convert.h"
#include "mlux/server/json_request.h"
#include "mlux/server/sse.h"

namespace mlux::server {
namespace {

struct PatchJob {
  std::vector<std::int32_t> source, target;
  interp::PatchRequest request;            // all layers; the stream runs them one at a time
  std::vector<int> layers;
  std::size_t cells = 0;
};

std::int32_t first_token(const hooks::HookedModel& m, const std::string& text, const std::string& field) {
  const auto ids = m.tokenize(text, false);
  if (ids.empty()) bad_field(field, "'" + text + "' encodes to no tokens");
  return ids.front();
}

std::vector<std::pair<int, int>> position_pairs(const JsonRequest& body, std::int64_t ns, std::int64_t nt) {
  std::vector<std::pair<int, int>> out;
  const auto& v = body.raw("positions");
  if (v.is_null() || v == "all") {
    if (ns != nt)
      bad_field("positions", str("sweeping every position needs prompts of equal length, but the source is ", ns,
                                 " tokens and the target ", nt, ". Pick (source, target) pairs, e.g. [[", ns - 1, ", ", nt - 1, "]]"));
    return out;  // empty: every position
  }
  if (!v.is_array() || v.empty() || v.size() > 4096) bad_field("positions", "must be \"all\" or a list of [source, target] pairs");
  for (const auto& p : v) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer() || !p[1].is_number_integer())
      bad_field("positions", "each item must be a [source, target] pair of integers");
    const auto s = p[0].get<std::int64_t>(), t = p[1].get<std::int64_t>();
    if (s < -ns || s >= ns) bad_field("positions", str("source position ", s, " is out of range for a ", ns, "-token source"));
    if (t < -nt || t >= nt) bad_field("positions", str("target position ", t, " is out of range for a ", nt, "-token target"));
    out.emplace_back(int(s), int(t));
  }
  return out;
}

PatchJob parse(Context& ctx, const LoadedModel& lm, const std::string& body_text) {
  const JsonRequest body(body_text, {"source", "target", "site", "positions", "layers", "heads", "top_k", "tokens", "logit_diff"});
  const auto& m = *lm.model;
  const auto c = m.config();
  PatchJob job;
  job.source = prompt_tokens(ctx, m, prompt_text(ctx, body, "source"), "source").rows[0];
  job.target = prompt_tokens(ctx, m, prompt_text(ctx, body, "target"), "target").rows[0];
  auto& r = job.request;
  r.site = interp::site_from(body.choice("site", "resid", {"resid", "attn", "mlp", "head"}));
  r.positions = position_pairs(body, std::int64_t(job.source.size()), std::int64_t(job.target.size()));
  r.heads = body.integers("heads", 0, int(c.n_heads) - 1, std::size_t(c.n_heads));
  r.metrics.top_k = body.integer("top_k", 3, 1, 20);
  for (const auto& t : body.texts("tokens", 256, 8)) r.metrics.tokens.push_back(first_token(m, t, "tokens"));
  if (body.has("logit_diff")) {
    const auto pair = body.texts("logit_diff", 256, 2);
    if (pair.size() != 2) bad_field("logit_diff", "must be two tokens [A, B]");
    r.metrics.logit_diff = {{first_token(m, pair[0], "logit_diff"), first_token(m, pair[1], "logit_diff")}};
  }
  job.layers = body.integers("layers", 0, int(c.n_layers) - 1, std::size_t(c.n_layers));
  if (job.layers.empty()) {
    if (r.site == interp::Site::head) job.layers = c.attention_layers;
    else
      for (int l = 0; l < c.n_layers; ++l) job.layers.push_back(l);
  }
  const std::size_t positions = r.positions.empty() ? job.target.size() : r.positions.size();
  const std::size_t heads = r.site != interp::Site::head ? 1 : (r.heads.empty() ? std::size_t(c.n_heads) : r.heads.size());
  job.cells = job.layers.size() * positions * heads;
  check_sweep_cells(ctx, job.cells, "positions", "the sweep", "Pick fewer layers, positions or heads");
  return job;
}

nlohmann::json cells_json(const interp::PatchResult& r) {
  auto out = nlohmann::json::array();
  for (const auto& cell : r.cells)
    out.push_back({{"layer", cell.layer}, {"source_pos", cell.source_pos}, {"target_pos", cell.target_pos},
                   {"head", cell.head}, {"outcome", outcome_json(cell.outcome)}});
  return out;
}

/// Without a logit_diff in the request, measure the source's answer against the target's (their
/// own top tokens), so the normalised effect says how far a patch moves one toward the other.
void default_logit_diff(const hooks::HookedModel& m, PatchJob& job) {
  auto& metrics = job.request.metrics;
  if (metrics.logit_diff) return;
  auto top = [&m](const std::vector<std::int32_t>& ids) {
    return interp::top_k(m, m.run(m.prepare(ids), nullptr, nullptr, true).logits.reshape({-1}), 1)[0].id;
  };
  const auto source = top(job.source), target = top(job.target);
  if (source != target) metrics.logit_diff = {{source, target}};
}

void run(const LoadedModel& lm, PatchJob job, SseWriter& out) {
  const auto& m = *lm.model;
  default_logit_diff(m, job);
  nlohmann::json diff = nullptr;
  if (const auto& d = job.request.metrics.logit_diff)
    diff = {interp::token_info(m, d->first).text, interp::token_info(m, d->second).text};
  out.send({{"type", "init"}, {"source_tokens", tokens_json(interp::token_infos(m, job.source))},
            {"target_tokens", tokens_json(interp::token_infos(m, job.target))}, {"layers", job.layers},
            {"site", interp::site_name(job.request.site)}, {"cells", job.cells}, {"logit_diff_tokens", diff}});
  std::size_t done = 0;
  for (std::size_t i = 0; i < job.layers.size(); ++i) {
    auto request = job.request;
    request.layers = {job.layers[i]};
    request.run.progress = [&out, &done, &job](std::size_t d, std::size_t) { return out.progress(done + d, job.cells); };
    const auto r = interp::activation_patching(m, job.source, job.target, request);
    if (i == 0)
      out.send({{"type", "clean"}, {"clean", outcome_json(r.clean)}, {"source", outcome_json(r.source)},
                {"positions", r.positions}, {"heads", r.heads}});
    done += r.cells.size();
    if (!out.send({{"type", "layer"}, {"layer", job.layers[i]}, {"cells", cells_json(r)}})) return;
    out.progress(done, job.cells);
  }
  out.send({{"type", "done"}});
}

}  // namespace

void add_patching_routes(httplib::Server& http, Context& ctx) {
  http.Post("/api/patch", stream_route(ctx, "activation patching", parse, run));
}

}  // namespace mlux::server
