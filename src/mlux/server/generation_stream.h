// Streaming a generation as events — shared by the base-model and steering pages: one
// {"type":"token","row":r,"token":text} per piece of text, then {"type":"done", ...}. Generation
// stops when the client goes away (on_token returns false).
#pragma once

#include "mlux/generate/generator.h"
#include "mlux/server/json_request.h"
#include "mlux/server/routes.h"
#include "mlux/server/sse.h"

namespace mlux::server {

/// max_tokens, temperature, top_p, top_k, min_p, repetition_penalty, seed from a request body,
/// with the page's defaults and the server's limits.
generate::GenerateOptions generation_options(const JsonRequest& body, const Context& ctx, int default_max_tokens,
                                             double default_temperature);

/// The fields generation_options reads, for JsonRequest's list of allowed fields.
#define MLUX_GENERATION_FIELDS "max_tokens", "temperature", "top_p", "top_k", "min_p", "repetition_penalty", "seed", "stop"

/// Runs generate() and streams its tokens; the done event carries each row's text and finish reason.
void stream_generation(SseWriter& out, const hooks::HookedModel& model, const hooks::TokenBatch& prompt,
                       generate::GenerateOptions options);

}  // namespace mlux::server
