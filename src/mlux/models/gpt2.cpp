// GPT-2 against Llama: learned absolute positions (wpe) instead of RoPE; LayerNorm with bias;
// one fused c_attn for q, k, v; biases everywhere; a plain GELU-tanh MLP (c_fc, c_proj); tied head.
// Module names are GPT-2's own (model.h.i.attn.c_attn, ...), as mlx-lm keeps them. transformers'
// checkpoints store Conv1D weights [in, out]: they are transposed at load.
#include <cmath>

#include "mlux/error.h"
#include "mlux/models/decoder_defaults.h"
#include "mlux/models/registry.h"

namespace mlux::models {
namespace {

void rename(io::Json& j, const char* from, const char* to) {
  if (j.contains(from) && !j.contains(to)) j[to] = j[from];
}

void normalize(io::Json& j, const std::string&) {
  rename(j, "n_embd", "hidden_size");
  rename(j, "n_layer", "num_hidden_layers");
  rename(j, "n_head", "num_attention_heads");
  rename(j, "n_positions", "max_position_embeddings");
  rename(j, "activation_function", "hidden_act");
  if (j.contains("n_inner") && j["n_inner"].is_number_integer()) j["intermediate_size"] = j["n_inner"];
}

io::Json defaults(const std::string&) {
  return {{"vocab_size", 50257}, {"max_position_embeddings", 1024}, {"hidden_size", 768}, {"num_hidden_layers", 12},
          {"num_attention_heads", 12}, {"layer_norm_epsilon", 1e-5}, {"hidden_act", "gelu_new"},
          {"tie_word_embeddings", true}, {"scale_attn_weights", true}, {"scale_attn_by_inverse_layer_idx", false}};
}

nn::TransformerSpec build(const ModelConfig& c) {
  nn::TransformerSpec s = decoder_defaults(c);
  const nn::NormSpec ln{.kind = nn::NormKind::layer, .eps = float(c.norm_eps)};
  s.embed_name = "wte";
  s.pos_embed_name = "wpe";
  s.max_positions = c.max_position_embeddings;
  s.layers_name = "h";
  s.final_norm_name = "ln_f";
  s.final_norm = ln;
  s.tie_word_embeddings = true;
  const bool scale = io::get_bool(c.text, "scale_attn_weights", c.source()).value_or(true);
  const bool by_layer = io::get_bool(c.text, "scale_attn_by_inverse_layer_idx", c.source()).value_or(false);
  for (std::size_t i = 0; i < s.layers.size(); ++i) {
    auto& l = s.layers[i];
    l.norm = ln;
    l.mixer_name = "attn";
    l.pre_mixer_norm = "ln_1";
    l.pre_mlp_norm = "ln_2";
    l.attention.fused_qkv_name = "c_attn";
    l.attention.o_name = "c_proj";
    l.attention.qkv_bias = l.attention.o_bias = true;
    l.attention.rope.reset();
    l.attention.scale = (scale ? float(1.0 / std::sqrt(double(c.head_dim))) : 1.0f) / (by_layer ? float(i + 1) : 1.0f);
    l.mlp = {.kind = nn::MlpKind::plain, .hidden_size = c.hidden_size, .intermediate_size = c.intermediate_size,
             .up_name = "c_fc", .down_name = "c_proj", .activation = activation_from(c.hidden_act, c.path.string()),
             .bias = true};
  }
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<KeyMapping> map_key(const std::string& key, Convention, const ModelConfig&) {
  if (key.rfind("model.", 0) == 0) return KeyMapping{key};  // mlx-lm: already sanitized
  std::string k = key.rfind("transformer.", 0) == 0 ? key.substr(12) : key;
  if (ends_with(k, ".attn.bias") || ends_with(k, ".attn.masked_bias")) return std::nullopt;  // mask buffers
  if (k == "lm_head.weight") return std::nullopt;  // tied to wte
  const bool conv1d = ends_with(k, "attn.c_attn.weight") || ends_with(k, "attn.c_proj.weight") ||
                      ends_with(k, "mlp.c_fc.weight") || ends_with(k, "mlp.c_proj.weight");
  return KeyMapping{"model." + k, conv1d};
}

}  // namespace

Family gpt2_family() {
  return {.name = "gpt2", .model_types = {"gpt2"}, .defaults = defaults, .normalize = normalize, .build = build,
          .map_key = map_key};
}

}  // namespace mlux::models
