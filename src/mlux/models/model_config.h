// ModelConfig: config.json parsed once into typed fields, with the architecture family's
// defaults filling missing keys. Accepts the classic form (rope_theta + rope_scaling at top level)
// and the transformers-v5 form (rope_parameters, possibly one dict per layer type), Gemma 3
// multimodal configs (the language model under text_config) and generation_config.json's EOS ids.
// Field names keep their config.json spelling.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mlux/io/json.h"
#include "mlux/nn/decoder_layer.h"
#include "mlux/nn/rope.h"

namespace mlux::models {

struct ModelConfig {
  std::filesystem::path path;           // the config.json read
  /// How errors name the config: its path, or "config.json" when parsed from memory.
  std::string source() const { return path.empty() ? std::string("config.json") : path.string(); }
  std::string model_type;               // as written: "llama", "gemma3", ...
  std::string text_model_type;          // the language model's type ("gemma3_text" inside "gemma3")
  io::Json text;                        // the language model's keys, family defaults filled in

  std::int64_t vocab_size = 0;
  std::int64_t hidden_size = 0;
  std::int64_t intermediate_size = 0;
  std::int64_t num_hidden_layers = 0;
  std::int64_t num_attention_heads = 0;
  std::int64_t num_key_value_heads = 0;
  std::int64_t head_dim = 0;
  std::int64_t max_position_embeddings = 0;
  double norm_eps = 1e-6;               // rms_norm_eps / layer_norm_epsilon / norm_eps
  std::string hidden_act;               // hidden_activation / hidden_act / activation_function
  bool tie_word_embeddings = false;
  bool attention_bias = false;
  bool mlp_bias = false;
  std::optional<std::int64_t> sliding_window;
  std::vector<nn::LayerType> layer_types;      // one per layer
  nn::RopeSpec rope;                           // full-attention layers
  nn::RopeSpec rope_sliding;                   // sliding-window layers (Gemma 3: own base, no scaling)
  std::optional<double> query_pre_attn_scalar;
  std::optional<double> attn_logit_softcapping;
  std::optional<double> final_logit_softcapping;
  std::vector<std::int64_t> eos_token_ids;     // generation_config.json's, else config.json's
  std::optional<std::int64_t> bos_token_id;
  std::string dtype;                           // torch_dtype / dtype as written ("bfloat16", ...)
  io::Json quantization;                       // the "quantization" block (else "quantization_config"), or null

  /// Number of layers of each type, for summaries.
  std::int64_t count(nn::LayerType t) const;
};

/// Reads `dir`/config.json (+ generation_config.json if present). `config_file` overrides which
/// config file to read (tests load config.classic.json). Throws Error naming the file and field.
ModelConfig load_model_config(const std::filesystem::path& dir, const std::filesystem::path& config_file = {});
/// Parses config JSON already in memory; `source` names it in errors.
ModelConfig parse_model_config(const io::Json& config, const std::string& source);

std::string_view layer_type_name(nn::LayerType t);

}  // namespace mlux::models
