// Routes every page uses: health, the current model and the model list, switching models (an
// event stream with progress), tokenizing, and the chat-format buttons.
#include <httplib.h>

#include "mlux/interp/token_display.h"
#include "mlux/server/handlers.h"
#include "mlux/server/http_error.h"
#include "mlux/server/json_convert.h"
#include "mlux/server/json_request.h"
#include "mlux/server/model_catalog.h"
#include "mlux/server/sse.h"

namespace mlux::server {
namespace {

void load_model(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const JsonRequest body(req.body, {"model"});
  const std::string id = body.text("model", 1024);
  auto guard = take_work(ctx, "loading " + display_name(id));
  stream_events(res, ctx.worker, guard, [&ctx, id](SseWriter& out) {
    if (ctx.models.current()->id == id) {
      out.send({{"type", "done"}, {"model", model_json(*ctx.models.current())}});
      return;
    }
    const auto loaded = ctx.models.load(id, [&out](const LoadEvent& e) {
      out.send({{"type", "progress"}, {"stage", e.stage}, {"message", e.message}, {"file", e.file},
                {"bytes_done", e.bytes_done}, {"bytes_total", e.bytes_total}});
    });
    {
      std::lock_guard lock(ctx.steering.mu);
      ctx.steering.vector.reset();
    }
    out.send({{"type", "done"}, {"model", model_json(*loaded)}});
  });
}

nlohmann::json chat_format(Context& ctx, const httplib::Request& req) {
  const JsonRequest body(req.body, {"prompt", "system", "add_generation_prompt"});
  const std::string prompt = prompt_text(ctx, body, "prompt", true);
  const std::string system = body.has("system") ? prompt_text(ctx, body, "system", true) : std::string();
  const bool generation_prompt = body.boolean("add_generation_prompt", true);
  const auto m = ctx.models.current();
  if (!m->chat)
    return {{"supported", false}, {"formatted", nullptr},
            {"error", "this model has no chat template (" + m->chat_error + ")"}};
  std::vector<tokenizer::ChatMessage> messages;
  if (!system.empty()) messages.emplace_back("system", system);
  messages.emplace_back("user", prompt);
  return {{"supported", true}, {"formatted", m->chat->apply(messages, {.add_generation_prompt = generation_prompt})}};
}

}  // namespace

void add_model_routes(httplib::Server& http, Context& ctx) {
  http.Get("/api/health", json_route([&ctx](const httplib::Request&) {
    const auto m = ctx.models.current();
    const auto busy = ctx.models.work().holder();
    return nlohmann::json{{"status", "ok"}, {"model", m->id}, {"n_layers", m->model->config().n_layers},
                          {"busy", busy.empty() ? nlohmann::json(nullptr) : nlohmann::json(busy)}};
  }));
  http.Get("/api/model", json_route([&ctx](const httplib::Request&) { return model_json(*ctx.models.current()); }));
  http.Get("/api/models", json_route([&ctx](const httplib::Request&) { return model_catalog(ctx.models); }));
  http.Post("/api/model/load", route([&ctx](const httplib::Request& req, httplib::Response& res) { load_model(ctx, req, res); }));
  http.Post("/api/tokenize", json_route([&ctx](const httplib::Request& req) {
    const JsonRequest body(req.body, {"text", "add_bos"});
    const std::string text = prompt_text(ctx, body, "text", true);
    const auto m = ctx.models.current();
    const auto ids = m->model->tokenize(text, body.boolean("add_bos", true));
    check_prompt_tokens(ctx, ids.size(), "text");
    return nlohmann::json{{"tokens", tokens_json(interp::token_infos(*m->model, ids))}};
  }));
  http.Post("/api/chat_template", json_route([&ctx](const httplib::Request& req) { return chat_format(ctx, req); }));
}

}  // namespace mlux::server
