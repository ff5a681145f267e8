#include "mlux/nn/attention.h"

#include "mlux/error.h"
#include "mlux/nn/kv_cache.h"
#include "mlux/ops/ops.h"

namespace mlux::nn {

Tensor Attention::segmented_attention(const Tensor& q, const Tensor& k, const Tensor& v, const ops::AttentionOptions& opt,
                                      RunContext& ctx) const {
  if (ctx.hooks && (ctx.hooks->wants(hook_scores_) || ctx.hooks->wants(hook_pattern_)))
    fail("attention: scores and patterns cannot be hooked in a segmented (ragged) run");
  if (ctx.cache) fail("attention: a segmented run takes its earlier keys from Segments::prefix, not a KV cache");
  const auto& offs = ctx.segments->offsets;
  std::vector<Tensor> parts;
  for (std::size_t s = 0; s + 1 < offs.size(); ++s) {
    const std::int64_t b = offs[s], e = offs[s + 1];
    auto [pk, pv] = ctx.segments->prefix(spec_.layer_index, s);
    const Tensor ks = k.slice(1, b, e), vs = v.slice(1, b, e);
    const Tensor keys = pk.defined() ? ops::concatenate({pk, ks}, 1) : ks;
    const Tensor values = pv.defined() ? ops::concatenate({pv, vs}, 1) : vs;
    parts.push_back(ops::attention(q.slice(1, b, e), keys, values, {.scale = opt.scale, .logit_softcap = opt.logit_softcap,
                                                                    .window = opt.window}));
  }
  return ops::concatenate(parts, 1);
}

Attention::Attention(std::string name, AttentionSpec spec) : Module(std::move(name)), spec_(std::move(spec)) {
  const auto& s = spec_;
  const std::int64_t q_out = s.num_heads * s.head_dim, kv_out = s.num_kv_heads * s.head_dim;
  if (s.fused_qkv_name.empty()) {
    q_ = add_child(std::make_unique<Linear>(s.q_name, s.hidden_size, q_out, s.qkv_bias));
    k_ = add_child(std::make_unique<Linear>(s.k_name, s.hidden_size, kv_out, s.qkv_bias));
    v_ = add_child(std::make_unique<Linear>(s.v_name, s.hidden_size, kv_out, s.qkv_bias));
  } else {
    qkv_ = add_child(std::make_unique<Linear>(s.fused_qkv_name, s.hidden_size, q_out + 2 * kv_out, s.qkv_bias));
  }
  o_ = add_child(std::make_unique<Linear>(s.o_name, q_out, s.hidden_size, s.o_bias));
  if (s.qk_norm) {
    q_norm_ = add_child(std::make_unique<Norm>(s.q_norm_name, s.head_dim, *s.qk_norm));
    k_norm_ = add_child(std::make_unique<Norm>(s.k_norm_name, s.head_dim, *s.qk_norm));
  }
  if (s.rope && !rope_depends_on_length(*s.rope)) static_freqs_ = rope_frequencies(*s.rope, 0);
  if (q_) {
    q_->set_output_shape("[batch, pos, n_heads·d_head]");
    k_->set_output_shape("[batch, pos, n_kv_heads·d_head]");
    v_->set_output_shape("[batch, pos, n_kv_heads·d_head]");
  } else {
    qkv_->set_output_shape("[batch, pos, (n_heads + 2·n_kv_heads)·d_head]");
  }
  if (q_norm_) {
    q_norm_->set_output_shape("[batch, pos, head, d_head]");
    k_norm_->set_output_shape("[batch, pos, kv_head, d_head]");
  }
  add_point("hook_q", &hook_q_, "[batch, pos, head, d_head]", "queries after q-norm and RoPE");
  add_point("hook_k", &hook_k_, "[batch, pos, kv_head, d_head]", "keys after k-norm and RoPE (this call's positions)");
  add_point("hook_v", &hook_v_, "[batch, pos, kv_head, d_head]", "values (this call's positions)");
  add_point("hook_scores", &hook_scores_, "[batch, head, q_pos, k_pos]",
            "scaled, soft-capped, masked (−inf) scores; materialised only when hooked");
  add_point("hook_pattern", &hook_pattern_, "[batch, head, q_pos, k_pos]",
            "attention probabilities; materialised only when hooked");
  add_point("hook_z", &hook_z_, "[batch, pos, head, d_head]", "per-head outputs, before the output projection");
}

Tensor Attention::forward(const Tensor& x, RunContext& ctx) const {
  const auto& s = spec_;
  const std::int64_t B = x.dim(0), T = x.dim(1), H = s.num_heads, Hkv = s.num_kv_heads, Dh = s.head_dim;
  Tensor q, k, v;
  if (qkv_) {
    const Tensor qkv = (*qkv_)(x, ctx);
    q = qkv.slice(-1, 0, H * Dh);
    k = qkv.slice(-1, H * Dh, (H + Hkv) * Dh);
    v = qkv.slice(-1, (H + Hkv) * Dh, (H + 2 * Hkv) * Dh);
  } else {
    q = (*q_)(x, ctx);
    k = (*k_)(x, ctx);
    v = (*v_)(x, ctx);
  }
  q = q.reshape({B, T, H, Dh});
  k = k.reshape({B, T, Hkv, Dh});
  v = v.reshape({B, T, Hkv, Dh});
  if (q_norm_) {
    q = (*q_norm_)(q, ctx);
    k = (*k_norm_)(k, ctx);
  }
  if (s.rope) {
    const RopeFrequencies freqs =
        rope_depends_on_length(*s.rope) ? rope_frequencies(*s.rope, ctx.total_length) : static_freqs_;
    const ops::RopeOptions ro{.rotary_dim = s.rope->rotary_dim, .attention_factor = freqs.attention_factor};
    q = ops::rope(q, ctx.positions, freqs.inv_freq, ro);
    k = ops::rope(k, ctx.positions, freqs.inv_freq, ro);
  }
  q = point(hook_q_, q, ctx);
  k = point(hook_k_, k, ctx);
  v = point(hook_v_, v, ctx);

  Tensor keys = k, values = v;
  if (ctx.cache) std::tie(keys, values) = ctx.cache->append(s.layer_index, k, v);
  const ops::AttentionOptions opt{.scale = s.scale, .logit_softcap = s.logit_softcap, .window = s.window,
                                  .key_start = ctx.key_start};
  Tensor z;
  if (ctx.segments) {
    z = segmented_attention(q, keys, values, opt, ctx);
  } else if (ctx.hooks && (ctx.hooks->wants(hook_scores_) || ctx.hooks->wants(hook_pattern_))) {
    const Tensor scores = point(hook_scores_, ops::attention_scores(q, keys, opt), ctx);
    const Tensor pattern = point(hook_pattern_, ops::softmax(scores, -1), ctx);
    z = ops::attention_apply(pattern, values);
  } else {
    z = ops::attention(q, keys, values, opt);
  }
  z = point(hook_z_, z, ctx);
  return (*o_)(z.reshape({B, T, H * Dh}), ctx);
}

}  // namespace mlux::nn
