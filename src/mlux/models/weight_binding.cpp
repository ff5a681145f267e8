#include "mlux/models/weight_binding.h"

#include <algorithm>
#include <map>

#include "mlux/error.h"

namespace mlux::models {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "model.layers.0.mlp.up_proj.weight" → {"model.layers.0.mlp.up_proj", "weight"}
std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto dot = key.rfind('.');
  if (dot == std::string::npos) return {"", key};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

Shape without_ones(const Shape& s) {
  Shape out;
  for (auto d : s)
    if (d != 1) out.push_back(d);
  return out;
}

std::string list_some(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 5; ++i) out += (i ? ", '" : "'") + names[i] + "'";
  if (names.size() > 5) out += str(" and ", names.size() - 5, " more");
  return out;
}

// MLX writes unaligned tensors; f32 matrices feed sgemm through float pointers, so copy those.
Tensor aligned_for_kernels(const Tensor& t) {
  if (t.dtype() == DType::f32 && reinterpret_cast<std::uintptr_t>(t.bytes()) % alignof(float) != 0) return t.clone();
  return t;
}

// One tensor bound to one slot: dtype and shape checked against what the (possibly quantized)
// module expects.
struct Binding {
  const MappedTensor& m;
  const io::TensorEntry& entry;
  nn::Param& param;
  const QuantParams* quant;  // the module's quantization, or null
  const ModelConfig& cfg;
  const std::string& where;

  bool codes() const { return quant && param.name == "weight"; }

  void check_dtype() const {
    const std::string module = split_key(m.key).first;
    if (codes()) {
      if (entry.dtype != DType::u32)
        fail("load: tensor '", m.name, "' is ", entry.dtype_name, " but '", module, "' is quantized ('", module,
             ".scales' is in '", where, "'), so its weight must be U32 packed codes. The checkpoint is damaged or mixed.");
      return;
    }
    if (entry.dtype && is_floating(*entry.dtype)) return;
    if (entry.dtype == DType::u32 && param.name == "weight")
      fail("load: tensor '", m.name, "' is U32 (packed quantized codes) but '", module, ".scales' is missing from '",
           where, "'. The download is incomplete, or the scales were renamed.");
    fail("load: tensor '", m.name, "' is ", entry.dtype_name, " but a weight must be F32, F16 or BF16 (in '", where, "').");
  }

  [[noreturn]] void shape_error(const Tensor& t) const {
    if (quant) {
      const std::string module = split_key(m.key).first;
      fail("load: tensor '", m.name, "' is ", t.shape(), " but '", module, "' quantized with bits ", quant->bits,
           " and group_size ", quant->group_size, " (", cfg.path.filename().string(), " 'quantization') needs ", param.shape,
           ". The quantization block does not match these weights (check bits and group_size).");
    }
    fail("load: tensor '", m.name, "' is ", t.shape(), " in the checkpoint but the model built from ",
         cfg.path.filename().string(), " expects ", param.shape, " for '", m.key,
         "'. config.json does not match these weights (wrong hidden_size, heads, head_dim or vocab_size?).");
  }

  // Binds and returns the number of logical weights the tensor holds.
  std::int64_t bind(Tensor t) const {
    if (t.shape() != param.shape) {
      const bool squeezable = !quant && without_ones(t.shape()) == without_ones(param.shape) && t.numel() == param.shape.numel();
      if (!squeezable) shape_error(t);
      t = t.reshape(param.shape);  // e.g. a conv kernel stored [C, 1, L] or [C, L, 1]
    }
    *param.slot = param.small ? t.to(DType::f32) : aligned_for_kernels(t);
    if (codes()) return t.dim(0) * t.dim(1) * 32 / quant->bits;
    return quant ? 0 : t.numel();  // scales and biases are not weights of the model
  }
};

}  // namespace

std::vector<MappedTensor> map_checkpoint(const io::Checkpoint& ckpt, const Family& family, const ModelConfig& cfg) {
  const Convention convention =
      ckpt.metadata().count("format") && ckpt.metadata().at("format") == "mlx" ? Convention::mlx : Convention::hf;
  std::vector<MappedTensor> out;
  for (const auto& name : ckpt.names()) {
    if (ends_with(name, "rotary_emb.inv_freq")) continue;  // a buffer old checkpoints saved
    auto mapping = family.map_key ? family.map_key(name, convention, cfg) : std::optional<KeyMapping>(KeyMapping{name});
    if (!mapping) continue;
    const std::string module = split_key(mapping->key).first;
    if (cfg.tie_word_embeddings && (module == "lm_head" || ends_with(module, ".lm_head"))) continue;  // the embedding is the head
    out.push_back({name, mapping->key, mapping->transpose});
  }
  return out;
}

Tensor mapped_tensor(const io::Checkpoint& ckpt, const MappedTensor& m) {
  Tensor t = ckpt.tensor(m.name);
  return m.transpose ? t.transpose(0, 1).contiguous() : t;
}

BindResult bind_weights(nn::Module& root, const io::Checkpoint& ckpt, const Family& family, const ModelConfig& cfg,
                        ops::QuantizedLinearOptions quantized) {
  const std::string where = ckpt.dir().string();
  const std::vector<MappedTensor> mapped = map_checkpoint(ckpt, family, cfg);
  std::vector<std::string> scaled;
  for (const auto& m : mapped)
    if (ends_with(m.key, ".scales")) scaled.push_back(split_key(m.key).first);
  BindResult result;
  result.quantization = plan_quantization(cfg, scaled, where);
  apply_quantization(root, result.quantization, quantized);

  std::map<std::string, nn::Param*> slots;
  nn::visit_mut(root, [&](nn::Module& m) {
    for (auto& p : m.params()) slots[m.path() + "." + p.name] = &p;
  });
  std::vector<std::string> unexpected;
  std::map<std::string, bool> bound;
  for (const auto& m : mapped) {
    auto it = slots.find(m.key);
    if (it == slots.end()) {
      unexpected.push_back(m.name);
      continue;
    }
    auto q = result.quantization.find(split_key(m.key).first);
    const Binding b{m, ckpt.entry(m.name), *it->second, q == result.quantization.end() ? nullptr : &q->second, cfg, where};
    b.check_dtype();
    result.parameters += b.bind(mapped_tensor(ckpt, m));
    bound[m.key] = true;
  }
  if (!unexpected.empty())
    fail("load: ", unexpected.size(), " tensor(s) in '", where, "' have no place in a '", cfg.text_model_type,
         "' model: ", list_some(unexpected), ". The checkpoint is from another architecture, or config.json is wrong.");
  std::vector<std::string> missing;
  for (const auto& [key, p] : slots)
    if (p->required && !bound.count(key)) missing.push_back(key);
  if (!missing.empty())
    fail("load: ", missing.size(), " tensor(s) are missing from the checkpoint in '", where, "' (", ckpt.shard_count(),
         " file(s), ", ckpt.names().size(), " tensors): ", list_some(missing),
         ". The download is incomplete, or model_type '", cfg.text_model_type, "' does not match the weights.");
  return result;
}

}  // namespace mlux::models
