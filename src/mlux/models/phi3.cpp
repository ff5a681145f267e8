// Phi-3 / Phi-3.5 / Phi-4-mini against Llama: q, k, v come from one fused qkv_proj and gate/up
// from one fused gate_up_proj (kept fused, as mlx-lm does: the hook points are the fused ones);
// LongRoPE and partial rotary come through the rope config; a set sliding_window applies to every
// layer (as transformers does).
#include "mlux/models/decoder_defaults.h"
#include "mlux/models/registry.h"

namespace mlux::models {
namespace {

io::Json defaults(const std::string&) {
  return {{"vocab_size", 32064}, {"hidden_size", 3072}, {"intermediate_size", 8192}, {"num_hidden_layers", 32},
          {"num_attention_heads", 32}, {"hidden_act", "silu"}, {"rms_norm_eps", 1e-5},
          {"max_position_embeddings", 4096}, {"original_max_position_embeddings", 4096},
          {"tie_word_embeddings", false}, {"rope_theta", 10000.0}};
}

std::vector<nn::LayerType> layer_types(const io::Json& j, std::int64_t n, const std::string&) {
  const bool window = j.contains("sliding_window") && j["sliding_window"].is_number_integer();
  return std::vector<nn::LayerType>(std::size_t(n), window ? nn::LayerType::sliding_attention : nn::LayerType::full_attention);
}

nn::TransformerSpec build(const ModelConfig& c) {
  nn::TransformerSpec s = decoder_defaults(c);
  for (auto& l : s.layers) {
    l.attention.fused_qkv_name = "qkv_proj";
    l.mlp.kind = nn::MlpKind::fused_gated;
    l.mlp.gate_name = "gate_up_proj";
  }
  return s;
}

}  // namespace

Family phi3_family() {
  return {.name = "phi3", .model_types = {"phi3"}, .defaults = defaults, .default_layer_types = layer_types,
          .build = build};
}

}  // namespace mlux::models
