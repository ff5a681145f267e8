// `mlux quantize --model M --out DIR [--bits 4] [--group-size 64] [--dtype bf16] [--dequantize] [--json]`:
// mlx_lm.convert's -q (and -d): writes a checkpoint in mlx-lm's layout, quantized with MLX's affine
// quantizer, that mlux and mlx-lm both load (models/convert.h).
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mlux/cli/cli_util.h"
#include "mlux/cli/command.h"
#include "mlux/cli/model_option.h"
#include "mlux/error.h"
#include "mlux/models/convert.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model, out, dtype;
  int bits = 4, group_size = 64;
  bool dequantize = false, json = false;
};

int run(const Args& a) {
  models::ConvertOptions opt{.quant = {.bits = a.bits, .group_size = a.group_size}};
  if (!a.dtype.empty()) {
    opt.dtype = models::float_dtype_from_name(a.dtype);
    if (!opt.dtype) fail("quantize: --dtype '", a.dtype, "' is not a float dtype; use float32, bfloat16 or float16");
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::filesystem::path src = resolve_model_arg(a.model);
  const auto r = a.dequantize ? models::dequantize_model(src, a.out, opt) : models::quantize_model(src, a.out, opt);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (a.json) {
    const nlohmann::json j = {{"out", a.out}, {"dequantized", a.dequantize}, {"matrices", r.quantized},
                              {"tensors", r.tensors}, {"bytes", r.bytes}, {"seconds", s},
                              {"bits", a.bits}, {"group_size", a.group_size}};
    std::puts(j.dump().c_str());
    return 0;
  }
  if (a.dequantize)
    std::printf("dequantized %lld matrices → %s (%s, %lld tensors) in %.1f s\n", (long long)r.quantized, a.out.c_str(),
                format_bytes(r.bytes).c_str(), (long long)r.tensors, s);
  else
    std::printf("quantized %lld matrices to %d bits, groups of %d → %s (%s, %lld tensors) in %.1f s\n",
                (long long)r.quantized, a.bits, a.group_size, a.out.c_str(), format_bytes(r.bytes).c_str(),
                (long long)r.tensors, s);
  return 0;
}

CommandRegistrar reg("quantize", "Write an MLX-quantized copy of a model (mlx-lm layout), or dequantize one", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  app.add_option("--model", a->model, kModelOptionHelp)->required();
  app.add_option("--out", a->out, "Directory to write (must not exist, or be empty)")->required();
  app.add_option("--bits", a->bits, "Bits per weight: 2, 3, 4, 5, 6 or 8 (default 4)");
  app.add_option("--group-size", a->group_size, "Weights per scale and bias: 32, 64 or 128 (default 64)");
  app.add_option("--dtype", a->dtype, "Float dtype to write (default: config.json's; dequantize: the scales' dtype)");
  app.add_flag("--dequantize", a->dequantize, "Write float weights back from a quantized model (mlx_lm.convert -d)");
  app.add_flag("--json", a->json, "Print JSON");
  return [a] { return run(*a); };
});

}  // namespace
}  // namespace mlux::cli
