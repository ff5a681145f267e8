// Loading MLX-quantized checkpoints beyond what `mlux quantize` writes: per-path overrides (a dict
// with other bits/group, or false for a float layer), f16 scales, and one clear error for each
// kind of bad input (config block, shapes, modes, layers that cannot be quantized). Also the CLI.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "mlux/io/json.h"
#include "mlux/io/safetensors.h"
#include "mlux/models/causal_lm.h"
#include "mlux/models/convert.h"
#include "mlux/ops/ops.h"
#include "mlux/tensor/storage.h"
#include "test_util.h"

namespace mlux {
namespace {

namespace fs = std::filesystem;
using Tensors = std::vector<std::pair<std::string, Tensor>>;

// The llama-gqa fixture quantized to 4 bits in groups of 32, which each test then changes.
class QuantizedLoad : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mlux-qload-" + std::to_string(::getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    models::quantize_model(test::golden_dir() / "llama-gqa", dir_ / "q", {.quant = {.bits = 4, .group_size = 32}});
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path q() const { return dir_ / "q"; }
  io::Json config() { return io::read_json_file(q() / "config.json"); }
  void write_config(const io::Json& j) { std::ofstream(q() / "config.json") << j.dump(2); }
  void set_quantization(const io::Json& block) {
    auto j = config();
    j["quantization"] = j["quantization_config"] = block;
    write_config(j);
  }
  template <typename Edit>
  void rewrite_weights(Edit edit) {
    auto f = io::SafetensorsFile::open(q() / "model.safetensors");
    Tensors ts;
    for (const auto& e : f->entries()) ts.emplace_back(e.name, f->tensor(e.name).clone());
    f.reset();
    edit(ts);
    io::save_safetensors(q() / "model.safetensors", ts, {{"format", "mlx"}});
    fs::remove(q() / "model.safetensors.index.json");
  }
  std::string load_error() {
    return test::error_of([&] { models::CausalLM::load(q()); });
  }

