// Attention: the self-attention block shared by every family. What differs between families is
// data in AttentionSpec (names, biases, fused projection, q/k norms, RoPE, scale, soft-cap,
// window), never a branch on the model's name.
//
// Internal hook points (shapes in named dims):
//   hook_q, hook_k, hook_v  [batch, pos, head, d_head]     after q/k-norm and RoPE
//   hook_scores             [batch, head, q_pos, k_pos]    scaled, soft-capped, masked (−inf)
//   hook_pattern            [batch, head, q_pos, k_pos]    softmax of the scores
//   hook_z                  [batch, pos, head, d_head]     per-head output, before the output projection
// Scores and pattern are only materialised when a hook asks for one of them.
#pragma once

#include <optional>

#include "mlux/nn/linear.h"
#include "mlux/nn/module.h"
#include "mlux/nn/norm.h"
#include "mlux/nn/rope.h"
#include "mlux/ops/ops.h"

namespace mlux::nn {

struct AttentionSpec {
  std::int64_t layer_index = 0;     // slot in the KV cache
  std::int64_t hidden_size = 0;
  std::int64_t num_heads = 0;
  std::int64_t num_kv_heads = 0;
  std::int64_t head_dim = 0;
  std::string q_name = "q_proj", k_name = "k_proj", v_name = "v_proj", o_name = "o_proj";
  std::string fused_qkv_name;       // non-empty: one projection yields q, k, v in that order (Phi-3, GPT-2)
  bool qkv_bias = false;
  bool o_bias = false;
  std::optional<NormSpec> qk_norm;  // per-head norm of q and k before RoPE (Qwen3, Gemma 3, LFM2)
  std::string q_norm_name = "q_norm", k_norm_name = "k_norm";
  std::optional<RopeSpec> rope;     // none: positions come from elsewhere (GPT-2)
  float scale = 1.0f;               // usually head_dim^-0.5
  float logit_softcap = 0.0f;       // Gemma 2
  std::int64_t window = 0;          // sliding-window layers
};

class Attention : public Module {
 public:
  Attention(std::string name, AttentionSpec spec);
  const AttentionSpec& spec() const { return spec_; }

 protected:
  /// x [B, T, D] → [B, T, D]
  Tensor forward(const Tensor& x, RunContext& ctx) const override;

 private:
  /// Attention of each segment of a ragged run over its prefix and its own tokens.
  Tensor segmented_attention(const Tensor& q, const Tensor& k, const Tensor& v, const ops::AttentionOptions& opt,
                             RunContext& ctx) const;

  AttentionSpec spec_;
  Linear* q_ = nullptr;
  Linear* k_ = nullptr;
  Linear* v_ = nullptr;
  Linear* qkv_ = nullptr;
  Linear* o_ = nullptr;
  Norm* q_norm_ = nullptr;
  Norm* k_norm_ = nullptr;
  RopeFrequencies static_freqs_;    // for rope variants that do not depend on length
  int hook_q_ = -1, hook_k_ = -1, hook_v_ = -1, hook_scores_ = -1, hook_pattern_ = -1, hook_z_ = -1;
};

}  // namespace mlux::nn
