// Mlp: the feed-forward block. Gated (down(act(gate(x)) · up(x)): Llama, Gemma, Qwen, LFM2),
// gated with one fused gate_up projection (Phi-3: first half gate, second half up), or plain
// (down(act(up(x))): GPT-2's c_fc/c_proj).
//
// Internal hook point: hook_post [batch, pos, d_mlp], the hidden activation fed to the down projection.
#pragma once

#include "mlux/nn/linear.h"
#include "mlux/nn/module.h"
#include "mlux/ops/ops.h"

namespace mlux::nn {

enum class MlpKind { gated, fused_gated, plain };

struct MlpSpec {
  MlpKind kind = MlpKind::gated;
  std::int64_t hidden_size = 0;
  std::int64_t intermediate_size = 0;
  std::string gate_name = "gate_proj";  // fused_gated: the fused projection's name
  std::string up_name = "up_proj";      // plain: the input projection's name
  std::string down_name = "down_proj";
  ops::Activation activation = ops::Activation::silu;
  bool bias = false;
};

class Mlp : public Module {
 public:
  Mlp(std::string name, MlpSpec spec);
  const MlpSpec& spec() const { return spec_; }

 protected:
  /// x [B, T, D] → [B, T, D]
  Tensor forward(const Tensor& x, RunContext& ctx) const override;

 private:
  MlpSpec spec_;
  Linear* gate_ = nullptr;
  Linear* up_ = nullptr;
  Linear* down_ = nullptr;
  int hook_post_ = -1;
};

}  // namespace mlux::nn
