// ShortConv: LFM2's gated short convolution, the mixer of its conv layers.
//   [b, c, x] = split(in_proj(h), 3);  y = c ⊙ conv(b ⊙ x);  out = out_proj(y)
// where conv is a depthwise causal convolution over time with kernel L (conv_L_cache). With a KV
// cache, the last L−1 values of b ⊙ x are kept as the next call's history.
#pragma once

#include "mlux/nn/linear.h"
#include "mlux/nn/module.h"

namespace mlux::nn {

struct ShortConvSpec {
  std::int64_t layer_index = 0;
  std::int64_t hidden_size = 0;
  std::int64_t kernel_size = 3;
  bool bias = false;
};

/// The depthwise convolution itself (`...conv.conv`), weight [C, L].
class DepthwiseConv : public Module {
 public:
  DepthwiseConv(std::string name, std::int64_t channels, std::int64_t kernel_size, bool bias, std::int64_t layer_index);

 protected:
  /// x [B, T, C] → [B, T, C]; reads and updates the layer's conv history in the cache.
  Tensor forward(const Tensor& x, RunContext& ctx) const override;

 private:
  std::int64_t layer_index_, kernel_size_;
  Tensor weight_;  // [C, L]
  Tensor bias_;    // [C]
};

class ShortConv : public Module {
 public:
  ShortConv(std::string name, ShortConvSpec spec);

 protected:
  /// x [B, T, D] → [B, T, D]
  Tensor forward(const Tensor& x, RunContext& ctx) const override;

 private:
  ShortConvSpec spec_;
  Linear* in_proj_ = nullptr;
  DepthwiseConv* conv_ = nullptr;
  Linear* out_proj_ = nullptr;
};

}  // namespace mlux::nn
