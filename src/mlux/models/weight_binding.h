// Binding checkpoint tensors to a module tree's parameter slots: names mapped through the
// family's key mapping, shapes and dtypes checked, every missing and every unexpected tensor
// reported by name. Matrices stay memory-mapped in their file dtype; small tensors (norms,
// biases, conv kernels) become f32.
#pragma once

#include "mlux/io/safetensors.h"
#include "mlux/models/model_config.h"
#include "mlux/models/registry.h"
#include "mlux/nn/module.h"

namespace mlux::models {

/// Fills every Param of `root`'s tree from `ckpt`. Throws Error naming the tensor and both shapes.
/// Returns the number of parameters bound.
std::int64_t bind_weights(nn::Module& root, const io::Checkpoint& ckpt, const Family& family, const ModelConfig& cfg);

}  // namespace mlux::models
