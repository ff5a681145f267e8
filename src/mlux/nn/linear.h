// Linear: y = x · Wᵀ + b with W [out, in] kept in its file dtype (f32, f16, bf16), or MLX-quantized
// (mlx-lm's QuantizedLinear, same path and hooks) when the loader switches its storage.
#pragma once

#include "mlux/nn/matrix_weight.h"
#include "mlux/nn/module.h"

namespace mlux::nn {

class Linear : public Module, public Quantizable {
 public:
  Linear(std::string name, std::int64_t in_features, std::int64_t out_features, bool bias);

  std::int64_t in_features() const { return weight_.in_features(); }
  std::int64_t out_features() const { return weight_.out_features(); }
  /// As stored: [out, in] floats, or u32 codes when quantized (see matrix()).
  const Tensor& weight() const { return weight_.stored(); }
  const Tensor& bias() const { return bias_; }      // [out] f32, or undefined
  const MatrixWeight& matrix() const override { return weight_; }
  MatrixWeight& matrix() override { return weight_; }

 protected:
  Tensor forward(const Tensor& x, RunContext& ctx) const override;

 private:
  MatrixWeight weight_;
  Tensor bias_;
};

}  // namespace mlux::nn