  fs::path dir_;
};

Tensor& find(Tensors& ts, const std::string& name) {
  for (auto& [n, t] : ts)
    if (n == name) return t;
  throw std::runtime_error("no tensor " + name);
}

TEST_F(QuantizedLoad, PerPathOverridesF16ScalesAndFloatLayers) {
  const std::string down = "model.layers.1.mlp.down_proj", qp = "model.layers.2.self_attn.q_proj";
  auto original = io::SafetensorsFile::open(test::golden_dir() / "llama-gqa" / "model.safetensors");
  rewrite_weights([&](Tensors& ts) {
    const QuantizedTensor q8 = ops::quantize(original->tensor(down + ".weight"), {.bits = 8, .group_size = 64});
    find(ts, down + ".weight") = q8.weight;
    find(ts, down + ".scales") = q8.scales;
    find(ts, down + ".biases") = q8.biases;
    std::erase_if(ts, [&](const auto& p) { return p.first == qp + ".scales" || p.first == qp + ".biases"; });
    find(ts, qp + ".weight") = original->tensor(qp + ".weight").to(DType::f16);
    for (auto& [name, t] : ts)
      if (name.ends_with(".scales") || name.ends_with(".biases")) t = t.to(DType::f16);
  });
  auto block = models::quantization_block({.bits = 4, .group_size = 32});
  block[down] = {{"bits", 8}, {"group_size", 64}};
  block[qp] = false;
  set_quantization(block);

  auto model = models::CausalLM::load(q());
  const auto& plan = model->quantization();
  EXPECT_EQ(plan.at(down), (QuantParams{.bits = 8, .group_size = 64}));
  EXPECT_EQ(plan.at("model.layers.0.mlp.down_proj"), (QuantParams{.bits = 4, .group_size = 32}));
  EXPECT_EQ(plan.count(qp), 0u);
  EXPECT_EQ(model->weight_dtype().substr(0, 15), "mixed q4/q8 g32");

  models::dequantize_model(q(), dir_ / "dq", {.dtype = DType::f32});
  auto ids = io::SafetensorsFile::open(test::golden_dir() / "llama-gqa" / "reference.safetensors")->tensor("input_ids");
  const Tensor expected = models::CausalLM::load(dir_ / "dq")->forward(ids).logits;
  EXPECT_LE(test::max_abs_diff(model->forward(ids).logits, expected), 1e-4f);
}

TEST_F(QuantizedLoad, QuantizedTensorsWithoutAQuantizationBlock) {
  auto j = config();
  j.erase("quantization");
  j.erase("quantization_config");
  write_config(j);
  const auto e = load_error();
  EXPECT_NE(e.find("has quantized tensors ('lm_head.scales' and 22 more)"), std::string::npos) << e;
  EXPECT_NE(e.find("has no 'quantization' block"), std::string::npos) << e;
}

TEST_F(QuantizedLoad, BitsThatDoNotMatchTheCodes) {
  set_quantization(models::quantization_block({.bits = 8, .group_size = 32}));
  const auto e = load_error();
  EXPECT_NE(e.find("load: tensor 'lm_head.weight' is [263, 8] but 'lm_head' quantized with bits 8 and group_size 32 "
                   "(config.json 'quantization') needs [263, 16]"),
            std::string::npos)
      << e;
}

TEST_F(QuantizedLoad, GroupSizeThatDoesNotMatchTheScales) {
  set_quantization(models::quantization_block({.bits = 4, .group_size = 64}));
  const auto e = load_error();
  EXPECT_NE(e.find("tensor 'lm_head.biases' is [263, 2] but 'lm_head' quantized with bits 4 and group_size 64"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("needs [263, 1]"), std::string::npos) << e;
}

TEST_F(QuantizedLoad, UnsupportedBitsAndGroupSizes) {
  set_quantization(models::quantization_block({.bits = 7, .group_size = 32}));
  auto e = load_error();
  EXPECT_NE(e.find("gives bits 7 for 'lm_head'"), std::string::npos) << e;
  set_quantization(models::quantization_block({.bits = 4, .group_size = 16}));
  e = load_error();
  EXPECT_NE(e.find("gives group_size 16 for 'lm_head'"), std::string::npos) << e;
}

TEST_F(QuantizedLoad, GroupSizeThatDoesNotDivideTheInputs) {
  set_quantization(models::quantization_block({.bits = 4, .group_size = 128}));
  const auto e = load_error();
  EXPECT_NE(e.find("load: 'model.embed_tokens' has 64 inputs, not a multiple of group_size 128"), std::string::npos) << e;
}

TEST_F(QuantizedLoad, NonAffineModesAreNamed) {
  for (const char* mode : {"mxfp4", "nvfp4", "mxfp8"}) {
    set_quantization({{"mode", mode}});
    const auto e = load_error();
    EXPECT_NE(e.find(std::string("is quantized in mode '") + mode + "'"), std::string::npos) << e;
    EXPECT_NE(e.find("not support yet"), std::string::npos) << e;
  }
  set_quantization({{"mode", "fp3"}, {"bits", 4}, {"group_size", 32}});
  const auto e = load_error();
  EXPECT_NE(e.find("has mode 'fp3', which MLX does not define"), std::string::npos) << e;
}

TEST_F(QuantizedLoad, BitsPastIntAreNotNarrowed) {
  set_quantization({{"bits", (std::int64_t(1) << 32) + 4}, {"group_size", 32}});
  const auto e = load_error();
  EXPECT_NE(e.find("gives bits 4294967300, which no quantization mode has"), std::string::npos) << e;
}

TEST_F(QuantizedLoad, CodesWithoutScales) {
  rewrite_weights([](Tensors& ts) {
    std::erase_if(ts, [](const auto& p) { return p.first == "model.layers.0.mlp.up_proj.scales"; });
  });
  const auto e = load_error();
  EXPECT_NE(e.find("tensor 'model.layers.0.mlp.up_proj.weight' is U32 (packed quantized codes) but "
                   "'model.layers.0.mlp.up_proj.scales' is missing"),
            std::string::npos)
      << e;
}

TEST_F(QuantizedLoad, ScalesForALayerMarkedFalse) {
  auto block = models::quantization_block({.bits = 4, .group_size = 32});
  block["model.layers.0.mlp.up_proj"] = false;
  set_quantization(block);
  const auto e = load_error();
  EXPECT_NE(e.find("'model.layers.0.mlp.up_proj.scales' is in the checkpoint"), std::string::npos) << e;
  EXPECT_NE(e.find("marks 'model.layers.0.mlp.up_proj' as not quantized"), std::string::npos) << e;
}

TEST_F(QuantizedLoad, ScalesOnALayerThatCannotBeQuantized) {
  rewrite_weights([](Tensors& ts) {
    ts.emplace_back("model.norm.scales", Tensor::zeros({1, 2}));
    ts.emplace_back("model.norm.biases", Tensor::zeros({1, 2}));
  });
  const auto e = load_error();
  EXPECT_NE(e.find("'model.norm.scales' quantizes 'model.norm', which is not a Linear or Embedding layer"), std::string::npos) << e;
}

// A quantized model decodes without fresh tensor memory once warm, on either activation path.
TEST_F(QuantizedLoad, DecodeAllocatesNoFreshTensorMemoryOnceWarm) {
  for (auto act : {ops::QuantizedActivations::f32, ops::QuantizedActivations::int8}) {
    auto lm = models::CausalLM::load(q(), {.quantized_activations = act});
    auto cache = lm->make_cache(1);
    cache.reserve(40);
    Tensor logits = lm->forward(Tensor::from_data<std::int64_t>(std::vector<std::int64_t>{1, 5, 9}, {1, 3}),
                                {.last_logits_only = true}, &cache).logits;
    auto step = [&] {
      const std::vector<std::int64_t> next = {ops::argmax(logits.reshape({-1}), 0).to_ints()[0]};
      logits = lm->forward(Tensor::from_data<std::int64_t>(next, {1, 1}), {.last_logits_only = true}, &cache).logits;
    };
    for (int i = 0; i < 4; ++i) step();
    const auto before = allocator_stats().fresh_allocations;
    for (int i = 0; i < 16; ++i) step();
    EXPECT_EQ(allocator_stats().fresh_allocations, before) << (act == ops::QuantizedActivations::int8 ? "int8" : "f32");
  }
}

// --- the command line -------------------------------------------------------------------------

std::pair<int, std::string> run_mlux(const std::string& args) {
  const std::string cmd = std::string(MLUX_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  const int status = pclose(p);
  return {WEXITSTATUS(status), out};
}

TEST_F(QuantizedLoad, QuantizeCommandWritesALoadableCheckpointAndRejectsBadInput) {
  const std::string src = (test::golden_dir() / "qwen2").string(), out = (dir_ / "cli").string();
  auto [rc, text] = run_mlux("quantize --model " + src + " --bits 8 --group-size 64 --out " + out);
  EXPECT_EQ(rc, 0) << text;
  EXPECT_NE(text.find("quantized 22 matrices to 8 bits, groups of 64"), std::string::npos) << text;
  EXPECT_EQ(models::CausalLM::load(out)->weight_dtype(), "q8 g64, f32");
  EXPECT_TRUE(fs::exists(fs::path(out) / "model.safetensors.index.json"));

  std::tie(rc, text) = run_mlux("quantize --model " + src + " --bits 8 --out " + out);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(text.find("already exists"), std::string::npos) << text;
  std::tie(rc, text) = run_mlux("quantize --model " + src + " --bits 7 --out " + out + "-7");
  EXPECT_EQ(rc, 1);
  EXPECT_NE(text.find("quantize: bits 7 is not supported"), std::string::npos) << text;
  std::tie(rc, text) = run_mlux("quantize --model " + out + " --out " + out + "-again");
  EXPECT_EQ(rc, 1);
  EXPECT_NE(text.find("is already quantized (q8 g64)"), std::string::npos) << text;
}

}  // namespace
}  // namespace mlux
