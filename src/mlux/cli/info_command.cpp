// `mlux info [--model DIR|ID] [--json]`: architecture, sizes, layer pattern, dtype, parameters, memory.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mlux/cli/cli_util.h"
#include "mlux/cli/command.h"
#include "mlux/cli/model_option.h"
#include "mlux/models/causal_lm.h"

namespace mlux::cli {
namespace {

int run(const std::string& dir, bool json) {
  auto m = models::CausalLM::load(resolve_model_arg(dir));
  const auto& c = m->config();
  const std::int64_t attn_layers = c.count(nn::LayerType::full_attention) + c.count(nn::LayerType::sliding_attention);
  // f32 keys and values per cached token, over all attention layers.
  const std::uint64_t kv_per_token = std::uint64_t(attn_layers) * 2 * std::uint64_t(c.num_key_value_heads * c.head_dim) * 4;
  if (json) {
    nlohmann::json j = {{"model_type", c.model_type}, {"layers", c.num_hidden_layers}, {"hidden_size", c.hidden_size},
                        {"intermediate_size", c.intermediate_size}, {"heads", c.num_attention_heads},
                        {"kv_heads", c.num_key_value_heads}, {"head_dim", c.head_dim}, {"vocab_size", c.vocab_size},
                        {"dtype", m->weight_dtype()}, {"parameters", m->parameter_count()},
                        {"weight_bytes", m->weight_bytes()}, {"kv_bytes_per_token", kv_per_token},
                        {"tied_embeddings", c.tie_word_embeddings}, {"layer_types", nlohmann::json::array()}};
    for (auto t : c.layer_types) j["layer_types"].push_back(std::string(models::layer_type_name(t)));
    std::puts(j.dump(2).c_str());
    return 0;
  }
  std::printf("%s\n", m->describe().c_str());
  std::printf("  architecture   %s%s\n", c.model_type.c_str(),
              c.text_model_type != c.model_type ? (" (language model: " + c.text_model_type + ")").c_str() : "");
  std::printf("  layers         %lld (%lld full attention, %lld sliding window%s, %lld conv)\n",
              (long long)c.num_hidden_layers, (long long)c.count(nn::LayerType::full_attention),
              (long long)c.count(nn::LayerType::sliding_attention),
              c.sliding_window ? (" " + std::to_string(*c.sliding_window)).c_str() : "",
              (long long)c.count(nn::LayerType::conv));
  std::printf("  hidden         %lld, MLP %lld\n", (long long)c.hidden_size, (long long)c.intermediate_size);
  std::printf("  heads          %lld query, %lld key/value, head dim %lld\n", (long long)c.num_attention_heads,
              (long long)c.num_key_value_heads, (long long)c.head_dim);
  std::printf("  vocabulary     %lld%s\n", (long long)c.vocab_size, c.tie_word_embeddings ? " (tied embeddings)" : "");
  std::printf("  parameters     %s\n", format_count(m->parameter_count()).c_str());
  std::printf("  weights        %s on disk, %s, memory-mapped\n", format_bytes(m->weight_bytes()).c_str(), m->weight_dtype().c_str());
  std::printf("  KV cache       %s per token (f32)\n", format_bytes(kv_per_token).c_str());
  return 0;
}

CommandRegistrar reg("info", "Print a model's architecture, size, dtype and memory", [](CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  add_model_option(app, *dir);
  app.add_flag("--json", *json, "Print JSON");
  return [dir, json] { return run(*dir, *json); };
});

}  // namespace
}  // namespace mlux::cli
