// The logit lens: read the residual stream (or a sublayer's output) at every layer through the
// model's own final norm and unembedding — final soft-cap included — and see what it would predict.
// One cached forward; the unembedding runs only for the rows and positions asked for. Reports
// top-k tokens with probabilities and logits, and the rank and probability of chosen target tokens
// at every layer. Works on every supported architecture (GPT-2's tied wte included).
#pragma once

#include <string>
#include <vector>

#include "mlux/interp/token_display.h"

namespace mlux::interp {

enum class LensProbe {
  resid,     // the residual stream after each block (plus the embedding row first)
  attn_out,  // each layer's mixer output (attention; LFM2's conv layers: the conv output)
  mlp_out,   // each layer's MLP output
};
LensProbe lens_probe_from(const std::string& name);  // "resid" | "attn" | "attn_out" | "mlp" | "mlp_out"

struct LensOptions {
  LensProbe probe = LensProbe::resid;
  int top_k = 5;
  std::vector<int> positions;          // prompt positions to read (negative count from the end); empty: all
  std::vector<std::int32_t> targets;   // token ids traced across layers
};

struct TargetTrace {
  TokenInfo token;
  std::vector<std::vector<float>> prob;   // [row][position]
  std::vector<std::vector<int>> rank;     // [row][position], 1 = top
};

struct LensResult {
  std::vector<TokenInfo> tokens;          // the whole prompt
  std::vector<int> positions;             // which prompt positions the columns are
  std::vector<std::string> rows;          // "embed" (resid probe only), then "0", "1", ... per layer
  std::vector<int> row_layers;            // the layer of each row (-1 for the embedding row)
  std::vector<std::vector<std::vector<Prediction>>> grid;  // [row][position] → top_k, best first
  std::vector<TargetTrace> targets;
};

/// Throws Error for a position out of range or top_k < 1.
LensResult logit_lens(const hooks::HookedModel& model, const hooks::ModelInput& input, const LensOptions& options = {});

}  // namespace mlux::interp
