// generate(): prompts in, continuations out. Prefill once, then one token per step through the
// KV cache; the hook set (if any) is active at every step, so steering and ablation hooks act on
// the prompt and on every generated token, and hooks see absolute positions. Several prompts run
// as one left-padded batch; each row stops on its own (EOS, a stop string, the token limit).
// Text streams through an incremental detokenizer per row, so no multi-byte character is split and
// nothing that may become a stop string is emitted early.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mlux/generate/sampler.h"
#include "mlux/hooks/hooked_model.h"

namespace mlux::generate {

enum class FinishReason { eos, stop_string, length, cancelled };
std::string_view finish_reason_name(FinishReason r);

/// One piece of streamed output.
struct TokenEvent {
  std::size_t row;     // which prompt
  std::int32_t id;     // the token just sampled
  std::string text;    // text that became final with it (often empty mid-character)
  int step;            // 0 for the token sampled after the prompt
};

struct GenerateOptions {
  int max_tokens = 100;
  SamplerOptions sampler;
  std::vector<std::string> stop_strings;  // the text is cut before the first occurrence
  bool stop_at_eos = true;
  const hooks::HookSet* hooks = nullptr;  // active during prefill and every step
  /// Rows draw from generators seeded seed + row (independent samples); false: every row uses
  /// `seed` (rows that differ only by a hook then differ only by that hook's effect).
  bool independent_rows = true;
  /// Called for every token; return false to stop generating (all rows).
  std::function<bool(const TokenEvent&)> on_token;
};

struct GenerationResult {
  std::vector<std::vector<std::int32_t>> ids;  // generated ids per row (EOS and stop tokens excluded)
  std::vector<std::string> texts;              // their text
  std::vector<FinishReason> finish;
  std::int64_t prompt_tokens = 0;              // tokens in the (padded) prompt batch
};

/// Continues each row of `prompt` (see HookedModel::prepare). Throws Error for an empty prompt or
/// one longer than the model's context.
GenerationResult generate(const hooks::HookedModel& model, const hooks::TokenBatch& prompt, const GenerateOptions& options);

}  // namespace mlux::generate
