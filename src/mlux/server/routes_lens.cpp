// The logit lens page: the lens grid (every layer × every token, top-k with probabilities and
// logits), exact attention patterns (head × query × key for one layer) and head scores.
#include <httplib.h>

#include <cmath>

#include "mlux/interp/attention_patterns.h"
#include "mlux/interp/head_scores.h"
#include "mlux/interp/logit_lens.h"
#include "mlux/server/handlers.h"
#include "mlux/server/http_error.h"
#include "mlux/server/json_convert.h"
#include "mlux/server/json_request.h"

namespace mlux::server {
namespace {

nlohmann::json lens(Context& ctx, const httplib::Request& req) {
  const JsonRequest body(req.body, {"text", "probe", "top_k", "positions"});
  const std::string text = prompt_text(ctx, body, "text");
  const std::string probe = body.choice("probe", "resid", {"resid", "attn", "mlp", "attn_out", "mlp_out"});
  const int top_k = body.integer("top_k", 3, 1, 20);
  const auto m = ctx.models.current();
  const auto batch = prompt_tokens(ctx, *m->model, text, "text");
  const int n = int(batch.length());
  const auto positions = body.integers("positions", -n, n - 1, std::size_t(n));
  const auto guard = take_work(ctx, "logit lens");
  const auto r = ctx.worker.call([&] {
    return interp::logit_lens(*m->model, batch.rows[0], {.probe = interp::lens_probe_from(probe), .top_k = top_k, .positions = positions});
  });
  auto grid = nlohmann::json::array();
  for (const auto& row : r.grid) {
    auto cells = nlohmann::json::array();
    for (const auto& cell : row) cells.push_back(predictions_json(cell));
    grid.push_back(cells);
  }
  return {{"probe", probe}, {"tokens", tokens_json(r.tokens)}, {"positions", r.positions}, {"rows", r.rows},
          {"row_layers", r.row_layers}, {"n_layers", m->model->config().n_layers}, {"grid", grid}};
}

nlohmann::json attention(Context& ctx, const httplib::Request& req) {
  const JsonRequest body(req.body, {"text", "layer", "heads"});
  const std::string text = prompt_text(ctx, body, "text");
  const auto m = ctx.models.current();
  const auto c = m->model->config();
  const int layer = body.integer("layer", std::nullopt, 0, int(c.n_layers) - 1);
  const auto heads = body.integers("heads", 0, int(c.n_heads) - 1, std::size_t(c.n_heads));
  const auto batch = prompt_tokens(ctx, *m->model, text, "text");
  if (batch.length() > ctx.limits.max_pattern_tokens)
    field_over_limit("text", str("is ", batch.length(), " tokens long; for attention patterns ",
                                 limit_text(ctx.limits.max_pattern_tokens, "--max-pattern-tokens"), ". Shorten the prompt"),
                     "--max-pattern-tokens");
  const auto guard = take_work(ctx, "attention patterns");
  const auto patterns = ctx.worker.call([&] { return interp::attention_patterns(*m->model, batch.rows[0], {layer}, {.heads = heads}); });
  const Tensor& p = patterns.at(layer);  // [1, H, T, T]
  const auto values = p.to_floats();
  const std::int64_t H = p.dim(1), T = p.dim(2);
  auto out = nlohmann::json::array();
  for (std::int64_t h = 0; h < H; ++h) {
    auto rows = nlohmann::json::array();
    for (std::int64_t q = 0; q < T; ++q) {
      auto row = nlohmann::json::array();
      for (std::int64_t k = 0; k <= q; ++k) row.push_back(std::round(values[std::size_t((h * T + q) * T + k)] * 1e5f) / 1e5f);
      rows.push_back(row);
    }
    out.push_back(rows);
  }
  std::vector<int> head_ids = heads;
  if (head_ids.empty())
    for (int h = 0; h < H; ++h) head_ids.push_back(h);
  return {{"layer", layer}, {"heads", head_ids}, {"tokens", tokens_json(interp::token_infos(*m->model, batch.rows[0]))},
          {"pattern", out}};
}

nlohmann::json heads(Context& ctx, const httplib::Request& req) {
  const JsonRequest body(req.body, {"length", "trials", "seed"});
  const interp::HeadScoreOptions o{.length = body.integer("length", 50, 4, 200), .trials = body.integer("trials", 4, 1, 16),
                                   .seed = std::uint64_t(body.integer("seed", 1234, 0, 1 << 30))};
  const auto m = ctx.models.current();
  const auto guard = take_work(ctx, "head scores");
  const auto s = ctx.worker.call([&] { return interp::head_scores(*m->model, o); });
  return {{"layers", s.layers}, {"previous_token", s.previous_token}, {"induction", s.induction}};
}

}  // namespace

void add_lens_routes(httplib::Server& http, Context& ctx) {
  http.Post("/api/lens", json_route([&ctx](const httplib::Request& req) { return lens(ctx, req); }));
  http.Post("/api/attention", json_route([&ctx](const httplib::Request& req) { return attention(ctx, req); }));
  http.Post("/api/heads", json_route([&ctx](const httplib::Request& req) { return heads(ctx, req); }));
}

}  // namespace mlux::server
