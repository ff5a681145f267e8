#include "mlux/server/generation_stream.h"

#include <algorithm>

#include "mlux/server/http_error.h"

namespace mlux::server {

generate::GenerateOptions generation_options(const JsonRequest& body, const Context& ctx, int default_max_tokens,
                                             double default_temperature) {
  generate::GenerateOptions o;
  const int limit = ctx.limits.max_new_tokens;
  o.max_tokens = body.integer("max_tokens", std::min(default_max_tokens, limit), 1, 1 << 30);
  if (o.max_tokens > limit)
    field_over_limit("max_tokens", str("is ", o.max_tokens, "; ", limit_text(limit, "--max-new-tokens")), "--max-new-tokens");
  o.sampler.temperature = float(body.number("temperature", default_temperature, 0.0, 5.0));
  o.sampler.top_p = float(body.number("top_p", 1.0, 1e-6, 1.0));
  o.sampler.top_k = body.integer("top_k", 0, 0, 100000);
  o.sampler.min_p = float(body.number("min_p", 0.0, 0.0, 1.0));
  o.sampler.repetition_penalty = float(body.number("repetition_penalty", 1.0, 0.5, 5.0));
  o.sampler.seed = std::uint64_t(body.integer("seed", 0, 0, 1 << 30));
  o.stop_strings = body.texts("stop", 256, 8);
  return o;
}

void stream_generation(SseWriter& out, const hooks::HookedModel& model, const hooks::TokenBatch& prompt,
                       generate::GenerateOptions options) {
  options.on_token = [&out](const generate::TokenEvent& e) {
    if (e.text.empty()) return out.open();
    return out.send({{"type", "token"}, {"row", e.row}, {"token", e.text}});
  };
  const auto r = generate::generate(model, prompt, options);
  auto rows = nlohmann::json::array();
  for (std::size_t i = 0; i < r.texts.size(); ++i)
    rows.push_back({{"text", r.texts[i]}, {"tokens", r.ids[i].size()}, {"finish", generate::finish_reason_name(r.finish[i])}});
  out.send({{"type", "done"}, {"rows", rows}, {"prompt_tokens", r.prompt_tokens}});
}

}  // namespace mlux::server
