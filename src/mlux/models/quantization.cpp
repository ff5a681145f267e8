#include "mlux/models/quantization.h"

#include <set>

#include "mlux/error.h"
#include "mlux/nn/matrix_weight.h"

namespace mlux::models {
namespace {

// mlx's defaults per mode (mlx_lm / mlx.nn.quantize `_defaults_for_mode`).
QuantParams mode_defaults(QuantMode m) {
  switch (m) {
    case QuantMode::affine: return {.bits = 4, .group_size = 64, .mode = m};
    case QuantMode::mxfp4: return {.bits = 4, .group_size = 32, .mode = m};
    case QuantMode::nvfp4: return {.bits = 4, .group_size = 16, .mode = m};
    case QuantMode::mxfp8: return {.bits = 8, .group_size = 32, .mode = m};
  }
  return {};
}

// One dict of the block (the top level, or a per-module entry) over `base`.
QuantParams params_from(const io::Json& j, QuantParams base, const std::string& field, const std::string& src) {
  if (auto mode = io::get_string(j, "mode", src)) {
    auto m = quant_mode_from_name(*mode);
    if (!m) fail(src, ": ", field, " has mode '", *mode, "', which MLX does not define (affine, mxfp4, nvfp4, mxfp8)");
    if (*m != base.mode) base = mode_defaults(*m);
  }
  // Range-checked before narrowing, so that 2^32 + 4 bits is refused rather than read as 4.
  auto small_int = [&](const char* key, int fallback) {
    const std::int64_t v = io::get_int(j, key, src).value_or(fallback);
    if (v < 0 || v > 4096) fail(src, ": ", field, " gives ", key, " ", v, ", which no quantization mode has");
    return int(v);
  };
  base.bits = small_int("bits", base.bits);
  base.group_size = small_int("group_size", base.group_size);
  return base;
}

void check_supported(const std::string& path, const QuantParams& p, const std::string& field, const std::string& src) {
  if (p.mode != QuantMode::affine)
    fail("load: '", path, "' is quantized in mode '", quant_mode_name(p.mode), "' (", src, ", ", field,
         "), which mlux does not support yet; it runs MLX's affine mode. Use an affine conversion of the model, or "
         "quantize the float checkpoint with `mlux quantize`.");
  if (p.bits < 2 || p.bits > 8 || p.bits == 7)
    fail("load: ", src, " gives bits ", p.bits, " for '", path, "' (", field, "); MLX's affine mode takes 2, 3, 4, 5, 6 or 8");
  if (p.group_size != 32 && p.group_size != 64 && p.group_size != 128)
    fail("load: ", src, " gives group_size ", p.group_size, " for '", path, "' (", field,
         "); MLX's affine mode takes 32, 64 or 128");
}

}  // namespace

QuantizationPlan plan_quantization(const ModelConfig& cfg, const std::vector<std::string>& scaled, const std::string& where) {
  QuantizationPlan plan;
  if (scaled.empty()) return plan;
  const std::string src = cfg.path.string();
  const io::Json& block = cfg.quantization;
  if (!block.is_object())
    fail("load: the checkpoint in '", where, "' has quantized tensors ('", scaled.front(), ".scales'",
         scaled.size() > 1 ? str(" and ", scaled.size() - 1, " more") : std::string(), ") but ", src,
         " has no 'quantization' block giving their bits and group_size. Use the config.json that came with these weights.");
  const QuantParams top = params_from(block, mode_defaults(QuantMode::affine), "'quantization'", src);
  for (const auto& path : scaled) {
    auto it = block.find(path);
    if (it == block.end()) {
      check_supported(path, top, "'quantization'", src);
      plan[path] = top;
    } else if (it->is_boolean() && !it->get<bool>()) {
      fail("load: '", path, ".scales' is in the checkpoint in '", where, "' but ", src, " marks '", path,
           "' as not quantized ('quantization' entry false). The config does not belong to these weights.");
    } else if (it->is_object()) {
      const std::string field = "'quantization' entry '" + path + "'";
      plan[path] = params_from(*it, top, field, src);
      check_supported(path, plan[path], field, src);
    } else {
      fail(src, ": 'quantization' entry '", path, "' must be an object (bits, group_size, mode) or false, got ", it->dump());
    }
  }
  return plan;
}

void apply_quantization(nn::Module& root, const QuantizationPlan& plan, ops::QuantizedLinearOptions opt) {
  if (plan.empty()) return;
  nn::visit_mut(root, [&](nn::Module& m) {
    auto it = plan.find(m.path());
    if (it == plan.end()) return;
    auto* q = dynamic_cast<nn::Quantizable*>(&m);
    if (!q)
      fail("load: '", m.path(), ".scales' quantizes '", m.path(),
           "', which is not a Linear or Embedding layer; mlx-lm quantizes only those. The checkpoint is not an mlx-lm conversion of this architecture.");
    nn::MatrixWeight& w = q->matrix();
    if (w.in_features() % it->second.group_size != 0)
      fail("load: '", m.path(), "' has ", w.in_features(), " inputs, not a multiple of group_size ", it->second.group_size,
           " from the 'quantization' config. mlx-lm leaves such layers unquantized: the config does not match the weights.");
    w.use_quantized(it->second, opt);
  });
}

std::string describe_quantization(const QuantizationPlan& plan) {
  if (plan.empty()) return "";
  std::set<int> bits, groups;
  for (const auto& [path, p] : plan) {
    bits.insert(p.bits);
    groups.insert(p.group_size);
  }
  std::string out = bits.size() > 1 ? "mixed q" : "q";
  for (int b : bits) out += (b == *bits.begin() ? "" : "/q") + std::to_string(b);
  out += " g";
  for (int g : groups) out += (g == *groups.begin() ? "" : "/") + std::to_string(g);
  return out;
}

io::Json quantization_block(const QuantParams& p) {
  return {{"group_size", p.group_size}, {"bits", p.bits}, {"mode", std::string(quant_mode_name(p.mode))}};
}

}  // namespace mlux::models
