// The contrastive steering page: compute a vector from a positive and a negative prompt (kept
// for the model it was computed on), download it, and generate with it — one alpha streamed, or
// several alphas side by side as one batch.
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "mlux/server/generation_stream.h"
#include "mlux/server/handlers.h"
#include "mlux/server/http_error.h"
#include "mlux/server/json_request.h"

namespace mlux::server {
namespace {

std::atomic<int> g_vector_files{0};  // unique temporary names for concurrent downloads

nlohmann::json compute_vector(Context& ctx, const httplib::Request& req) {
  const JsonRequest body(req.body, {"positive", "negative", "layer", "method"});
  const auto lm = ctx.models.current();
  const auto c = lm->model->config();
  const std::string positive = prompt_text(ctx, body, "positive");
  const std::string negative = prompt_text(ctx, body, "negative");
  prompt_tokens(ctx, *lm->model, positive, "positive");
  prompt_tokens(ctx, *lm->model, negative, "negative");
  const int layer = body.integer("layer", int(2 * c.n_layers / 3), 0, int(c.n_layers) - 1);
  const std::string method_name = body.choice("method", "last_token", {"last_token", "mean_tokens"});
  const auto method = method_name == "mean_tokens" ? interp::SteeringMethod::mean_tokens : interp::SteeringMethod::last_token;
  const auto guard = take_work(ctx, "steering vector");
  auto v = ctx.worker.call([&] { return interp::compute_steering_vector(*lm->model, {{positive, negative}}, layer, {.method = method}); });
  nlohmann::json out = {{"norm", v.norm()}, {"layer", v.layer}, {"hook", v.hook}, {"d_model", c.d_model},
                        {"suggested_alpha", interp::suggest_alpha(v)}, {"method", method_name}};
  std::lock_guard lock(ctx.steering.mu);
  ctx.steering.vector = std::move(v);
  ctx.steering.model_id = lm->id;
  return out;
}

/// The vector computed last, if it belongs to the current model; else 400 saying what to do.
interp::SteeringVector current_vector(Context& ctx, const LoadedModel& lm) {
  std::lock_guard lock(ctx.steering.mu);
  if (!ctx.steering.vector || ctx.steering.model_id != lm.id)
    throw HttpError(400, "no steering vector for this model: compute one first (POST /api/steering/vector)");
  return *ctx.steering.vector;
}

void download_vector(Context& ctx, httplib::Response& res) {
  const auto lm = ctx.models.current();
  std::optional<interp::SteeringVector> v;
  {
    std::lock_guard lock(ctx.steering.mu);
    if (ctx.steering.vector && ctx.steering.model_id == lm->id) v = ctx.steering.vector;
  }
  if (!v) throw HttpError(404, "no steering vector for this model: compute one first (POST /api/steering/vector)");
  const auto path = std::filesystem::temp_directory_path() / str("mlux-vector-", ::getpid(), "-", ++g_vector_files, ".safetensors");
  v->save(path);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path);
  res.set_header("Content-Disposition", str("attachment; filename=\"steering-layer", v->layer, ".safetensors\""));
  res.set_content(bytes.str(), "application/octet-stream");
}

void generate_steered(Context& ctx, const httplib::Request& req, httplib::Response& res, bool compare) {
  const JsonRequest body(req.body, {"prompt", "alpha", "alphas", "layers", "from_position", MLUX_GENERATION_FIELDS});
  const auto lm = ctx.models.current();
  const auto c = lm->model->config();
  auto options = generation_options(body, ctx, 100, 0.7);
  const auto prompt = prompt_tokens(ctx, *lm->model, prompt_text(ctx, body, "prompt"), "prompt");
  const interp::SteerOptions where{.layers = body.integers("layers", 0, int(c.n_layers) - 1, std::size_t(c.n_layers)),
                                   .alpha = float(body.number("alpha", 0.5, -1000, 1000)),
                                   .first_position = body.integer("from_position", 0, 0, 1 << 20)};
  std::vector<double> alphas = body.numbers("alphas", -1000, 1000, 6);
  if (compare && alphas.empty()) alphas = {-1.0, 0.0, 1.0};  // the original's Compare All
  const auto v = current_vector(ctx, *lm);
  auto guard = take_work(ctx, compare ? "steering comparison" : "steered generation");
  stream_events(res, ctx.worker, guard, [lm, v, where, alphas, compare, prompt, options](SseWriter& out) {
    hooks::HookSet hooks = lm->model->hook_set();
    auto o = options;
    if (!compare) {
      interp::add_steering(hooks, *lm->model, v, where);
      o.hooks = &hooks;
      stream_generation(out, *lm->model, prompt, o);
      return;
    }
    // One row per alpha in one batch; rows share the seed so they differ only by the steering.
    out.send({{"type", "init"}, {"alphas", alphas}});
    std::vector<float> a(alphas.begin(), alphas.end());
    o.on_token = [&out](const generate::TokenEvent& e) {
      return e.text.empty() ? out.open() : out.send({{"type", "token"}, {"row", e.row}, {"token", e.text}});
    };
    const auto texts = interp::compare_alphas(*lm->model, prompt.rows[0], v, a, o, where);
    auto rows = nlohmann::json::array();
    for (std::size_t i = 0; i < texts.size(); ++i) rows.push_back({{"alpha", alphas[i]}, {"text", texts[i]}});
    if (out.open()) out.send({{"type", "done"}, {"rows", rows}});
  });
}

}  // namespace

void add_steering_routes(httplib::Server& http, Context& ctx) {
  http.Post("/api/steering/vector", json_route([&ctx](const httplib::Request& req) { return compute_vector(ctx, req); }));
  http.Get("/api/steering/vector.safetensors", route([&ctx](const httplib::Request&, httplib::Response& res) { download_vector(ctx, res); }));
  http.Post("/api/steering/generate", route([&ctx](const httplib::Request& req, httplib::Response& res) {
    generate_steered(ctx, req, res, false);
  }));
  http.Post("/api/steering/compare", route([&ctx](const httplib::Request& req, httplib::Response& res) {
    generate_steered(ctx, req, res, true);
  }));
}

}  // namespace mlux::server
