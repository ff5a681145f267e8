#include "mlux/models/weight_binding.h"

#include <algorithm>
#include <map>

#include "mlux/error.h"

namespace mlux::models {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
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

}  // namespace

std::int64_t bind_weights(nn::Module& root, const io::Checkpoint& ckpt, const Family& family, const ModelConfig& cfg) {
  std::map<std::string, nn::Param*> slots;
  nn::visit_mut(root, [&](nn::Module& m) {
    for (auto& p : m.params()) slots[m.path() + "." + p.name] = &p;
  });
  const Convention convention =
      ckpt.metadata().count("format") && ckpt.metadata().at("format") == "mlx" ? Convention::mlx : Convention::hf;

  std::vector<std::string> unexpected;
  std::map<std::string, bool> bound;
  std::int64_t count = 0;
  const std::string where = ckpt.dir().string();
  for (const auto& name : ckpt.names()) {
    if (ends_with(name, "rotary_emb.inv_freq")) continue;  // a buffer old checkpoints saved
    auto mapping = family.map_key ? family.map_key(name, convention, cfg) : std::optional<KeyMapping>(KeyMapping{name});
    if (!mapping) continue;
    auto it = slots.find(mapping->key);
    if (it == slots.end()) {
      if (cfg.tie_word_embeddings && ends_with(mapping->key, "lm_head.weight")) continue;  // tied: the embedding is the head
      unexpected.push_back(name);
      continue;
    }
    nn::Param& p = *it->second;
    const io::TensorEntry& e = ckpt.entry(name);
    if (!e.dtype || !is_floating(*e.dtype))
      fail("load: tensor '", name, "' is ", e.dtype_name, " but a weight must be F32, F16 or BF16 (in '", where,
           "'). Quantized checkpoints need their 'quantization' config.");
    Tensor t = ckpt.tensor(name);
    if (mapping->transpose) t = t.transpose(0, 1).contiguous();
    if (t.shape() != p.shape) {
      if (without_ones(t.shape()) == without_ones(p.shape) && t.numel() == p.shape.numel()) {
        t = t.reshape(p.shape);  // e.g. a conv kernel stored [C, 1, L] or [C, L, 1]
      } else {
        fail("load: tensor '", name, "' is ", t.shape(), " in the checkpoint but the model built from ",
             cfg.path.filename().string(), " expects ", p.shape, " for '", mapping->key,
             "'. config.json does not match these weights (wrong hidden_size, heads, head_dim or vocab_size?).");
      }
    }
    *p.slot = p.small ? t.to(DType::f32) : aligned_for_kernels(t);
    bound[mapping->key] = true;
    count += t.numel();
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
  return count;
}

}  // namespace mlux::models
