#include "mlux/nn/short_conv.h"

#include "mlux/error.h"
#include "mlux/nn/kv_cache.h"
#include "mlux/ops/ops.h"

namespace mlux::nn {

DepthwiseConv::DepthwiseConv(std::string name, std::int64_t channels, std::int64_t kernel_size, bool bias,
                             std::int64_t layer_index)
    : Module(std::move(name)), layer_index_(layer_index), kernel_size_(kernel_size) {
  add_param("weight", &weight_, {channels, kernel_size}, true, true);
  if (bias) add_param("bias", &bias_, {channels}, true, true);
}

Tensor DepthwiseConv::forward(const Tensor& x, RunContext& ctx) const {
  if (ctx.segments) fail("short conv: segmented (ragged) runs are not supported by convolution layers");
  const Tensor history = ctx.cache ? ctx.cache->conv_state(layer_index_) : Tensor();
  Tensor y = ops::causal_depthwise_conv1d(x, weight_, bias_, history);
  if (ctx.cache) {
    // The next call's history: the last L−1 inputs, from this call and (if short) the old history.
    const std::int64_t keep = kernel_size_ - 1;
    Tensor all = history.defined() ? ops::concatenate({history, x}, 1)
                                   : ops::concatenate({Tensor::zeros({x.dim(0), keep, x.dim(2)}), x}, 1);
    ctx.cache->set_conv_state(layer_index_, all.slice(1, all.dim(1) - keep, all.dim(1)).contiguous());
  }
  return y;
}

ShortConv::ShortConv(std::string name, ShortConvSpec spec) : Module(std::move(name)), spec_(spec) {
  const std::int64_t D = spec.hidden_size;
  in_proj_ = add_child(std::make_unique<Linear>("in_proj", D, 3 * D, spec.bias));
  conv_ = add_child(std::make_unique<DepthwiseConv>("conv", D, spec.kernel_size, spec.bias, spec.layer_index));
  out_proj_ = add_child(std::make_unique<Linear>("out_proj", D, D, spec.bias));
  in_proj_->set_output_shape("[batch, pos, 3·d_model]");
}

Tensor ShortConv::forward(const Tensor& x, RunContext& ctx) const {
  const std::int64_t D = spec_.hidden_size;
  const Tensor bcx = (*in_proj_)(x, ctx);
  const Tensor b = bcx.slice(-1, 0, D), c = bcx.slice(-1, D, 2 * D), xx = bcx.slice(-1, 2 * D, 3 * D);
  const Tensor conv_out = (*conv_)(ops::multiply(b, xx), ctx);
  return (*out_proj_)(ops::multiply(c, conv_out), ctx);
}

}  // namespace mlux::nn
