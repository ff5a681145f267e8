// DecoderLayer: one block of the residual stream, the same for every family:
//   a = mixer(pre_mixer_norm(h)) [→ post_mixer_norm];  h = h + a      (hook_resid_mid)
//   m = mlp(pre_mlp_norm(h))     [→ post_mlp_norm];    h = h + m
// The mixer is self-attention or LFM2's short convolution. Norm names and the optional post-norms
// (Gemma 2/3 "sandwich" norms) come from the spec.
//
// Internal hook point: hook_resid_mid [batch, pos, d_model], the residual after the mixer.
#pragma once

#include <optional>

#include "mlux/nn/attention.h"
#include "mlux/nn/mlp.h"
#include "mlux/nn/module.h"
#include "mlux/nn/norm.h"
#include "mlux/nn/short_conv.h"

namespace mlux::nn {

enum class LayerType { full_attention, sliding_attention, conv };

struct DecoderLayerSpec {
  LayerType type = LayerType::full_attention;
  std::string mixer_name = "self_attn";        // "attn" (GPT-2), "conv" (LFM2 conv layers)
  AttentionSpec attention;                     // attention layers
  ShortConvSpec conv;                          // conv layers
  std::string mlp_name = "mlp";                // "feed_forward" (LFM2)
  MlpSpec mlp;
  NormSpec norm;
  std::string pre_mixer_norm = "input_layernorm";
  std::string post_mixer_norm;                 // empty: none
  std::string pre_mlp_norm = "post_attention_layernorm";
  std::string post_mlp_norm;                   // empty: none
};

class DecoderLayer : public Module {
 public:
  DecoderLayer(std::string name, const DecoderLayerSpec& spec);
  LayerType type() const { return type_; }
  /// Children by role, for tools that look inside a block (hook aliases, logit lens).
  const Module& mixer() const { return *mixer_; }  // Attention or ShortConv
  const Module& mlp() const { return *mlp_; }
  const Norm& pre_mixer_norm() const { return *pre_mixer_norm_; }
  const Norm& pre_mlp_norm() const { return *pre_mlp_norm_; }
  const Norm* post_mixer_norm() const { return post_mixer_norm_; }  // Gemma 2/3
  const Norm* post_mlp_norm() const { return post_mlp_norm_; }      // Gemma 2/3
  int hook_resid_mid() const { return hook_resid_mid_; }

 protected:
  /// h [B, T, D] → [B, T, D]
  Tensor forward(const Tensor& h, RunContext& ctx) const override;

 private:
  LayerType type_;
  Module* mixer_ = nullptr;
  Module* mlp_ = nullptr;
  Norm* pre_mixer_norm_ = nullptr;
  Norm* post_mixer_norm_ = nullptr;
  Norm* pre_mlp_norm_ = nullptr;
  Norm* post_mlp_norm_ = nullptr;
  int hook_resid_mid_ = -1;
};

}  // namespace mlux::nn
