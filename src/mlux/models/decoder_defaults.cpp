#include "mlux/models/decoder_defaults.h"

#include <cmath>

#include "mlux/error.h"

namespace mlux::models {

ops::Activation activation_from(const std::string& name, const std::string& source) {
  if (name == "silu" || name == "swish") return ops::Activation::silu;
  if (name == "gelu") return ops::Activation::gelu;
  if (name == "gelu_pytorch_tanh" || name == "gelu_new" || name == "gelu_fast" || name == "gelu_approx")
    return ops::Activation::gelu_tanh;
  if (name == "relu") return ops::Activation::relu;
  fail(source, ": activation '", name, "' is not supported (silu, gelu, gelu_pytorch_tanh, gelu_new, relu)");
}

nn::TransformerSpec decoder_defaults(const ModelConfig& c) {
  const std::string src = c.path.string();
  nn::TransformerSpec s;
  s.vocab_size = c.vocab_size;
  s.hidden_size = c.hidden_size;
  s.final_norm = {.kind = nn::NormKind::rms, .eps = float(c.norm_eps)};
  s.tie_word_embeddings = c.tie_word_embeddings;
  s.final_logit_softcap = float(c.final_logit_softcapping.value_or(0.0));
  const ops::Activation act = activation_from(c.hidden_act, src);
  for (std::int64_t i = 0; i < c.num_hidden_layers; ++i) {
    nn::DecoderLayerSpec l;
    l.type = c.layer_types[std::size_t(i)];
    const bool sliding = l.type == nn::LayerType::sliding_attention;
    l.norm = s.final_norm;
    auto& a = l.attention;
    a.layer_index = i;
    a.hidden_size = c.hidden_size;
    a.num_heads = c.num_attention_heads;
    a.num_kv_heads = c.num_key_value_heads;
    a.head_dim = c.head_dim;
    a.qkv_bias = a.o_bias = c.attention_bias;
    a.rope = sliding ? c.rope_sliding : c.rope;
    a.scale = float(1.0 / std::sqrt(double(c.head_dim)));
    a.logit_softcap = float(c.attn_logit_softcapping.value_or(0.0));
    a.window = sliding ? *c.sliding_window : 0;
    l.mlp = {.kind = nn::MlpKind::gated, .hidden_size = c.hidden_size, .intermediate_size = c.intermediate_size,
             .activation = act, .bias = c.mlp_bias};
    s.layers.push_back(std::move(l));
  }
  return s;
}

}  // namespace mlux::models
