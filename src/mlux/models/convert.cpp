#include "mlux/models/convert.h"

#include <cstdio>
#include <map>

#include "mlux/error.h"
#include "mlux/io/atomic_file.h"
#include "mlux/io/json.h"
#include "mlux/io/safetensors.h"
#include "mlux/models/causal_lm.h"
#include "mlux/models/weight_binding.h"
#include "mlux/nn/matrix_weight.h"
#include "mlux/ops/ops.h"

namespace mlux::models {
namespace {

namespace fs = std::filesystem;
using Named = std::vector<std::pair<std::string, Tensor>>;

constexpr std::uint64_t kShardBytes = std::uint64_t(5) << 30;  // mlx-lm's max_file_size_gb

// What mlx-lm's convert carries over besides weights and config.json.
const char* const kSideFiles[] = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                  "tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json",
                                  "chat_template.json", "chat_template.jinja", "generation_config.json"};

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto dot = key.rfind('.');
  return {key.substr(0, dot), key.substr(dot + 1)};
}

// PyTorch depthwise Conv1d kernels [C, 1, L] are MLX's [C, L, 1]: a reshape, the middle axis is 1.
Tensor mlx_layout(const Tensor& t) {
  if (t.ndim() == 3 && t.dim(1) == 1 && t.dim(2) > 1) return t.reshape({t.dim(0), t.dim(2), 1});
  return t;
}

// The model's quantizable modules (Linear, Embedding) by path.
std::map<std::string, const nn::Quantizable*> quantizable_modules(const CausalLM& model) {
  std::map<std::string, const nn::Quantizable*> out;
  nn::visit(model.root(), [&](const nn::Module& m) {
    if (auto* q = dynamic_cast<const nn::Quantizable*>(&m)) out[m.path()] = q;
  });
  return out;
}

void write_weights(const fs::path& dst, const Named& tensors) {
  std::vector<Named> shards(1);
  std::uint64_t in_shard = 0, total = 0;
  for (const auto& [name, t] : tensors) {
    if (in_shard > 0 && in_shard + t.nbytes() > kShardBytes) {
      shards.emplace_back();
      in_shard = 0;
    }
    shards.back().emplace_back(name, t);
    in_shard += t.nbytes();
    total += t.nbytes();
  }
  io::Json index = {{"metadata", {{"total_size", total}}}, {"weight_map", io::Json::object()}};
  for (std::size_t i = 0; i < shards.size(); ++i) {
    char file[64];
    if (shards.size() == 1) std::snprintf(file, sizeof file, "model.safetensors");
    else std::snprintf(file, sizeof file, "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
    io::save_safetensors(dst / file, shards[i], {{"format", "mlx"}});
    for (const auto& [name, t] : shards[i]) index["weight_map"][name] = file;
  }
  io::write_file_atomic(dst / "model.safetensors.index.json", index.dump(4));
}

// config.json as mlx-lm's save_config writes it: no _name_or_path, keys sorted, indent 4.
void write_config(const fs::path& src_config, const fs::path& dst, const std::optional<QuantParams>& quant) {
  io::Json j = io::read_json_file(src_config);
  for (const char* k : {"_name_or_path", "quantization", "quantization_config"}) j.erase(k);
  if (quant) j["quantization"] = j["quantization_config"] = quantization_block(*quant);
  io::write_file_atomic(dst / "config.json", j.dump(4));
}

void check_out_dir(const fs::path& dst, std::string_view op) {
  if (fs::exists(dst) && !(fs::is_directory(dst) && fs::is_empty(dst)))
    fail(op, ": '", dst.string(), "' already exists. Choose a new --out directory (nothing was written).");
}

ConvertReport write_model(const CausalLM& model, const fs::path& dst, const Named& tensors, std::int64_t converted,
                          const std::optional<QuantParams>& quant) {
  fs::create_directories(dst);
  write_weights(dst, tensors);
  write_config(model.config().path, dst, quant);
  for (const char* f : kSideFiles)
    if (fs::exists(model.dir() / f)) io::copy_file_atomic(model.dir() / f, dst / f);
  ConvertReport r{converted, std::int64_t(tensors.size()), 0};
  for (const auto& [name, t] : tensors) r.bytes += t.nbytes();
  return r;
}

Tensor cast(const Tensor& t, const std::optional<DType>& dtype) {
  return dtype && is_floating(t.dtype()) && t.dtype() != *dtype ? t.to(*dtype) : t;
}

}  // namespace

