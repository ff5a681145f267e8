// Gemma, Gemma 2 and Gemma 3 against Llama: RMSNorm scales by (1 + w); embeddings × √hidden;
// GELU-tanh MLP; tied head. Gemma 2 adds norms after attention and MLP, attention scale from
// query_pre_attn_scalar, logit soft-caps and a window on even layers. Gemma 3 drops the soft-caps,
// adds per-head q/k norms, windows five layers in six and gives window layers their own RoPE base.
// Multimodal Gemma 3 checkpoints keep the language model under language_model.* (vision dropped).
#include <cmath>

#include "mlux/error.h"
#include "mlux/models/decoder_defaults.h"
#include "mlux/models/registry.h"

namespace mlux::models {
namespace {

io::Json defaults(const std::string& type) {
  io::Json d = {{"vocab_size", 256000}, {"head_dim", 256}, {"rms_norm_eps", 1e-6}, {"tie_word_embeddings", true},
                {"rope_theta", 10000.0}, {"max_position_embeddings", 8192}};
  if (type == "gemma") d["hidden_act"] = "gelu_pytorch_tanh";
  if (type == "gemma2") {
    d.update({{"hidden_activation", "gelu_pytorch_tanh"}, {"query_pre_attn_scalar", 256}, {"sliding_window", 4096},
              {"final_logit_softcapping", 30.0}, {"attn_logit_softcapping", 50.0}});
  }
  if (type == "gemma3_text") {
    d.update({{"vocab_size", 262208}, {"hidden_size", 2304}, {"intermediate_size", 9216}, {"num_hidden_layers", 26},
              {"num_attention_heads", 8}, {"num_key_value_heads", 4}, {"max_position_embeddings", 131072},
              {"rope_theta", 1000000.0}, {"rope_local_base_freq", 10000.0}, {"query_pre_attn_scalar", 256},
              {"sliding_window", 4096}, {"hidden_activation", "gelu_pytorch_tanh"}});
  }
  return d;
}

// Gemma 1 configs often say "hidden_act": "gelu" while the model was trained with the tanh
// approximation (transformers 4.38–4.4x forced it); follow hidden_activation when present.
void normalize(io::Json& j, const std::string& src) {
  if (io::get_string(j, "model_type", src) == "gemma" && !j.contains("hidden_activation") &&
      io::get_string(j, "hidden_act", src) == "gelu")
    j["hidden_activation"] = "gelu_pytorch_tanh";
}

std::vector<nn::LayerType> layer_types(const io::Json& j, std::int64_t n, const std::string& src) {
  std::vector<nn::LayerType> out(std::size_t(n), nn::LayerType::full_attention);
  const std::string type = io::get_string(j, "model_type", src).value_or("gemma");
  if (type == "gemma2")
    for (std::int64_t i = 0; i < n; i += 2) out[std::size_t(i)] = nn::LayerType::sliding_attention;
  if (type == "gemma3_text") {
    std::int64_t pattern = 6;
    for (const char* k : {"_sliding_window_pattern", "sliding_window_pattern"})  // the public key wins
      if (j.contains(k) && j[k].is_number_integer()) pattern = j[k].get<std::int64_t>();
    if (pattern <= 0) fail(src, ": 'sliding_window_pattern' must be positive, got ", pattern);
    for (std::int64_t i = 0; i < n; ++i)
      if ((i + 1) % pattern != 0) out[std::size_t(i)] = nn::LayerType::sliding_attention;
  }
  return out;
}

nn::TransformerSpec build(const ModelConfig& c) {
  nn::TransformerSpec s = decoder_defaults(c);
  const bool sandwich = c.text_model_type != "gemma";  // Gemma 2/3: norms on both sides of each sublayer
  s.embed_scale = float(std::sqrt(double(c.hidden_size)));
  s.final_norm.weight_offset = 1.0f;
  s.tie_word_embeddings = true;
  if (c.model_type == "gemma3") s.text_model_name = "language_model";
  for (auto& l : s.layers) {
    l.norm.weight_offset = 1.0f;
    if (sandwich) {
      l.post_mixer_norm = "post_attention_layernorm";
      l.pre_mlp_norm = "pre_feedforward_layernorm";
      l.post_mlp_norm = "post_feedforward_layernorm";
      l.attention.scale = float(1.0 / std::sqrt(c.query_pre_attn_scalar.value_or(double(c.head_dim))));
    }
    if (c.text_model_type == "gemma3_text") l.attention.qk_norm = l.norm;
  }
  return s;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::optional<KeyMapping> map_key(const std::string& key, Convention, const ModelConfig& c) {
  if (c.model_type != "gemma3") return KeyMapping{key};
  // transformers ≥ 4.52 writes model.language_model.* and lm_head.*; older files and mlx-lm
  // write language_model.model.* and language_model.lm_head.*.
  for (const char* drop : {"vision_tower.", "multi_modal_projector.", "model.vision_tower.", "model.multi_modal_projector."})
    if (starts_with(key, drop)) return std::nullopt;
  if (starts_with(key, "model.language_model.")) return KeyMapping{"language_model.model." + key.substr(21)};
  if (starts_with(key, "lm_head.")) return KeyMapping{"language_model." + key};
  return KeyMapping{key};
}

}  // namespace

Family gemma_family() {
  return {.name = "gemma", .model_types = {"gemma", "gemma2", "gemma3_text"}, .defaults = defaults,
          .normalize = normalize, .default_layer_types = layer_types, .build = build, .map_key = map_key};
}

}  // namespace mlux::models
