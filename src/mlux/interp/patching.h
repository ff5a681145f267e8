// Activation patching: run the target prompt with an activation taken from the source prompt — a
// block output, a sublayer output or one head — at chosen layers and positions (a sweep over
// layers × positions (× heads) in one call), and measure what it does to the target's next-token
// prediction. Both prompts are tokenized the same way (the BOS rule). Sweeps use the fast edit
// path (edits.h), equal to one full forward per patch.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "mlux/interp/edits.h"
#include "mlux/interp/token_display.h"

namespace mlux::interp {

struct PatchMetricsOptions {
  int top_k = 3;
  std::vector<std::int32_t> tokens;                               // report each one's probability
  std::optional<std::pair<std::int32_t, std::int32_t>> logit_diff;  // (a, b): logit[a] − logit[b]
};

/// What one run predicts at the last position, measured against the unpatched target.
struct PatchOutcome {
  std::vector<Prediction> top;
  std::vector<float> token_probs;  // one per PatchMetricsOptions::tokens
  float logit_diff = 0.0f;         // with PatchMetricsOptions::logit_diff, else 0
  float kl = 0.0f;                 // KL(clean ‖ this run), nats
  float effect = 0.0f;             // (diff − clean diff) / (source diff − clean diff): 0 = no effect, 1 = full
};

struct PatchRequest {
  Site site = Site::resid;
  std::vector<int> layers;                    // empty: every layer (every attention layer for heads)
  std::vector<std::pair<int, int>> positions; // (source, target) pairs, negative from the end;
                                              // empty: every position (prompts of equal length)
  std::vector<int> heads;                     // Site::head; empty: every head
  /// Patch all the positions in one run per layer (and head) instead of one run per position;
  /// the result then has one position entry, (-1, -1).
  bool together = false;
  PatchMetricsOptions metrics;
  EditOptions run;
};

struct PatchCell {
  int layer = 0, source_pos = 0, target_pos = 0, head = -1;
  PatchOutcome outcome;
};

struct PatchResult {
  std::vector<TokenInfo> source_tokens, target_tokens;
  PatchOutcome clean;     // the target unpatched
  PatchOutcome source;    // the source's own prediction (its last position)
  std::vector<int> layers;
  std::vector<std::pair<int, int>> positions;
  std::vector<int> heads; // {-1} unless Site::head
  std::vector<PatchCell> cells;  // layer-major, then position pair, then head
  /// The cell at (layer index, position index, head index) of the axes above.
  const PatchCell& at(std::size_t layer, std::size_t position, std::size_t head = 0) const;
};

/// Throws Error for layers, positions or heads out of range, and for prompts that tokenize to
/// different lengths when positions must align (with both lengths and what to do).
PatchResult activation_patching(const hooks::HookedModel& model, const hooks::ModelInput& source,
                                const hooks::ModelInput& target, const PatchRequest& request);

/// The target's greedy continuation with one patch applied to the prompt.
std::string patched_continuation(const hooks::HookedModel& model, const hooks::ModelInput& source,
                                 const hooks::ModelInput& target, Site site, const PatchCell& cell, int max_tokens);

/// Metrics of one logits row against the clean one (shared with ablation and steering).
PatchOutcome outcome_of(const hooks::HookedModel& model, const Tensor& logits_row, const Tensor& clean_row,
                        const PatchMetricsOptions& metrics, float clean_diff, float source_diff);

}  // namespace mlux::interp
