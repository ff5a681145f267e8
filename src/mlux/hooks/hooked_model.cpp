#include "mlux/hooks/hooked_model.h"

#include <filesystem>

#include "mlux/error.h"
#include "mlux/io/json.h"
#include "mlux/models/locate.h"

namespace mlux::hooks {

std::unique_ptr<HookedModel> HookedModel::from_pretrained(const std::string& ref) {
  const std::filesystem::path dir = models::locate_model(ref);
  auto model = models::CausalLM::load(dir);
  std::optional<tokenizer::Tokenizer> tok;
  if (std::filesystem::exists(dir / "tokenizer.json")) tok = tokenizer::Tokenizer::from_dir(dir);
  return std::make_unique<HookedModel>(std::move(model), std::move(tok));
}

HookedModel::HookedModel(std::unique_ptr<models::CausalLM> model, std::optional<tokenizer::Tokenizer> tokenizer)
    : model_(std::move(model)), tokenizer_(std::move(tokenizer)), points_(*model_) {}

const tokenizer::Tokenizer& HookedModel::tokenizer() const {
  if (!tokenizer_)
    fail("tokenizer: the model at '", model_->dir().string(), "' has no tokenizer.json, so text cannot be encoded. Give token ids.");
  return *tokenizer_;
}

std::vector<std::int32_t> HookedModel::tokenize(std::string_view text, bool add_bos) const {
  const auto ids = tokenizer().encode(text, {.add_special_tokens = false});
  return add_bos ? tokenizer().with_bos(ids) : ids;
}

TokenBatch HookedModel::prepare(const ModelInput& input, bool add_bos) const {
  std::vector<std::vector<std::int32_t>> rows;
  const auto& v = input.value();
  if (const auto* ids = std::get_if<std::vector<std::int32_t>>(&v)) rows = {*ids};
  else if (const auto* many = std::get_if<std::vector<std::vector<std::int32_t>>>(&v)) rows = *many;
  else
    for (const auto& text : input.texts()) rows.push_back(tokenize(text, add_bos));
  if (const auto limit = model_->context_length())
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (std::int64_t(rows[i].size()) > *limit)
        fail("input: prompt ", i, " has ", rows[i].size(), " tokens but the model's context is ", *limit,
             " (max_position_embeddings). Shorten the prompt.");
  std::int32_t pad = 0;
  if (tokenizer_) {
    if (auto p = tokenizer_->special_tokens().pad_token; p && tokenizer_->token_to_id(*p)) pad = *tokenizer_->token_to_id(*p);
    else if (!tokenizer_->eos_ids().empty()) pad = *tokenizer_->eos_ids().begin();
  }
  TokenBatch batch = TokenBatch::from_rows(std::move(rows), pad);
  batch.texts = input.texts();
  return batch;
}

models::ForwardOutput HookedModel::run(const TokenBatch& batch, const HookSet* hooks, nn::KVCache* cache,
                                       bool last_logits_only) const {
  return model_->forward(batch.ids, {.last_logits_only = last_logits_only, .key_start = batch.key_start}, cache,
                         hooks && !hooks->empty() ? hooks : nullptr);
}

Tensor HookedModel::forward(const ModelInput& input) const { return run(prepare(input), nullptr).logits; }

std::pair<Tensor, ActivationCache> HookedModel::run_with_cache(const ModelInput& input,
                                                               const std::vector<std::string>& points) const {
  ActivationCache cache;
  HookSet hooks(points_);
  for (const auto& p : points) hooks.capture(p, cache);
  const TokenBatch batch = prepare(input);
  Tensor logits = run(batch, &hooks).logits;
  if (!batch.texts.empty() && batch.texts.size() == 1) cache.metadata()["prompt"] = batch.texts[0];
  cache.metadata()["model"] = model_->dir().string();
  cache.metadata()["token_ids"] = io::Json(batch.rows).dump();
  return {logits, std::move(cache)};
}

std::pair<Tensor, ActivationCache> HookedModel::run_with_cache(const ModelInput& input, const PointPredicate& where) const {
  ActivationCache cache;
  HookSet hooks(points_);
  hooks.capture(where, cache);
  Tensor logits = run(prepare(input), &hooks).logits;
  return {logits, std::move(cache)};
}

Tensor HookedModel::run_with_hooks(const ModelInput& input, const std::vector<NamedHook>& post,
                                   const std::vector<NamedHook>& pre) const {
  HookSet hooks(points_);
  for (const auto& [path, h] : post) hooks.add(path, h);
  for (const auto& [path, h] : pre) hooks.add_pre(path, h);
  return run(prepare(input), &hooks).logits;
}

std::vector<std::string> HookedModel::available_hooks() const {
  std::vector<std::string> out;
  for (const auto& p : points_.all()) out.push_back(p.path);
  return out;
}

std::vector<std::string> HookedModel::find_hooks(std::string_view substring) const {
  std::vector<std::string> out;
  for (const auto& p : points_.all())
    if (p.path.find(substring) != std::string::npos) out.push_back(p.path);
  return out;
}

ModelShape HookedModel::config() const {
  const auto& c = model_->config();
  ModelShape s{c.num_hidden_layers, c.num_attention_heads, c.num_key_value_heads, c.head_dim, c.hidden_size, c.vocab_size};
  s.softcap = c.attn_logit_softcapping;
  for (std::size_t i = 0; i < c.layer_types.size(); ++i) {
    s.layer_types.emplace_back(models::layer_type_name(c.layer_types[i]));
    if (c.layer_types[i] != nn::LayerType::conv) s.attention_layers.push_back(int(i));
  }
  const auto& layers = model_->text_model().body().layers();
  if (!layers.empty()) s.layer_prefix = layers.front()->path().substr(0, layers.front()->path().rfind('.'));
  return s;
}

std::optional<int> HookedModel::quantization_bits() const {
  // mlx-lm writes {"quantization": {"group_size": 64, "bits": 4, ...}} into config.json.
  const auto& t = model_->config().text;
  for (const char* key : {"quantization", "quantization_config"}) {
    auto q = t.find(key);
    if (q != t.end() && q->is_object() && q->contains("bits") && (*q)["bits"].is_number_integer())
      return (*q)["bits"].get<int>();
  }
  return std::nullopt;
}

std::string HookedModel::describe() const {
  const auto& c = model_->config();
  const auto bits = quantization_bits();
  return str("HookedModel(", c.model_type, ", ", c.num_hidden_layers, "L/", c.num_attention_heads, "H/", c.head_dim, "D, ",
             bits ? str(*bits, "bit/") : std::string(), model_->weight_dtype(), ")");
}

}  // namespace mlux::hooks
