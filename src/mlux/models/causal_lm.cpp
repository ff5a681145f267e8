#include "mlux/models/causal_lm.h"

#include <map>

#include "mlux/error.h"
#include "mlux/models/registry.h"
#include "mlux/models/weight_binding.h"
#include "mlux/ops/ops.h"

namespace mlux::models {

std::unique_ptr<CausalLM> CausalLM::load(const std::filesystem::path& dir, const LoadOptions& opt) {
  if (!std::filesystem::is_directory(dir))
    fail("load: '", dir.string(), "' is not a directory. Give a model directory (config.json + *.safetensors).");
  std::unique_ptr<CausalLM> m(new CausalLM());
  m->dir_ = dir;
  m->config_ = load_model_config(dir, opt.config_file);
  const Family& family = family_for(m->config_.text_model_type, m->config_.path.string());
  const nn::TransformerSpec spec = family.build(m->config_);

  auto text = std::make_unique<nn::TextModel>(spec.text_model_name, spec);
  m->text_ = text.get();
  if (spec.text_model_name.empty()) m->root_ = std::move(text);
  else m->root_ = std::make_unique<nn::Wrapper>("", std::move(text));
  m->root_->assign_paths("", m->hook_count_);

  m->checkpoint_ = io::Checkpoint::open(dir, opt.weights);
  const BindResult bound =
      bind_weights(*m->root_, m->checkpoint_, family, m->config_, {.activations = opt.quantized_activations});
  m->parameter_count_ = bound.parameters;
  m->quantization_ = bound.quantization;

  // The dtype most bytes are stored in (for a quantized model: of the unquantized tensors too,
  // so "q4 g64, bf16").
  std::map<std::string, std::uint64_t> bytes_by_dtype;
  for (const auto& name : m->checkpoint_.names()) {
    const auto& e = m->checkpoint_.entry(name);
    if (e.dtype != DType::u32) bytes_by_dtype[e.dtype_name] += e.end - e.begin;
  }
  std::uint64_t best = 0;
  for (const auto& [dt, b] : bytes_by_dtype)
    if (b > best) { best = b; m->weight_dtype_ = dt; }
  for (auto& ch : m->weight_dtype_) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  if (!bound.quantization.empty()) m->weight_dtype_ = describe_quantization(bound.quantization) + ", " + m->weight_dtype_;
  return m;
}

bool CausalLM::rope_changes_between(std::int64_t a, std::int64_t b) const {
  for (const nn::RopeSpec* r : {&config_.rope, &config_.rope_sliding})
    if (nn::rope_depends_on_length(*r) && nn::rope_frequencies(*r, a).inv_freq != nn::rope_frequencies(*r, b).inv_freq)
      return true;
  return false;
}

ForwardOutput CausalLM::forward(const Tensor& ids, const ForwardOptions& opt, nn::KVCache* cache,
                                const nn::HookDispatcher* hooks) const {
  // Dynamic NTK and LongRoPE rotate every position by frequencies that depend on the total
  // length, so once those change the cached keys (and every later layer's input) no longer match
  // a full forward. Run the whole sequence again and return the new positions: cached decoding
  // then equals a full forward (LongRoPE recomputes once, when it crosses its original context;
  // dynamic NTK at every step past max_position_embeddings).
  if (cache && cache->length() > 0 && rope_changes_between(cache->rope_length(), cache->length() + ids.dim(1))) {
    const std::int64_t T = ids.dim(1);
    const Tensor all = ops::concatenate({cache->tokens(), ids.to(DType::i64)}, 1);
    cache->clear();
    ForwardOutput out = forward(all, opt, cache, hooks);
    if (!opt.last_logits_only) out.logits = out.logits.slice(1, out.logits.dim(1) - T, out.logits.dim(1)).contiguous();
    for (auto& h : out.hidden_states) h = h.slice(1, h.dim(1) - T, h.dim(1)).contiguous();
    return out;
  }
  if (!ids.defined() || ids.ndim() != 2 || (ids.dtype() != DType::i32 && ids.dtype() != DType::i64))
    fail("forward: token ids must be an i32/i64 tensor [batch, tokens], got ",
         ids.defined() ? str(dtype_name(ids.dtype()), " ", ids.shape()) : std::string("nothing"));
  const std::int64_t B = ids.dim(0), T = ids.dim(1);
  if (T == 0) fail("forward: no tokens to run (the prompt is empty)");
  if (cache && cache->batch() != B) fail("forward: the KV cache holds ", cache->batch(), " sequences but ids has ", B);
  if (!opt.key_start.empty() && std::int64_t(opt.key_start.size()) != B)
    fail("forward: key_start has ", opt.key_start.size(), " entries for a batch of ", B);
  const std::int64_t offset = cache ? cache->length() : 0;

  // Positions count from each row's first real token, so left padding does not shift them.
  std::vector<std::int32_t> pos(std::size_t(B * T));
  for (std::int64_t b = 0; b < B; ++b) {
    const std::int64_t start = opt.key_start.empty() ? 0 : opt.key_start[std::size_t(b)];
    for (std::int64_t t = 0; t < T; ++t) pos[std::size_t(b * T + t)] = std::int32_t(std::max<std::int64_t>(0, offset + t - start));
  }
  nn::RunContext ctx;
  ctx.positions = Tensor::from_data<std::int32_t>(pos, {B, T});
  ctx.total_length = offset + T;
  ctx.key_start = opt.key_start;
  ctx.cache = cache;
  ctx.hooks = hooks;
  ctx.last_logits_only = opt.last_logits_only;
  ForwardOutput out;
  if (opt.hidden_states) ctx.hidden_states = &out.hidden_states;
  out.logits = (*root_)(ids, ctx);
  if (cache) {
    cache->advance(ids);
    cache->set_rope_length(offset + T);
  }
  return out;
}

std::optional<std::int64_t> CausalLM::context_length() const {
  if (config_.rope.scaling == nn::RopeScaling::dynamic) return std::nullopt;
  return config_.max_position_embeddings;
}

nn::KVCache CausalLM::make_cache(std::int64_t batch) const { return nn::KVCache(batch, config_.num_hidden_layers); }

std::string CausalLM::describe() const {
  return str("CausalLM(", config_.model_type, ", ", config_.num_hidden_layers, "L/", config_.num_attention_heads, "H/",
             config_.head_dim, "D, ", weight_dtype_, ")");
}

}  // namespace mlux::models
