// Normalisation modules: RmsNorm (Llama-style, or Gemma-style with an implicit +1 on the weight)
// and LayerNorm (GPT-2). Weights are converted to f32 at load (they are small).
#pragma once

#include "mlux/nn/module.h"
#include "mlux/ops/ops.h"

namespace mlux::nn {

enum class NormKind { rms, layer };

struct NormSpec {
  NormKind kind = NormKind::rms;
  float eps = 1e-6f;
  float weight_offset = 0.0f;  // 1.0 for Gemma's (1 + w)
};

class Norm : public Module {
 public:
  Norm(std::string name, std::int64_t dim, NormSpec spec);
  const NormSpec& spec() const { return spec_; }

 protected:
  /// x [..., dim] → same shape
  Tensor forward(const Tensor& x, RunContext& ctx) const override;

 private:
  NormSpec spec_;
  Tensor weight_;  // [dim]
  Tensor bias_;    // [dim], LayerNorm only
};

}  // namespace mlux::nn
