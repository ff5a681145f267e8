// HookedModel: a loaded model and its tokenizer, with named hook points. The C++ face of mlux,
// read like the original:
//
//   auto hooked = HookedModel::from_pretrained("models/demo");
//   auto [logits, cache] = hooked->run_with_cache("Hello world", {"model.layers.0.mlp", "blocks.3.hook_resid_post"});
//   Tensor out = hooked->run_with_hooks("The capital of France is",
//       {{"model.layers.10.mlp", [](const Tensor& o, const HookContext&) { return o * 0.0f; }}});
//   auto patterns = hooked->attention_patterns("The best way ...", {0, 5});
//
// Nothing here mutates the model: every run builds its own HookSet, so runs can share it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlux/hooks/activation_cache.h"
#include "mlux/hooks/hook_points.h"
#include "mlux/hooks/hook_set.h"
#include "mlux/hooks/model_input.h"
#include "mlux/models/causal_lm.h"
#include "mlux/tokenizer/tokenizer.h"

namespace mlux::hooks {

/// The shape facts tools need (the original's `config`).
struct ModelShape {
  std::int64_t n_layers = 0, n_heads = 0, n_kv_heads = 0, d_head = 0, d_model = 0, d_vocab = 0;
  std::optional<double> softcap;              // attention logit soft-cap (Gemma 2)
  std::vector<std::string> layer_types;       // "full_attention", "sliding_attention", "conv"
  std::vector<int> attention_layers;          // layers that have attention
  std::string layer_prefix;                   // "model.layers", "model.h", "language_model.model.layers"
};

using NamedHook = std::pair<std::string, Hook>;

class HookedModel {
 public:
  /// Loads a model directory ("" = the demo model) and its tokenizer (if tokenizer.json exists).
  static std::unique_ptr<HookedModel> from_pretrained(const std::string& ref = "");
  HookedModel(std::unique_ptr<models::CausalLM> model, std::optional<tokenizer::Tokenizer> tokenizer);

  const models::CausalLM& model() const { return *model_; }
  bool has_tokenizer() const { return tokenizer_.has_value(); }
  /// Throws Error when the model directory had no tokenizer.json.
  const tokenizer::Tokenizer& tokenizer() const;
  const HookPoints& points() const { return points_; }

  /// Token ids of `text` without the tokenizer's own special tokens, then the original mlux BOS
  /// rule: BOS in front unless already there (or the model has none).
  std::vector<std::int32_t> tokenize(std::string_view text, bool add_bos = true) const;
  /// Text or ids, one or many, as a left-padded batch (text gets the BOS rule; ids pass as given).
  TokenBatch prepare(const ModelInput& input, bool add_bos = true) const;

  /// Logits [batch, pos, vocab] (final soft-cap applied).
  Tensor forward(const ModelInput& input) const;
  /// Logits and the values at every selected point (exact paths, aliases or globs).
  std::pair<Tensor, ActivationCache> run_with_cache(const ModelInput& input, const std::vector<std::string>& points) const;
  std::pair<Tensor, ActivationCache> run_with_cache(const ModelInput& input, const PointPredicate& where) const;
  /// Logits with post-hooks (and pre-hooks) applied for this call only.
  Tensor run_with_hooks(const ModelInput& input, const std::vector<NamedHook>& hooks,
                        const std::vector<NamedHook>& pre_hooks = {}) const;
  /// The general form: a prepared batch, any HookSet (may be null), optional KV cache.
  models::ForwardOutput run(const TokenBatch& batch, const HookSet* hooks, nn::KVCache* cache = nullptr,
                            bool last_logits_only = false) const;
  /// An empty HookSet for this model, to fill and pass to run().
  HookSet hook_set() const { return HookSet(points_); }

  /// Every hook point path (module paths and internal points), in tree order.
  std::vector<std::string> available_hooks() const;
  /// Those containing `substring`.
  std::vector<std::string> find_hooks(std::string_view substring) const;

  ModelShape config() const;
  /// Bits of the quantized weights, or nullopt for float weights.
  std::optional<int> quantization_bits() const;
  /// "HookedModel(llama, 16L/32H/64D, bf16)"
  std::string describe() const;

 private:
  std::unique_ptr<models::CausalLM> model_;
  std::optional<tokenizer::Tokenizer> tokenizer_;
  HookPoints points_;
};

}  // namespace mlux::hooks
