// LFM2 (Liquid) against Llama: a hybrid of attention layers and gated short-convolution layers
// (layer_types / full_attn_idxs); attention has per-head q/k RMSNorm and names its output
// projection out_proj; the MLP is w1 (gate), w3 (up), w2 (down) under feed_forward; norms are
// operator_norm / ffn_norm, and the final norm is called embedding_norm; tied head.
#include "mlux/error.h"
#include "mlux/models/decoder_defaults.h"
#include "mlux/models/registry.h"

namespace mlux::models {
namespace {

void normalize(io::Json& j, const std::string&) {
  if (j.contains("block_ff_dim") && !j.contains("intermediate_size")) j["intermediate_size"] = j["block_ff_dim"];
  if (j.contains("tie_embedding") && !j.contains("tie_word_embeddings")) j["tie_word_embeddings"] = j["tie_embedding"];
}

io::Json defaults(const std::string&) {
  return {{"vocab_size", 65536}, {"norm_eps", 1e-5}, {"conv_L_cache", 3}, {"conv_bias", false},
          {"block_multiple_of", 256}, {"block_ffn_dim_multiplier", 1.0}, {"block_auto_adjust_ff_dim", true},
          {"tie_word_embeddings", true}, {"rope_theta", 1000000.0}, {"max_position_embeddings", 128000}};
}

std::vector<nn::LayerType> layer_types(const io::Json& j, std::int64_t n, const std::string&) {
  std::vector<nn::LayerType> out(std::size_t(n), nn::LayerType::conv);
  if (j.contains("full_attn_idxs") && j["full_attn_idxs"].is_array())
    for (const auto& i : j["full_attn_idxs"])
      if (i.is_number_integer() && i.get<std::int64_t>() >= 0 && i.get<std::int64_t>() < n)
        out[std::size_t(i.get<std::int64_t>())] = nn::LayerType::full_attention;
  return out;
}

// transformers' Lfm2MLP width rule (take 2/3, apply the multiplier, round up to block_multiple_of).
std::int64_t ffn_width(const ModelConfig& c) {
  std::int64_t w = c.intermediate_size;
  if (io::get_bool(c.text, "block_auto_adjust_ff_dim", c.source()).value_or(true)) {
    w = std::int64_t(2.0 * double(w) / 3.0);
    if (auto multiplier = io::get_number(c.text, "block_ffn_dim_multiplier", c.source())) {
      const std::int64_t m = io::get_int(c.text, "block_multiple_of", c.source()).value_or(256);
      const double scaled = *multiplier * double(w);
      if (m <= 0 || m > (std::int64_t(1) << 20) || !(scaled >= 1 && scaled <= double(std::int64_t(1) << 24)))
        fail(c.source(), ": 'block_ffn_dim_multiplier' ", *multiplier, " and 'block_multiple_of' ", m,
             " give no sensible feed-forward width for intermediate_size ", c.intermediate_size);
      w = std::int64_t(scaled);
      w = m * ((w + m - 1) / m);
    }
  }
  return w;
}

// The depthwise conv's kernel length (LFM2 uses 3).
std::int64_t conv_kernel_size(const ModelConfig& c) {
  const std::int64_t k = io::get_int(c.text, "conv_L_cache", c.source()).value_or(3);
  if (k < 1 || k > 1024) fail(c.source(), ": 'conv_L_cache' is ", k, ", outside 1..1024");
  return k;
}

nn::TransformerSpec build(const ModelConfig& c) {
  nn::TransformerSpec s = decoder_defaults(c);
  s.final_norm_name = "embedding_norm";
  s.tie_word_embeddings = true;
  for (std::size_t i = 0; i < s.layers.size(); ++i) {
    auto& l = s.layers[i];
    l.pre_mixer_norm = "operator_norm";
    l.pre_mlp_norm = "ffn_norm";
    l.mlp_name = "feed_forward";
    l.mlp.gate_name = "w1";
    l.mlp.up_name = "w3";
    l.mlp.down_name = "w2";
    l.mlp.intermediate_size = ffn_width(c);
    if (l.type == nn::LayerType::conv) {
      l.mixer_name = "conv";
      l.conv = {.layer_index = std::int64_t(i), .hidden_size = c.hidden_size,
                .kernel_size = conv_kernel_size(c), .bias = io::get_bool(c.text, "conv_bias", c.source()).value_or(false)};
    } else {
      l.attention.o_name = "out_proj";
      l.attention.qk_norm = l.norm;
      l.attention.q_norm_name = "q_layernorm";
      l.attention.k_norm_name = "k_layernorm";
    }
  }
  return s;
}

}  // namespace

Family lfm2_family() {
  return {.name = "lfm2", .model_types = {"lfm2"}, .defaults = defaults, .normalize = normalize,
          .default_layer_types = layer_types, .build = build};
}

}  // namespace mlux::models
