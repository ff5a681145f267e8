// RMSNorm and LayerNorm: validation and dispatch; loops in cpu/norm.cpp.
#include "mlux/ops/check.h"
#include "mlux/ops/cpu/norm.h"
#include "mlux/ops/ops.h"

namespace mlux::ops {
namespace {

void check_vector(std::string_view op, std::string_view what, const Tensor& v, std::int64_t d, const Shape& x) {
  detail::require_float(op, what, v);
  if (v.ndim() != 1 || v.dim(0) != d) fail(op, ": ", what, " is ", v.shape(), " but x ", x, " needs [", d, "]");
}

}  // namespace

Tensor rms_norm(const Tensor& x, const Tensor& weight, RmsNormOptions opt) {
  detail::require_f32("rms_norm", "x", x);
  if (x.ndim() == 0) fail("rms_norm: x must have at least one dimension");
  const std::int64_t d = x.dim(-1);
  check_vector("rms_norm", "weight", weight, d, x.shape());
  Tensor xc = detail::as_f32_contiguous(x), w = detail::as_f32_contiguous(weight);
  Tensor out = Tensor::empty(x.shape());
  cpu::rms_norm_rows(xc.data<float>(), w.data<float>(), out.data<float>(), d ? xc.numel() / d : 0, d, opt.eps,
                     opt.weight_offset);
  return out;
}

Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, LayerNormOptions opt) {
  detail::require_f32("layer_norm", "x", x);
  if (x.ndim() == 0) fail("layer_norm: x must have at least one dimension");
  const std::int64_t d = x.dim(-1);
  check_vector("layer_norm", "weight", weight, d, x.shape());
  Tensor b;
  if (bias.defined()) {
    check_vector("layer_norm", "bias", bias, d, x.shape());
    b = detail::as_f32_contiguous(bias);
  }
  Tensor xc = detail::as_f32_contiguous(x), w = detail::as_f32_contiguous(weight);
  Tensor out = Tensor::empty(x.shape());
  cpu::layer_norm_rows(xc.data<float>(), w.data<float>(), b.defined() ? b.data<float>() : nullptr, out.data<float>(),
                       d ? xc.numel() / d : 0, d, opt.eps);
  return out;
}

}  // namespace mlux::ops
