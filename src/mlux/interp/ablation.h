// Ablation: replace an activation — a block output (the residual stream) at one layer and
// position, or one head — by zero, by its mean over the prompt's positions, or by the value another
// prompt has there (resample), and measure how the probability of the clean run's top next token
// changes. effect = p_clean − p_ablated: positive means the ablation hurts (the position mattered),
// negative that it helps. This is the original ablation explorer's algorithm (mean ablation of block
// outputs, every layer × position), streamed layer by layer, on the fast edit path.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "mlux/interp/edits.h"
#include "mlux/interp/token_display.h"

namespace mlux::interp {

enum class AblationKind { zero, mean, resample };
AblationKind ablation_kind_from(const std::string& name);  // "zero" | "mean" | "resample"

struct AblationOptions {
  AblationKind kind = AblationKind::mean;
  Site site = Site::resid;           // resid, attn, mlp or head
  std::vector<int> layers;           // empty: all (attention layers for heads)
  std::vector<int> positions;        // empty: all
  std::vector<int> heads;            // Site::head; empty: all
  std::optional<hooks::ModelInput> resample_from;  // AblationKind::resample: the other prompt
  EditOptions run;
  /// Called when a layer's effects are ready: (layer, effects [position × head]).
  std::function<void(int layer, const std::vector<float>& effects)> on_layer;
};

struct AblationResult {
  std::vector<TokenInfo> tokens;
  Prediction baseline;               // the clean top token and its probability
  std::vector<int> layers, positions, heads;  // heads = {-1} unless Site::head
  std::vector<std::vector<float>> effects;    // [layer][position × head]
};

AblationResult ablate(const hooks::HookedModel& model, const hooks::ModelInput& prompt, const AblationOptions& options = {});

}  // namespace mlux::interp
