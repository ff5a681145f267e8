// Depthwise causal 1-D convolution (LFM2's short conv). Small: T·C·L multiply-adds per call.
#include "mlux/ops/check.h"
#include "mlux/ops/ops.h"

namespace mlux::ops {

Tensor causal_depthwise_conv1d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& history) {
  detail::require_f32("causal_depthwise_conv1d", "x", x);
  detail::require_ndim("causal_depthwise_conv1d", "x", x, 3);
  detail::require_float("causal_depthwise_conv1d", "weight", weight);
  detail::require_ndim("causal_depthwise_conv1d", "weight", weight, 2);
  const std::int64_t B = x.dim(0), T = x.dim(1), C = x.dim(2), L = weight.dim(1);
  if (weight.dim(0) != C) fail("causal_depthwise_conv1d: weight ", weight.shape(), " does not match x ", x.shape(), " (needs [", C, ", L])");
  if (bias.defined() && (bias.ndim() != 1 || bias.dim(0) != C))
    fail("causal_depthwise_conv1d: bias ", bias.shape(), " does not match ", C, " channels");
  if (history.defined() && (history.ndim() != 3 || history.dim(0) != B || history.dim(1) != L - 1 || history.dim(2) != C))
    fail("causal_depthwise_conv1d: history ", history.shape(), " must be [", B, ", ", L - 1, ", ", C, "]");
  Tensor xc = detail::as_f32_contiguous(x), w = detail::as_f32_contiguous(weight);
  Tensor b = bias.defined() ? detail::as_f32_contiguous(bias) : Tensor();
  Tensor h = history.defined() ? detail::as_f32_contiguous(history) : Tensor();
  Tensor out = Tensor::empty({B, T, C});
  const float* xp = xc.data<float>();
  const float* wp = w.data<float>();
  const float* hp = h.defined() ? h.data<float>() : nullptr;
  float* op = out.data<float>();
  for (std::int64_t bi = 0; bi < B; ++bi) {
    for (std::int64_t t = 0; t < T; ++t) {
      for (std::int64_t c = 0; c < C; ++c) {
        float acc = b.defined() ? b.data<float>()[c] : 0.0f;
        for (std::int64_t k = 0; k < L; ++k) {
          const std::int64_t src = t - (L - 1) + k;  // index into x; negative reaches into history
          float v = 0.0f;
          if (src >= 0) v = xp[(bi * T + src) * C + c];
          else if (hp) v = hp[(bi * (L - 1) + (L - 1 + src)) * C + c];
          acc += wp[c * L + k] * v;
        }
        op[(bi * T + t) * C + c] = acc;
      }
    }
  }
  return out;
}

}  // namespace mlux::ops
