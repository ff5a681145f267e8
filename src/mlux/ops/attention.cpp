// Attention ops: shape checks, strides into the kernels, and the composed (hookable) path.
#include "mlux/ops/check.h"
#include "mlux/ops/cpu/attention.h"
#include "mlux/ops/ops.h"

namespace mlux::ops {
namespace {

// Kernels need each position's heads contiguous; batch and position strides may be anything
// (a view into a KV cache).
Tensor heads_contiguous(const Tensor& t) {
  const bool inner_ok = t.strides()[3] == 1 && t.strides()[2] == t.dim(3);
  if (inner_ok && reinterpret_cast<std::uintptr_t>(t.bytes()) % 4 == 0 && t.dtype() == DType::f32) return t;
  return detail::as_f32_contiguous(t);
}

cpu::AttentionDims dims_of(std::string_view op, const Tensor& q, const Tensor& k, const Tensor& v) {
  detail::require_f32(op, "q", q);
  detail::require_f32(op, "k", k);
  detail::require_ndim(op, "q", q, 4);
  detail::require_ndim(op, "k", k, 4);
  const std::int64_t B = q.dim(0), Tq = q.dim(1), H = q.dim(2), Dh = q.dim(3);
  const std::int64_t Tk = k.dim(1), Hkv = k.dim(2);
  if (k.dim(0) != B || k.dim(3) != Dh)
    fail(op, ": k ", k.shape(), " does not match q ", q.shape(), " (need [", B, ", Tk, Hkv, ", Dh, "])");
  if (Hkv == 0 || H % Hkv != 0) fail(op, ": ", H, " query heads cannot share ", Hkv, " kv heads evenly");
  if (Tk < Tq) fail(op, ": ", Tq, " queries but only ", Tk, " keys; queries must be the last Tq positions");
  std::int64_t Dv = Dh;
  if (v.defined()) {
    detail::require_f32(op, "v", v);
    detail::require_ndim(op, "v", v, 4);
    if (v.dim(0) != B || v.dim(1) != Tk || v.dim(2) != Hkv)
      fail(op, ": v ", v.shape(), " does not match k ", k.shape());
    Dv = v.dim(3);
  }
  return {B, Tq, Tk, H, Hkv, Dh, Dv, 0, 0, 0, 0, 0, 0};
}

cpu::AttentionMask mask_of(std::string_view op, const AttentionOptions& opt, std::int64_t B) {
  if (!opt.key_start.empty() && std::int64_t(opt.key_start.size()) != B)
    fail(op, ": key_start has ", opt.key_start.size(), " entries for a batch of ", B);
  if (opt.window < 0) fail(op, ": window must be ≥ 0, got ", opt.window);
  return {opt.scale, opt.logit_softcap, opt.window, opt.key_start.empty() ? nullptr : opt.key_start.data()};
}

void set_strides(cpu::AttentionDims& d, const Tensor& q, const Tensor& k, const Tensor& v) {
  d.q_batch = q.strides()[0]; d.q_pos = q.strides()[1];
  d.k_batch = k.strides()[0]; d.k_pos = k.strides()[1];
  if (v.defined()) { d.v_batch = v.strides()[0]; d.v_pos = v.strides()[1]; }
}

}  // namespace

Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, AttentionOptions opt) {
  detail::require_defined("attention", "v", v);
  cpu::AttentionDims d = dims_of("attention", q, k, v);
  const cpu::AttentionMask m = mask_of("attention", opt, d.B);
  Tensor qc = heads_contiguous(q), kc = heads_contiguous(k), vc = heads_contiguous(v);
  set_strides(d, qc, kc, vc);
  Tensor out = Tensor::empty({d.B, d.Tq, d.H, d.Dv});
  cpu::attention_fused(d, m, qc.data<float>(), kc.data<float>(), vc.data<float>(), out.data<float>());
  return out;
}

Tensor attention_scores(const Tensor& q, const Tensor& k, AttentionOptions opt) {
  cpu::AttentionDims d = dims_of("attention_scores", q, k, Tensor());
  const cpu::AttentionMask m = mask_of("attention_scores", opt, d.B);
  Tensor qc = heads_contiguous(q), kc = heads_contiguous(k);
  set_strides(d, qc, kc, Tensor());
  Tensor out = Tensor::empty({d.B, d.H, d.Tq, d.Tk});
  cpu::attention_scores(d, m, qc.data<float>(), kc.data<float>(), out.data<float>());
  return out;
}

Tensor attention_apply(const Tensor& pattern, const Tensor& v) {
  detail::require_f32("attention_apply", "pattern", pattern);
  detail::require_f32("attention_apply", "v", v);
  detail::require_ndim("attention_apply", "pattern", pattern, 4);
  detail::require_ndim("attention_apply", "v", v, 4);
  const std::int64_t B = pattern.dim(0), H = pattern.dim(1), Tq = pattern.dim(2), Tk = pattern.dim(3);
  if (v.dim(0) != B || v.dim(1) != Tk || v.dim(2) == 0 || H % v.dim(2) != 0)
    fail("attention_apply: v ", v.shape(), " does not match pattern ", pattern.shape(), " (need [", B, ", ", Tk, ", Hkv, Dv])");
  cpu::AttentionDims d{B, Tq, Tk, H, v.dim(2), 0, v.dim(3), 0, 0, 0, 0, 0, 0};
  Tensor pc = detail::as_f32_contiguous(pattern), vc = heads_contiguous(v);
  set_strides(d, pc.reshape({B, Tq, H, Tk}), pc.reshape({B, Tq, H, Tk}), vc);
  Tensor out = Tensor::empty({B, Tq, H, d.Dv});
  cpu::attention_apply(d, pc.data<float>(), vc.data<float>(), out.data<float>());
  return out;
}

}  // namespace mlux::ops
