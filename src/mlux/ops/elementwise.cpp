// Elementwise ops: broadcasting, layout and dispatch; loops live in cpu/elementwise.cpp.
#include <omp.h>

#include "mlux/ops/check.h"
#include "mlux/ops/cpu/elementwise.h"
#include "mlux/ops/ops.h"

namespace mlux::ops {
namespace {

using detail::as_f32_contiguous;

Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b) {
  const int n = std::max(a.size(), b.size());
  Shape out;
  for (int i = 0; i < n; ++i) {
    const int ia = i - (n - a.size()), ib = i - (n - b.size());
    const std::int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1) fail(op, ": shapes ", a, " and ", b, " do not broadcast");
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

// Calls fn(out_row, a_row, a_step, b_row, b_step, n) for every run along the last axis.
template <typename Fn>
void for_each_row(const Tensor& a, const Tensor& b, Tensor& out, Fn fn) {
  const Shape& shape = out.shape();
  const int nd = shape.size();
  const std::int64_t n = nd ? shape[nd - 1] : 1;
  const std::int64_t rows = n ? out.numel() / n : 0;
  const float* ap = reinterpret_cast<const float*>(a.bytes());
  const float* bp = reinterpret_cast<const float*>(b.bytes());
  float* op = reinterpret_cast<float*>(out.mutable_bytes());
  const std::int64_t as = nd ? a.strides()[nd - 1] : 0, bs = nd ? b.strides()[nd - 1] : 0;
#pragma omp parallel for schedule(static) if (rows * n > (1 << 16))
  for (std::int64_t r = 0; r < rows; ++r) {
    std::int64_t rem = r, ao = 0, bo = 0;
    for (int d = nd - 2; d >= 0; --d) {
      const std::int64_t i = rem % shape[d];
      rem /= shape[d];
      ao += i * a.strides()[d];
      bo += i * b.strides()[d];
    }
    fn(op + r * n, ap + ao, as, bp + bo, bs, n);
  }
}

Tensor binary(std::string_view name, cpu::BinaryOp kind, const Tensor& a, const Tensor& b) {
  detail::require_f32(name, "a", a);
  detail::require_f32(name, "b", b);
  const Shape shape = broadcast_shapes(name, a.shape(), b.shape());
  // Kernels read through float pointers: operands must be aligned; any strides are fine.
  Tensor av = a, bv = b;
  if (reinterpret_cast<std::uintptr_t>(av.bytes()) % 4) av = av.clone();
  if (reinterpret_cast<std::uintptr_t>(bv.bytes()) % 4) bv = bv.clone();
  av = av.broadcast_to(shape);
  bv = bv.broadcast_to(shape);
  Tensor out = Tensor::empty(shape);
  for_each_row(av, bv, out, [kind](float* o, const float* x, std::int64_t xs, const float* y, std::int64_t ys, std::int64_t n) {
    cpu::binary(kind, x, xs, y, ys, o, n);
  });
  return out;
}

Tensor unary(std::string_view name, cpu::UnaryOp kind, const Tensor& x) {
  detail::require_f32(name, "x", x);
  Tensor xc = as_f32_contiguous(x);
  Tensor out = Tensor::empty(x.shape());
  cpu::unary(kind, xc.data<float>(), out.data<float>(), out.numel());
  return out;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) { return binary("add", cpu::BinaryOp::add, a, b); }
Tensor subtract(const Tensor& a, const Tensor& b) { return binary("subtract", cpu::BinaryOp::subtract, a, b); }
Tensor multiply(const Tensor& a, const Tensor& b) { return binary("multiply", cpu::BinaryOp::multiply, a, b); }
Tensor divide(const Tensor& a, const Tensor& b) { return binary("divide", cpu::BinaryOp::divide, a, b); }
Tensor add(const Tensor& a, float b) { return binary("add", cpu::BinaryOp::add, a, Tensor::scalar(b)); }
Tensor multiply(const Tensor& a, float b) { return binary("multiply", cpu::BinaryOp::multiply, a, Tensor::scalar(b)); }

void add_into(Tensor& out, const Tensor& b) {
  detail::require_f32("add_into", "out", out);
  detail::require_f32("add_into", "b", b);
  if (!out.is_contiguous()) fail("add_into: out must be contiguous, got strides ", out.strides());
  if (broadcast_shapes("add_into", out.shape(), b.shape()) != out.shape())
    fail("add_into: b ", b.shape(), " does not broadcast to out ", out.shape());
  Tensor bv = b;
  if (reinterpret_cast<std::uintptr_t>(bv.bytes()) % 4) bv = bv.clone();
  bv = bv.broadcast_to(out.shape());
  for_each_row(out, bv, out, [](float* o, const float* x, std::int64_t xs, const float* y, std::int64_t ys, std::int64_t n) {
    cpu::binary(cpu::BinaryOp::add, x, xs, y, ys, o, n);
  });
}

Tensor negative(const Tensor& x) { return unary("negative", cpu::UnaryOp::negative, x); }
Tensor exp(const Tensor& x) { return unary("exp", cpu::UnaryOp::exp, x); }
Tensor tanh(const Tensor& x) { return unary("tanh", cpu::UnaryOp::tanh, x); }
Tensor sqrt(const Tensor& x) { return unary("sqrt", cpu::UnaryOp::sqrt, x); }
Tensor square(const Tensor& x) { return unary("square", cpu::UnaryOp::square, x); }

Tensor activation(const Tensor& x, Activation act) {
  detail::require_f32("activation", "x", x);
  Tensor xc = as_f32_contiguous(x);
  Tensor out = Tensor::empty(x.shape());
  const std::int64_t n = out.numel();
  const float* xp = xc.data<float>();
  float* yp = out.data<float>();
  constexpr std::int64_t kChunk = 4096;
#pragma omp parallel for schedule(static) if (n > 4 * kChunk)
  for (std::int64_t i = 0; i < n; i += kChunk) cpu::activation(act, xp + i, yp + i, std::min(kChunk, n - i));
  return out;
}

Tensor gated_activation(const Tensor& gate, const Tensor& up, Activation act) {
  detail::require_f32("gated_activation", "gate", gate);
  detail::require_f32("gated_activation", "up", up);
  if (gate.shape() != up.shape()) fail("gated_activation: gate ", gate.shape(), " and up ", up.shape(), " differ");
  Tensor g = as_f32_contiguous(gate), u = as_f32_contiguous(up);
  Tensor out = Tensor::empty(gate.shape());
  const std::int64_t n = out.numel();
  const float* gp = g.data<float>();
  const float* upp = u.data<float>();
  float* yp = out.data<float>();
  constexpr std::int64_t kChunk = 4096;
#pragma omp parallel for schedule(static) if (n > 4 * kChunk)
  for (std::int64_t i = 0; i < n; i += kChunk)
    cpu::gated_activation(act, gp + i, upp + i, yp + i, std::min(kChunk, n - i));
  return out;
}

Tensor softcap(const Tensor& x, float cap) {
  detail::require_f32("softcap", "x", x);
  if (!(cap > 0.0f)) fail("softcap: cap must be positive, got ", cap);
  Tensor xc = as_f32_contiguous(x);
  Tensor out = Tensor::empty(x.shape());
  cpu::softcap(xc.data<float>(), out.data<float>(), out.numel(), cap);
  return out;
}

}  // namespace mlux::ops
