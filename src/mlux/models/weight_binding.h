// Binding checkpoint tensors to a module tree's parameter slots: names mapped through the
// family's key mapping, quantized modules switched to quantized storage first (quantization.h),
// shapes and dtypes checked, every missing and every unexpected tensor reported by name.
// Matrices stay memory-mapped in their file dtype (or as u32 codes); small tensors (norms,
// biases, conv kernels) become f32.
#pragma once

#include "mlux/io/safetensors.h"
#include "mlux/models/model_config.h"
#include "mlux/models/quantization.h"
#include "mlux/models/registry.h"
#include "mlux/nn/module.h"

namespace mlux::models {

/// A checkpoint tensor and the module key it binds to (mlx-lm's sanitized name).
struct MappedTensor {
  std::string name;        // as in the checkpoint
  std::string key;         // module path + "." + parameter name
  bool transpose = false;  // GPT-2 Conv1D weights in transformers' layout
};

/// Every checkpoint tensor the model may use, mapped to its module key: buffers the family drops
/// and the lm_head of a tied model are left out. Throws nothing for unknown names (binding does).
std::vector<MappedTensor> map_checkpoint(const io::Checkpoint& ckpt, const Family& family, const ModelConfig& cfg);

/// The tensor `m` stands for, transposed when the mapping says so (file dtype, zero-copy otherwise).
Tensor mapped_tensor(const io::Checkpoint& ckpt, const MappedTensor& m);

struct BindResult {
  std::int64_t parameters = 0;   // logical weights (a quantized matrix counts rows × inputs)
  QuantizationPlan quantization; // which modules are quantized, and how
};

/// Fills every Param of `root`'s tree from `ckpt`. Throws Error naming the tensor and both shapes.
/// Quantized modules run with `quantized`.
BindResult bind_weights(nn::Module& root, const io::Checkpoint& ckpt, const Family& family, const ModelConfig& cfg,
                        ops::QuantizedLinearOptions quantized = {});

}  // namespace mlux::models
