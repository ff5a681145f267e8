#include "mlux/server/handlers.h"

#include <httplib.h>

#include <cstdio>

#include "mlux/server/http_error.h"
#include "mlux/server/json_request.h"
#include "mlux/server/sse.h"

namespace mlux::server {

void send_json(httplib::Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  res.set_content(dump_json(body), "application/json");
}

RouteFn route(RouteFn fn) {
  return [fn = std::move(fn)](const httplib::Request& req, httplib::Response& res) {
    try {
      fn(req, res);
    } catch (const HttpError& e) {
      send_json(res, e.body(), e.status());
    } catch (const Error& e) {
      send_json(res, {{"error", e.what()}}, 400);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mlux serve: %s %s: internal error: %s\n", req.method.c_str(), req.path.c_str(), e.what());
      send_json(res, {{"error", std::string("internal error: ") + e.what()}}, 500);
    }
  };
}

RouteFn json_route(std::function<nlohmann::json(const httplib::Request&)> fn) {
  return route([fn = std::move(fn)](const httplib::Request& req, httplib::Response& res) { send_json(res, fn(req)); });
}

std::string prompt_text(const Context& ctx, const JsonRequest& body, const std::string& field, bool allow_empty) {
  std::string text = body.text(field, std::string::npos, allow_empty);
  if (text.size() > ctx.limits.max_prompt_chars)
    field_over_limit(field, str("is ", text.size(), " bytes long; ", limit_text(str(ctx.limits.max_prompt_chars, " bytes"), "--max-prompt-kb"),
                                ". Shorten it"),
                     "--max-prompt-kb");
  return text;
}

void check_prompt_tokens(const Context& ctx, std::size_t tokens, const std::string& field) {
  if (std::int64_t(tokens) > ctx.limits.max_prompt_tokens)
    field_over_limit(field, str("is ", tokens, " tokens long; ", limit_text(ctx.limits.max_prompt_tokens, "--max-prompt-tokens"),
                                ". Shorten the prompt"),
                     "--max-prompt-tokens");
}

void check_sweep_cells(const Context& ctx, std::size_t cells, const std::string& field, const std::string& what,
                       const std::string& advice) {
  if (cells > ctx.limits.max_sweep_cells)
    field_over_limit(field, str(what, " has ", cells, " cells (layers × positions × heads); ",
                                limit_text(ctx.limits.max_sweep_cells, "--max-sweep-cells"), ". ", advice),
                     "--max-sweep-cells");
}

hooks::TokenBatch prompt_tokens(const Context& ctx, const hooks::HookedModel& model, const std::string& text,
                                const std::string& field) {
  const auto ids = model.tokenize(text);
  check_prompt_tokens(ctx, ids.size(), field);
  return model.prepare(ids);  // throws past the model's context
}

WorkLock::Guard take_work(Context& ctx, const std::string& what) {
  return ctx.models.work().acquire(what, {.wait = ctx.limits.busy_wait, .max_waiting = ctx.limits.max_waiting_jobs});
}

}  // namespace mlux::server
