// MatrixWeight: the [out, in] weight of a Linear or an Embedding, stored either as the file holds
// it (f32, f16, bf16) or MLX-quantized (u32 codes + scales + biases, tensor/quantized.h). It
// declares its parameter slots on the owning module; a loader that finds the module quantized in
// the checkpoint calls use_quantized() before binding, which re-declares them. The module's path
// (its hook name) is the same either way, as in mlx-lm's QuantizedLinear / QuantizedEmbedding.
#pragma once

#include "mlux/nn/module.h"
#include "mlux/ops/ops.h"
#include "mlux/tensor/quantized.h"

namespace mlux::nn {

class MatrixWeight {
 public:
  /// Declares "weight" [out, in] among `owner`'s parameters.
  MatrixWeight(Module& owner, std::int64_t out, std::int64_t in);
  MatrixWeight(const MatrixWeight&) = delete;
  MatrixWeight& operator=(const MatrixWeight&) = delete;

  /// Switches to quantized storage: "weight" becomes u32 [out, in·bits/32], "scales" and "biases"
  /// [out, in/group_size] are added; `opt` says how linear() treats its input. Throws Error unless
  /// group_size divides in.
  void use_quantized(const QuantParams& p, ops::QuantizedLinearOptions opt = {});

  bool quantized() const { return quantized_; }
  std::int64_t out_features() const { return out_; }
  std::int64_t in_features() const { return in_; }
  /// What the checkpoint holds under "weight": floats [out, in], or the u32 codes.
  const Tensor& stored() const { return quantized_ ? quant_.weight : dense_; }
  const QuantizedTensor& quantized_weight() const { return quant_; }
  /// The weight as f32 [out, in] (dequantized if quantized; a view or conversion otherwise).
  Tensor to_f32() const;

  /// x · Wᵀ (+ bias): x [..., in] → [..., out]
  Tensor linear(const Tensor& x, const Tensor& bias = {}) const;
  /// Rows of W picked by ids [...] → [..., in] f32
  Tensor take(const Tensor& ids) const;

 private:
  std::vector<Param>* params_;
  std::int64_t out_, in_;
  bool quantized_ = false;
  Tensor dense_;            // [out, in] f32/f16/bf16
  QuantizedTensor quant_;   // codes [out, in·bits/32], scales and biases [out, in/group]
  ops::QuantizedLinearOptions linear_options_;
};

/// A module whose weight may be stored quantized (Linear, Embedding): what the loader looks for.
class Quantizable {
 public:
  virtual ~Quantizable() = default;
  virtual MatrixWeight& matrix() = 0;
  virtual const MatrixWeight& matrix() const = 0;
};

}  // namespace mlux::nn
