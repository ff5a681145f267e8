// attention_patterns(): the attention probabilities a model really computed — after RoPE and
// q/k-norm, with its own score scale, soft-cap, causal and sliding-window masks and GQA sharing —
// for chosen layers and heads. Only the requested layers materialise their patterns; the others
// run the fused path. (The original recomputed patterns from pre-RoPE q/k with a generic scale.)
#pragma once

#include <map>
#include <vector>

#include "mlux/hooks/hooked_model.h"

namespace mlux::interp {

struct PatternOptions {
  std::vector<int> heads;  // which query heads (empty: all)
};

/// layer → pattern [batch, head, q_pos, k_pos]. Throws Error for a layer out of range or without
/// attention (LFM2's conv layers), listing the layers that have it.
std::map<int, Tensor> attention_patterns(const hooks::HookedModel& model, const hooks::ModelInput& input,
                                         const std::vector<int>& layers, const PatternOptions& options = {});

}  // namespace mlux::interp
