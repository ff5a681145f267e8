// Llama and the families that are Llama with a few knobs turned: Mistral (a window on every layer
// when sliding_window is set), Qwen2 (q/k/v biases; windows on layers ≥ max_window_layers when
// use_sliding_window), Qwen3 (per-head q/k RMSNorm before RoPE). mlx-lm aliases mistral → llama.
#include "mlux/error.h"
#include "mlux/models/decoder_defaults.h"
#include "mlux/models/registry.h"

namespace mlux::models {
namespace {

io::Json defaults(const std::string& type) {
  // transformers' config-class defaults (v5), for keys a config.json omits.
  io::Json d = {{"vocab_size", 32000}, {"hidden_size", 4096}, {"intermediate_size", 11008},
                {"num_hidden_layers", 32}, {"num_attention_heads", 32}, {"hidden_act", "silu"},
                {"max_position_embeddings", 2048}, {"rms_norm_eps", 1e-6}, {"tie_word_embeddings", false},
                {"rope_theta", 10000.0}};
  if (type == "mistral") {
    d.update({{"intermediate_size", 14336}, {"num_key_value_heads", 8}, {"max_position_embeddings", 131072},
              {"sliding_window", 4096}});
  } else if (type == "qwen2" || type == "qwen3") {
    d.update({{"vocab_size", 151936}, {"use_sliding_window", false}, {"sliding_window", 4096}, {"max_window_layers", 28}});
    if (type == "qwen3") d["head_dim"] = 128;
  }
  return d;
}

std::vector<nn::LayerType> layer_types(const io::Json& j, std::int64_t n, const std::string& src) {
  std::vector<nn::LayerType> out(std::size_t(n), nn::LayerType::full_attention);
  const std::string type = io::get_string(j, "model_type", src).value_or("llama");
  const bool has_window = j.contains("sliding_window") && j["sliding_window"].is_number_integer();
  if (type == "mistral" && has_window) std::fill(out.begin(), out.end(), nn::LayerType::sliding_attention);
  if ((type == "qwen2" || type == "qwen3") && io::get_bool(j, "use_sliding_window", src).value_or(false) && has_window) {
    const std::int64_t first = io::get_int(j, "max_window_layers", src).value_or(28);
    if (first < 0) fail(src, ": 'max_window_layers' must not be negative, got ", first);
    for (std::int64_t i = first; i < n; ++i) out[std::size_t(i)] = nn::LayerType::sliding_attention;
  }
  return out;
}

nn::TransformerSpec build(const ModelConfig& c) {
  nn::TransformerSpec s = decoder_defaults(c);
  for (auto& l : s.layers) {
    if (c.text_model_type == "qwen2") {
      l.attention.qkv_bias = true;   // Qwen2 always has q/k/v biases, never an o_proj bias
      l.attention.o_bias = false;
    }
    if (c.text_model_type == "qwen3") l.attention.qk_norm = l.norm;
  }
  return s;
}

std::optional<KeyMapping> map_key(const std::string& key, Convention, const ModelConfig&) {
  return KeyMapping{key};
}

}  // namespace

Family llama_family() {
  return {.name = "llama", .model_types = {"llama", "mistral", "qwen2", "qwen3"}, .defaults = defaults,
          .default_layer_types = layer_types, .build = build, .map_key = map_key};
}

}  // namespace mlux::models
