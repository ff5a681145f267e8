// The base-model page: free generation, streamed token by token (the original base explorer's
// /generate, with the sampler's other knobs available).
#include <httplib.h>

#include "mlux/server/generation_stream.h"
#include "mlux/server/handlers.h"

namespace mlux::server {

void add_generate_routes(httplib::Server& http, Context& ctx) {
  http.Post("/api/generate", route([&ctx](const httplib::Request& req, httplib::Response& res) {
    const JsonRequest body(req.body, {"prompt", MLUX_GENERATION_FIELDS});
    const auto lm = ctx.models.current();
    const auto options = generation_options(body, ctx, 200, 1.0);
    const auto prompt = prompt_tokens(ctx, *lm->model, prompt_text(ctx, body, "prompt"), "prompt");
    auto guard = take_work(ctx, "generation");
    stream_events(res, ctx.worker, guard, [lm, prompt, options](SseWriter& out) { stream_generation(out, *lm->model, prompt, options); });
  }));
}

}  // namespace mlux::server
