// Attention-head summaries on repeated random tokens (BOS, then a random sequence twice): the
// previous-token score (mean attention from each position to the one before it) and the induction
// score (mean attention from each token of the second copy to the token after its first
// occurrence), as in the original's induction-head experiments. Exact patterns (attention_patterns).
#pragma once

#include <cstdint>
#include <vector>

#include "mlux/hooks/hooked_model.h"

namespace mlux::interp {

struct HeadScoreOptions {
  int length = 50;          // tokens in the random sequence
  int trials = 4;           // sequences averaged
  std::uint64_t seed = 1234;
};

struct HeadScores {
  std::vector<int> layers;                       // attention layers
  std::vector<std::vector<float>> previous_token; // [layer index][head]
  std::vector<std::vector<float>> induction;      // [layer index][head]
};

HeadScores head_scores(const hooks::HookedModel& model, const HeadScoreOptions& options = {});

}  // namespace mlux::interp
