#include "mlux/nn/transformer.h"

#include "mlux/ops/ops.h"

namespace mlux::nn {

TransformerBody::TransformerBody(std::string name, const TransformerSpec& s)
    : Module(std::move(name)), embed_scale_(s.embed_scale) {
  embed_ = add_child(std::make_unique<Embedding>(s.embed_name, s.vocab_size, s.hidden_size));
  if (!s.pos_embed_name.empty())
    pos_embed_ = add_child(std::make_unique<Embedding>(s.pos_embed_name, s.max_positions, s.hidden_size));
  for (std::size_t i = 0; i < s.layers.size(); ++i)
    layers_.push_back(add_child(std::make_unique<DecoderLayer>(s.layers_name + "." + std::to_string(i), s.layers[i])));
  norm_ = add_child(std::make_unique<Norm>(s.final_norm_name, s.hidden_size, s.final_norm));
}

Tensor TransformerBody::forward(const Tensor& ids, RunContext& ctx) const {
  Tensor h = (*embed_)(ids, ctx);
  if (pos_embed_) h = ops::add(h, (*pos_embed_)(ctx.positions, ctx));
  if (embed_scale_ > 0.0f) h = ops::multiply(h, embed_scale_);
  for (const DecoderLayer* layer : layers_) {
    if (ctx.hidden_states) ctx.hidden_states->push_back(h);
    h = (*layer)(h, ctx);
  }
  h = (*norm_)(h, ctx);
  if (ctx.hidden_states) ctx.hidden_states->push_back(h);
  return h;
}

TextModel::TextModel(std::string name, const TransformerSpec& s)
    : Module(std::move(name)), final_softcap_(s.final_logit_softcap) {
  body_ = add_child(std::make_unique<TransformerBody>(s.body_name, s));
  if (!s.tie_word_embeddings)
    lm_head_ = add_child(std::make_unique<Linear>(s.lm_head_name, s.hidden_size, s.vocab_size, false));
  if (lm_head_) lm_head_->set_output_shape("[batch, pos, vocab]");
  set_output_shape("[batch, pos, vocab]");
}

Tensor TextModel::unembed(const Tensor& h, RunContext& ctx) const {
  Tensor logits = lm_head_ ? (*lm_head_)(h, ctx) : body_->embed().as_linear(h);
  if (final_softcap_ > 0.0f) logits = ops::softcap(logits, final_softcap_);
  return logits;
}

Tensor TextModel::forward(const Tensor& ids, RunContext& ctx) const {
  Tensor h = (*body_)(ids, ctx);
  if (ctx.last_logits_only) h = h.slice(1, h.dim(1) - 1, h.dim(1));
  return unembed(h, ctx);
}

}  // namespace mlux::nn