std::optional<DType> float_dtype_from_name(std::string_view name) {
  if (name == "float32" || name == "f32") return DType::f32;
  if (name == "bfloat16" || name == "bf16") return DType::bf16;
  if (name == "float16" || name == "f16") return DType::f16;
  return std::nullopt;
}

ConvertReport quantize_model(const fs::path& src, const fs::path& dst, const ConvertOptions& opt) {
  check_out_dir(dst, "quantize");
  auto model = CausalLM::load(src);
  if (!model->quantization().empty())
    fail("quantize: '", src.string(), "' is already quantized (", describe_quantization(model->quantization()),
         "). Start from the float checkpoint, or dequantize it first with `mlux quantize --dequantize`.");
  const ModelConfig& cfg = model->config();
  const io::Checkpoint ckpt = io::Checkpoint::open(src);
  const auto modules = quantizable_modules(*model);
  const std::optional<DType> dtype = opt.dtype ? opt.dtype : float_dtype_from_name(cfg.dtype);
  Named out;
  std::int64_t quantized = 0;
  for (const auto& m : map_checkpoint(ckpt, family_for(cfg.text_model_type, cfg.path.string()), cfg)) {
    const Tensor t = cast(mapped_tensor(ckpt, m), dtype);
    const auto [path, name] = split_key(m.key);
    // mlx-lm quantizes every Linear / Embedding whose input width is whole groups.
    if (name == "weight" && modules.count(path) && t.ndim() == 2 && t.dim(1) % opt.quant.group_size == 0) {
      QuantizedTensor q = ops::quantize(t, opt.quant);
      out.emplace_back(m.key, q.weight);
      out.emplace_back(path + ".scales", q.scales);
      out.emplace_back(path + ".biases", q.biases);
      ++quantized;
    } else {
      out.emplace_back(m.key, mlx_layout(t));
    }
  }
  return write_model(*model, dst, out, quantized, opt.quant);
}

ConvertReport dequantize_model(const fs::path& src, const fs::path& dst, const ConvertOptions& opt) {
  check_out_dir(dst, "quantize --dequantize");
  auto model = CausalLM::load(src);
  const QuantizationPlan& plan = model->quantization();
  if (plan.empty()) fail("quantize --dequantize: '", src.string(), "' is not quantized; there is nothing to dequantize.");
  const ModelConfig& cfg = model->config();
  const io::Checkpoint ckpt = io::Checkpoint::open(src);
  const auto modules = quantizable_modules(*model);
  Named out;
  std::int64_t dequantized = 0;
  for (const auto& m : map_checkpoint(ckpt, family_for(cfg.text_model_type, cfg.path.string()), cfg)) {
    const auto [path, name] = split_key(m.key);
    if (plan.count(path) && (name == "scales" || name == "biases")) continue;
    if (plan.count(path) && name == "weight") {
      const QuantizedTensor& q = modules.at(path)->matrix().quantized_weight();
      out.emplace_back(m.key, ops::dequantize(q).to(opt.dtype.value_or(q.scales.dtype())));
      ++dequantized;
      continue;
    }
    out.emplace_back(m.key, mlx_layout(cast(mapped_tensor(ckpt, m), opt.dtype)));
  }
  return write_model(*model, dst, out, dequantized, std::nullopt);
}

}  // namespace mlux::models
