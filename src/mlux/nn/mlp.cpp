#include "mlux/nn/mlp.h"

namespace mlux::nn {

Mlp::Mlp(std::string name, MlpSpec spec) : Module(std::move(name)), spec_(std::move(spec)) {
  const auto& s = spec_;
  switch (s.kind) {
    case MlpKind::gated:
      gate_ = add_child(std::make_unique<Linear>(s.gate_name, s.hidden_size, s.intermediate_size, s.bias));
      up_ = add_child(std::make_unique<Linear>(s.up_name, s.hidden_size, s.intermediate_size, s.bias));
      break;
    case MlpKind::fused_gated:
      gate_ = add_child(std::make_unique<Linear>(s.gate_name, s.hidden_size, 2 * s.intermediate_size, s.bias));
      break;
    case MlpKind::plain:
      up_ = add_child(std::make_unique<Linear>(s.up_name, s.hidden_size, s.intermediate_size, s.bias));
      break;
  }
  down_ = add_child(std::make_unique<Linear>(s.down_name, s.intermediate_size, s.hidden_size, s.bias));
  if (gate_) gate_->set_output_shape(s.kind == MlpKind::fused_gated ? "[batch, pos, 2·d_mlp]" : "[batch, pos, d_mlp]");
  if (up_) up_->set_output_shape("[batch, pos, d_mlp]");
  add_point("hook_post", &hook_post_, "[batch, pos, d_mlp]", "the hidden activation fed to the down projection");
}

Tensor Mlp::forward(const Tensor& x, RunContext& ctx) const {
  Tensor hidden;
  switch (spec_.kind) {
    case MlpKind::gated:
      hidden = ops::gated_activation((*gate_)(x, ctx), (*up_)(x, ctx), spec_.activation);
      break;
    case MlpKind::fused_gated: {
      const Tensor gu = (*gate_)(x, ctx);
      const std::int64_t I = spec_.intermediate_size;
      hidden = ops::gated_activation(gu.slice(-1, 0, I).contiguous(), gu.slice(-1, I, 2 * I).contiguous(), spec_.activation);
      break;
    }
    case MlpKind::plain:
      hidden = ops::activation((*up_)(x, ctx), spec_.activation);
      break;
  }
  hidden = point(hook_post_, hidden, ctx);
  return (*down_)(hidden, ctx);
}

}  // namespace mlux::nn
