// Route wrappers: run a handler, turn what it throws into a JSON error answer (HttpError → its
// status, mlux::Error → 400 with its message, anything else → 500), and the checks most
// endpoints share (prompt length in bytes and tokens, taking the work lock).
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "mlux/hooks/hooked_model.h"
#include "mlux/server/json_request.h"
#include "mlux/server/routes.h"
#include "mlux/server/sse.h"

namespace mlux::server {

using RouteFn = std::function<void(const httplib::Request&, httplib::Response&)>;

/// A handler that answers JSON (or starts an event stream); exceptions become JSON errors.
RouteFn route(RouteFn fn);
/// A handler returning the JSON body of a 200 answer.
RouteFn json_route(std::function<nlohmann::json(const httplib::Request&)> fn);

void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200);

/// The string in `field`, or 400 when it is longer than the prompt limit (max_prompt_chars).
std::string prompt_text(const Context& ctx, const JsonRequest& body, const std::string& field, bool allow_empty = false);
/// 400 when `tokens` is past the prompt limit (max_prompt_tokens).
void check_prompt_tokens(const Context& ctx, std::size_t tokens, const std::string& field);
/// 400 when a sweep of `cells` (layers × positions × heads) is past max_sweep_cells; `what` names
/// the job ("the sweep"), `advice` says how to shrink it.
void check_sweep_cells(const Context& ctx, std::size_t cells, const std::string& field, const std::string& what,
                       const std::string& advice);

/// The prompt in `field` as one prepared row (BOS rule), or 400 when it is longer than the
/// token limit or tokenizes to nothing.
hooks::TokenBatch prompt_tokens(const Context& ctx, const hooks::HookedModel& model, const std::string& text,
                                const std::string& field);

/// The work lock for `what` (409 when busy after the configured wait).
WorkLock::Guard take_work(Context& ctx, const std::string& what);

/// A streamed job on the current model: `parse(ctx, model, body)` checks the request (its errors
/// are plain 4xx answers), then the work lock is taken and `run(model, job, out)` streams events.
template <typename Parse, typename Run>
RouteFn stream_route(Context& ctx, std::string what, Parse parse, Run run) {
  return route([&ctx, what, parse, run](const httplib::Request& req, httplib::Response& res) {
    const auto lm = ctx.models.current();
    auto job = parse(ctx, *lm, req.body);
    auto guard = take_work(ctx, what);
    stream_events(res, ctx.worker, guard, [lm, job = std::move(job), run](SseWriter& out) { run(*lm, job, out); });
  });
}

}  // namespace mlux::server
