#include "mlux/models/model_config.h"

#include <cmath>

#include "mlux/error.h"
#include "mlux/models/registry.h"

namespace mlux::models {
namespace {

using io::Json;

std::int64_t require_int(const Json& j, const char* key, const std::string& src) {
  auto v = io::get_int(j, key, src);
  if (!v) fail(src, ": '", key, "' is missing. config.json must give it for this architecture.");
  if (*v <= 0) fail(src, ": '", key, "' must be positive, got ", *v);
  return *v;
}

// Sizes past these belong to no real model: a config.json giving them is damaged (or hostile), and
// taking them at face value would overflow a product or ask for terabytes. Each is far above the
// largest released model's (hidden 16384, vocab 262144, 126 layers, 10M positions).
constexpr std::int64_t kMaxWidth = std::int64_t(1) << 20;      // hidden, intermediate, head_dim
constexpr std::int64_t kMaxCount = std::int64_t(1) << 14;      // layers, heads
constexpr std::int64_t kMaxVocab = std::int64_t(1) << 24;
constexpr std::int64_t kMaxPositions = std::int64_t(1) << 32;

std::int64_t in_range(std::int64_t v, const char* key, std::int64_t max, const std::string& src) {
  if (v <= 0 || v > max) fail(src, ": '", key, "' is ", v, ", outside 1..", max, ". The config.json is damaged.");
  return v;
}

// Keys of `defaults` absent from `cfg` are copied in: some config.json files (Gemma 3's
// text_config) are written as a diff against the transformers class defaults. An explicit null
// stays null ("sliding_window": null means no window).
void fill_defaults(Json& cfg, const Json& defaults) {
  for (auto it = defaults.begin(); it != defaults.end(); ++it)
    if (!cfg.contains(it.key())) cfg[it.key()] = *it;
}

nn::RopeScaling rope_scaling_of(const std::string& type, const std::string& src) {
  if (type == "default") return nn::RopeScaling::none;
  if (type == "linear") return nn::RopeScaling::linear;
  if (type == "dynamic") return nn::RopeScaling::dynamic;
  if (type == "yarn") return nn::RopeScaling::yarn;
  if (type == "longrope" || type == "su") return nn::RopeScaling::longrope;
  if (type == "llama3") return nn::RopeScaling::llama3;
  fail(src, ": rope type '", type, "' is not supported (supported: default, linear, dynamic, yarn, longrope/su, llama3)");
}

std::vector<double> factor_list(const Json& p, const char* key, const std::string& src) {
  std::vector<double> out;
  auto it = p.find(key);
  if (it == p.end() || it->is_null()) return out;
  if (!it->is_array()) fail(src, ": rope '", key, "' must be a list of numbers");
  for (const auto& v : *it) {
    if (!v.is_number()) fail(src, ": rope '", key, "' must be a list of numbers, found ", v.dump());
    out.push_back(v.get<double>());
  }
  return out;
}

// One rope dict (v5 rope_parameters entry, or classic rope_scaling) over the top-level keys.
nn::RopeSpec parse_rope_dict(const Json& p, const Json& top, double default_theta, const ModelConfig& c,
                             const std::string& src) {
  nn::RopeSpec r;
  auto num = [&](const char* key) -> std::optional<double> {
    if (auto v = io::get_number(p, key, src)) return v;
    return io::get_number(top, key, src);
  };
  std::string type = "default";
  if (auto t = io::get_string(p, "rope_type", src)) type = *t;
  else if (auto t2 = io::get_string(p, "type", src)) type = *t2;
  r.scaling = rope_scaling_of(type, src);
  r.theta = io::get_number(p, "rope_theta", src).value_or(default_theta);
  const double partial = num("partial_rotary_factor").value_or(1.0);
  if (!(partial > 0 && partial <= 1)) fail(src, ": 'partial_rotary_factor' is ", partial, "; it must be in (0, 1]");
  r.rotary_dim = std::int64_t(double(c.head_dim) * partial);
  r.factor_given = io::get_number(p, "factor", src);
  r.factor = r.factor_given.value_or(1.0);
  r.low_freq_factor = io::get_number(p, "low_freq_factor", src).value_or(1.0);
  r.high_freq_factor = io::get_number(p, "high_freq_factor", src).value_or(4.0);
  const double original_max = num("original_max_position_embeddings").value_or(0);
  if (!(original_max >= 0 && original_max <= double(kMaxPositions)))
    fail(src, ": 'original_max_position_embeddings' is ", original_max, ", outside 0..", kMaxPositions);
  r.original_max_position_embeddings = std::int64_t(original_max);
  r.max_position_embeddings = c.max_position_embeddings;
  r.attention_factor = io::get_number(p, "attention_factor", src);
  r.beta_fast = io::get_number(p, "beta_fast", src).value_or(32.0);
  r.beta_slow = io::get_number(p, "beta_slow", src).value_or(1.0);
  r.mscale = io::get_number(p, "mscale", src);
  r.mscale_all_dim = io::get_number(p, "mscale_all_dim", src);
  r.truncate = io::get_bool(p, "truncate", src).value_or(true);
  r.short_factor = factor_list(p, "short_factor", src);
  r.long_factor = factor_list(p, "long_factor", src);

  const bool needs_original = r.scaling == nn::RopeScaling::llama3 || r.scaling == nn::RopeScaling::yarn ||
                              r.scaling == nn::RopeScaling::longrope;
  if (needs_original && r.original_max_position_embeddings <= 0) {
    if (r.scaling == nn::RopeScaling::llama3) r.original_max_position_embeddings = 8192;  // mlx-lm's default
    else fail(src, ": rope type '", type, "' needs original_max_position_embeddings");
  }
  if ((r.scaling == nn::RopeScaling::linear || r.scaling == nn::RopeScaling::dynamic ||
       r.scaling == nn::RopeScaling::llama3) && !r.factor_given)
    fail(src, ": rope type '", type, "' needs a 'factor'");
  if (r.scaling == nn::RopeScaling::longrope &&
      (std::int64_t(r.short_factor.size()) != r.rotary_dim / 2 || std::int64_t(r.long_factor.size()) != r.rotary_dim / 2))
    fail(src, ": longrope needs ", r.rotary_dim / 2, " short_factor and long_factor entries (rotary dim ", r.rotary_dim,
         "), got ", r.short_factor.size(), " and ", r.long_factor.size());
  return r;
}

// Both forms: v5 rope_parameters (flat, or one dict per layer type) or classic rope_theta +
// rope_scaling (+ Gemma 3's rope_local_base_freq for sliding layers).
void parse_rope(const Json& j, ModelConfig& c, const std::string& src) {
  const double theta = io::get_number(j, "rope_theta", src).value_or(io::get_number(j, "theta", src).value_or(10000.0));
  auto rp = j.find("rope_parameters");
  if (rp != j.end() && rp->is_object()) {
    if (rp->contains("full_attention") || rp->contains("sliding_attention")) {
      const Json& full = rp->contains("full_attention") ? (*rp)["full_attention"] : (*rp)["sliding_attention"];
      const Json& sliding = rp->contains("sliding_attention") ? (*rp)["sliding_attention"] : full;
      c.rope = parse_rope_dict(full, j, theta, c, src);
      c.rope_sliding = parse_rope_dict(sliding, j, theta, c, src);
    } else {
      c.rope = c.rope_sliding = parse_rope_dict(*rp, j, theta, c, src);
    }
    return;
  }
  auto rs = j.find("rope_scaling");
  const Json scaling = (rs != j.end() && rs->is_object()) ? *rs : Json::object();
  if (rs != j.end() && !rs->is_null() && !rs->is_object()) fail(src, ": 'rope_scaling' must be an object or null");
  c.rope = parse_rope_dict(scaling, j, theta, c, src);
  c.rope.theta = theta;
  c.rope_sliding = c.rope;
  if (auto local = io::get_number(j, "rope_local_base_freq", src)) {
    c.rope_sliding = parse_rope_dict(Json::object(), j, *local, c, src);
  }
}

std::vector<nn::LayerType> parse_layer_types(const Json& j, const Family& fam, const ModelConfig& c,
                                             const std::string& src) {
  std::vector<nn::LayerType> out;
  auto lt = j.find("layer_types");
  if (lt != j.end() && !lt->is_null()) {
    if (!lt->is_array()) fail(src, ": 'layer_types' must be a list");
    for (const auto& v : *lt) {
      const std::string s = v.is_string() ? v.get<std::string>() : v.dump();
      if (s == "full_attention" || s == "attention") out.push_back(nn::LayerType::full_attention);
      else if (s == "sliding_attention") out.push_back(nn::LayerType::sliding_attention);
      else if (s == "conv") out.push_back(nn::LayerType::conv);
      else fail(src, ": layer type '", s, "' in 'layer_types' is not supported (full_attention, sliding_attention, conv)");
    }
    if (std::int64_t(out.size()) != c.num_hidden_layers)
      fail(src, ": 'layer_types' has ", out.size(), " entries but num_hidden_layers is ", c.num_hidden_layers);
    return out;
  }
  if (fam.default_layer_types) return fam.default_layer_types(j, c.num_hidden_layers, src);
  return std::vector<nn::LayerType>(std::size_t(c.num_hidden_layers), nn::LayerType::full_attention);
}

std::vector<std::int64_t> eos_ids(const Json& j, const std::string& src) {
  auto it = j.find("eos_token_id");
  std::vector<std::int64_t> out;
  if (it == j.end() || it->is_null()) return out;
  if (it->is_number_integer()) return {it->get<std::int64_t>()};
  if (!it->is_array()) fail(src, ": 'eos_token_id' must be an integer or a list of integers");
  for (const auto& v : *it) {
    if (!v.is_number_integer()) fail(src, ": 'eos_token_id' must list integers, found ", v.dump());
    out.push_back(v.get<std::int64_t>());
  }
  return out;
}

}  // namespace

std::int64_t ModelConfig::count(nn::LayerType t) const {
  return std::count(layer_types.begin(), layer_types.end(), t);
}

std::string_view layer_type_name(nn::LayerType t) {
  switch (t) {
    case nn::LayerType::full_attention: return "full_attention";
    case nn::LayerType::sliding_attention: return "sliding_attention";
    case nn::LayerType::conv: return "conv";
  }
  return "?";
}

ModelConfig parse_model_config(const Json& config, const std::string& src) {
  if (!config.is_object()) fail(src, ": expected a JSON object");
  ModelConfig c;
  auto type = io::get_string(config, "model_type", src);
  if (!type) fail(src, ": 'model_type' is missing, so the architecture is unknown. Add it (e.g. \"llama\").");
  c.model_type = *type;
  Json text = config;
  if (c.model_type == "gemma3") {  // multimodal: the language model is described by text_config
    auto tc = config.find("text_config");
    text = (tc != config.end() && tc->is_object()) ? *tc : Json::object();
    if (!text.contains("model_type")) text["model_type"] = "gemma3_text";
    for (const char* k : {"vocab_size", "tie_word_embeddings", "eos_token_id", "bos_token_id", "quantization"})
      if (!text.contains(k) && config.contains(k)) text[k] = config[k];
  }
  c.text_model_type = io::get_string(text, "model_type", src).value_or(c.model_type);
  const Family& fam = family_for(c.text_model_type, src);
  if (fam.normalize) fam.normalize(text, src);
  fill_defaults(text, fam.defaults(c.text_model_type));

  c.vocab_size = in_range(require_int(text, "vocab_size", src), "vocab_size", kMaxVocab, src);
  c.hidden_size = in_range(require_int(text, "hidden_size", src), "hidden_size", kMaxWidth, src);
  c.num_hidden_layers = in_range(require_int(text, "num_hidden_layers", src), "num_hidden_layers", kMaxCount, src);
  c.num_attention_heads = in_range(require_int(text, "num_attention_heads", src), "num_attention_heads", kMaxCount, src);
  c.num_key_value_heads = in_range(io::get_int(text, "num_key_value_heads", src).value_or(c.num_attention_heads),
                                   "num_key_value_heads", kMaxCount, src);
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    fail(src, ": num_attention_heads ", c.num_attention_heads, " is not a multiple of num_key_value_heads ",
         c.num_key_value_heads);
  c.intermediate_size = in_range(io::get_int(text, "intermediate_size", src).value_or(4 * c.hidden_size),
                                 "intermediate_size", kMaxWidth, src);
  c.head_dim = in_range(io::get_int(text, "head_dim", src).value_or(c.hidden_size / c.num_attention_heads), "head_dim",
                        kMaxWidth, src);
  c.max_position_embeddings = in_range(io::get_int(text, "max_position_embeddings", src).value_or(2048),
                                       "max_position_embeddings", kMaxPositions, src);
  c.norm_eps = io::get_number(text, "rms_norm_eps", src)
                   .value_or(io::get_number(text, "norm_eps", src)
                                 .value_or(io::get_number(text, "layer_norm_epsilon", src).value_or(1e-6)));
  c.hidden_act = io::get_string(text, "hidden_activation", src).value_or(io::get_string(text, "hidden_act", src).value_or("silu"));
  c.tie_word_embeddings = io::get_bool(text, "tie_word_embeddings", src).value_or(false);
  c.attention_bias = io::get_bool(text, "attention_bias", src).value_or(false);
  c.mlp_bias = io::get_bool(text, "mlp_bias", src).value_or(false);
  c.sliding_window = io::get_int(text, "sliding_window", src);
  c.query_pre_attn_scalar = io::get_number(text, "query_pre_attn_scalar", src);
  c.attn_logit_softcapping = io::get_number(text, "attn_logit_softcapping", src);
  c.final_logit_softcapping = io::get_number(text, "final_logit_softcapping", src);
  c.bos_token_id = io::get_int(text, "bos_token_id", src);
  c.eos_token_ids = eos_ids(text, src);
  c.dtype = io::get_string(config, "torch_dtype", src).value_or(io::get_string(config, "dtype", src).value_or(""));
  for (const char* k : {"quantization", "quantization_config"})  // mlx-lm writes both, identical
    if (c.quantization.is_null() && config.contains(k) && !config[k].is_null()) c.quantization = config[k];
  parse_rope(text, c, src);
  c.layer_types = parse_layer_types(text, fam, c, src);
  for (auto t : c.layer_types)
    if (t == nn::LayerType::sliding_attention && (!c.sliding_window || *c.sliding_window <= 0))
      fail(src, ": sliding_attention layers need a positive 'sliding_window'");
  c.text = std::move(text);
  return c;
}

ModelConfig load_model_config(const std::filesystem::path& dir, const std::filesystem::path& config_file) {
  const auto path = config_file.empty() ? dir / "config.json" : config_file;
  if (!std::filesystem::exists(path))
    fail("load: no config.json in '", dir.string(), "'. Is this a model directory (a Hugging Face snapshot)?");
  ModelConfig c = parse_model_config(io::read_json_file(path), path.string());
  c.path = path;
  const auto gen = dir / "generation_config.json";
  if (std::filesystem::exists(gen)) {
    auto ids = eos_ids(io::read_json_file(gen), gen.string());
    if (!ids.empty()) c.eos_token_ids = ids;  // as mlx-lm: generation_config's EOS set wins
  }
  return c;
}

}  // namespace mlux::models
