// How tools show tokens: the single-token decode (what the token reads as mid-text), escaped so
// whitespace is visible and a table cell stays one line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mlux/hooks/hooked_model.h"

namespace mlux::interp {

struct TokenInfo {
  int index = 0;             // position in the prompt
  std::int32_t id = 0;
  std::string text;          // the token's text (single-id decode)
  std::string display;       // text with \n, \t, \\ escaped and a leading/trailing space shown as ␣
};

/// Escapes control characters like Python's repr (without quotes) and marks edge spaces with ␣.
std::string display_text(const std::string& text);

/// TokenInfo for each id (text is "[id]" when the model has no tokenizer).
std::vector<TokenInfo> token_infos(const hooks::HookedModel& model, const std::vector<std::int32_t>& ids);
TokenInfo token_info(const hooks::HookedModel& model, std::int32_t id, int index = 0);

/// A predicted token with its logit and probability.
struct Prediction {
  std::int32_t id = 0;
  std::string token;    // single-id decode
  float logit = 0.0f;
  float prob = 0.0f;
};

/// The k highest of one row of logits [V], with softmax probabilities, highest first.
std::vector<Prediction> top_k(const hooks::HookedModel& model, const Tensor& logits_row, int k);

}  // namespace mlux::interp
