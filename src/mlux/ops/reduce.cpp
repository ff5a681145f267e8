// Reductions and softmax: axis handling and output shapes; loops in cpu/reduce.cpp.
#include "mlux/ops/check.h"
#include "mlux/ops/cpu/reduce.h"
#include "mlux/ops/ops.h"

namespace mlux::ops {
namespace {

Tensor reduce(std::string_view name, cpu::ReduceOp op, const Tensor& x, int axis, ReduceOptions opt) {
  detail::require_f32(name, "x", x);
  axis = detail::normalize_axis(name, axis, x.ndim());
  const std::int64_t n = x.dim(axis);
  if (n == 0 && op != cpu::ReduceOp::sum) fail(name, ": cannot reduce an empty axis (shape ", x.shape(), ")");
  std::int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; ++i) outer *= x.dim(i);
  for (int i = axis + 1; i < x.ndim(); ++i) inner *= x.dim(i);
  Shape out_shape = x.shape();
  if (opt.keepdims) out_shape[axis] = 1;
  else out_shape.erase(axis);
  Tensor xc = detail::as_f32_contiguous(x);
  if (op == cpu::ReduceOp::argmax) {
    Tensor out = Tensor::empty(out_shape, DType::i64);
    cpu::reduce(op, xc.data<float>(), outer, n, inner, nullptr, out.data<std::int64_t>());
    return out;
  }
  Tensor out = Tensor::empty(out_shape);
  cpu::reduce(op, xc.data<float>(), outer, n, inner, out.data<float>(), nullptr);
  return out;
}

Tensor softmax_impl(std::string_view name, const Tensor& x, int axis, bool log) {
  detail::require_f32(name, "x", x);
  axis = detail::normalize_axis(name, axis, x.ndim());
  // Rows must be contiguous: move the axis last, compute, move it back.
  Tensor xt = axis == x.ndim() - 1 ? x : x.transpose(axis, -1);
  Tensor xc = detail::as_f32_contiguous(xt);
  Tensor out = Tensor::empty(xc.shape());
  const std::int64_t n = xc.dim(-1);
  cpu::softmax_rows(xc.data<float>(), out.data<float>(), n ? xc.numel() / n : 0, n, log);
  return axis == x.ndim() - 1 ? out : out.transpose(axis, -1).contiguous();
}

}  // namespace

Tensor sum(const Tensor& x, int axis, ReduceOptions opt) { return reduce("sum", cpu::ReduceOp::sum, x, axis, opt); }
Tensor mean(const Tensor& x, int axis, ReduceOptions opt) { return reduce("mean", cpu::ReduceOp::mean, x, axis, opt); }
Tensor max(const Tensor& x, int axis, ReduceOptions opt) { return reduce("max", cpu::ReduceOp::max, x, axis, opt); }
Tensor argmax(const Tensor& x, int axis, ReduceOptions opt) { return reduce("argmax", cpu::ReduceOp::argmax, x, axis, opt); }
Tensor softmax(const Tensor& x, int axis) { return softmax_impl("softmax", x, axis, false); }
Tensor log_softmax(const Tensor& x, int axis) { return softmax_impl("log_softmax", x, axis, true); }

}  // namespace mlux::ops
