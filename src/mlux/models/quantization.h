// Which modules of a checkpoint are stored quantized, and how: mlx-lm's load rule
// (model-formats.md §2.7). A module is quantized exactly when `<path>.scales` is in the checkpoint;
// its bits / group_size / mode come from its own entry in config.json's "quantization" block when
// there is one (a dict; `false` means "not quantized"), else from the block's top level. The plan
// is applied to the module tree before weights are bound, so nn/ never reads checkpoints.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mlux/models/model_config.h"
#include "mlux/nn/module.h"
#include "mlux/ops/ops.h"
#include "mlux/tensor/quantized.h"

namespace mlux::models {

/// Module path → how it is quantized.
using QuantizationPlan = std::map<std::string, QuantParams>;

/// `scaled`: the module paths that have a `.scales` tensor in the checkpoint (after key mapping).
/// `where` names the checkpoint in errors. Throws Error for a missing or malformed quantization
/// block, a mode mlux cannot run, or unsupported bits / group sizes, naming the module and field.
QuantizationPlan plan_quantization(const ModelConfig& cfg, const std::vector<std::string>& scaled, const std::string& where);

/// Switches every planned module of the tree to quantized storage, running with `opt`. Throws
/// Error naming the module when it is not a Linear or Embedding, or its inputs are not whole groups.
void apply_quantization(nn::Module& root, const QuantizationPlan& plan, ops::QuantizedLinearOptions opt = {});

/// "q4 g64", or "mixed q4/q8 g64" when modules differ; "" for an unquantized model.
std::string describe_quantization(const QuantizationPlan& plan);

/// The "quantization" (and "quantization_config") block mlx-lm writes for `p`.
io::Json quantization_block(const QuantParams& p);

}  // namespace mlux::models
