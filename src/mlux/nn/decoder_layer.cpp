#include "mlux/nn/decoder_layer.h"

#include "mlux/ops/ops.h"

namespace mlux::nn {

DecoderLayer::DecoderLayer(std::string name, const DecoderLayerSpec& s) : Module(std::move(name)), type_(s.type) {
  const std::int64_t D = s.mlp.hidden_size;
  // Children in mlx-lm's attribute order: mixer, mlp, then the norms.
  if (s.type == LayerType::conv) mixer_ = add_child(std::make_unique<ShortConv>(s.mixer_name, s.conv));
  else mixer_ = add_child(std::make_unique<Attention>(s.mixer_name, s.attention));
  mlp_ = add_child(std::make_unique<Mlp>(s.mlp_name, s.mlp));
  pre_mixer_norm_ = add_child(std::make_unique<Norm>(s.pre_mixer_norm, D, s.norm));
  if (!s.post_mixer_norm.empty() && !s.post_mlp_norm.empty()) {
    // Gemma 2/3 order: input, pre_feedforward, post_feedforward, post_attention.
    pre_mlp_norm_ = add_child(std::make_unique<Norm>(s.pre_mlp_norm, D, s.norm));
    post_mlp_norm_ = add_child(std::make_unique<Norm>(s.post_mlp_norm, D, s.norm));
    post_mixer_norm_ = add_child(std::make_unique<Norm>(s.post_mixer_norm, D, s.norm));
  } else {
    pre_mlp_norm_ = add_child(std::make_unique<Norm>(s.pre_mlp_norm, D, s.norm));
  }
  add_point("hook_resid_mid", &hook_resid_mid_, "[batch, pos, d_model]", "the residual stream after the mixer, before the MLP");
}

Tensor DecoderLayer::forward(const Tensor& h, RunContext& ctx) const {
  Tensor a = (*mixer_)((*pre_mixer_norm_)(h, ctx), ctx);
  if (post_mixer_norm_) a = (*post_mixer_norm_)(a, ctx);
  const Tensor resid = point(hook_resid_mid_, ops::add(h, a), ctx);
  Tensor m = (*mlp_)((*pre_mlp_norm_)(resid, ctx), ctx);
  if (post_mlp_norm_) m = (*post_mlp_norm_)(m, ctx);
  return ops::add(resid, m);  // never in place: a hook may hold on to `resid`
}

}  // namespace mlux::nn
