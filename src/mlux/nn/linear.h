// Linear: y = x · Wᵀ + b with W [out, in] kept in its file dtype (f32, f16, bf16).
#pragma once

#include "mlux/nn/module.h"

namespace mlux::nn {

class Linear : public Module {
 public:
  Linear(std::string name, std::int64_t in_features, std::int64_t out_features, bool bias);

  std::int64_t in_features() const { return in_; }
  std::int64_t out_features() const { return out_; }
  const Tensor& weight() const { return weight_; }  // [out, in]
  const Tensor& bias() const { return bias_; }      // [out] f32, or undefined

 protected:
  Tensor forward(const Tensor& x, RunContext& ctx) const override;

 private:
  std::int64_t in_, out_;
  Tensor weight_;
  Tensor bias_;
};

}  // namespace mlux::nn
