// Loading a model from bad files gives one clear error each: what, where, what to do.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <tuple>

#include "mlux/io/json.h"
#include "mlux/io/safetensors.h"
#include "mlux/models/causal_lm.h"
#include "mlux/models/registry.h"
#include "test_util.h"

namespace mlux {
namespace {

namespace fs = std::filesystem;

// A copy of the llama-gqa fixture that each test then breaks in one way.
class ModelLoadErrors : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mlux-load-" + std::to_string(::getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const char* f : {"config.json", "model.safetensors"}) fs::copy_file(test::golden_dir() / "llama-gqa" / f, dir_ / f);
  }
  void TearDown() override { fs::remove_all(dir_); }

  io::Json config() { return io::read_json_file(dir_ / "config.json"); }
  void write_config(const io::Json& j) { std::ofstream(dir_ / "config.json") << j.dump(); }
  std::string load_error() {
    return test::error_of([&] { models::CausalLM::load(dir_); });
  }
  // Rewrites the checkpoint through `edit`, which may drop, rename or replace tensors.
  template <typename Edit>
  void rewrite_weights(Edit edit) {
    auto f = io::SafetensorsFile::open(dir_ / "model.safetensors");
    std::vector<std::pair<std::string, Tensor>> ts;
    for (const auto& e : f->entries()) ts.emplace_back(e.name, f->tensor(e.name).clone());
    f.reset();
    edit(ts);
    io::save_safetensors(dir_ / "model.safetensors", ts);
  }

  fs::path dir_;
};

TEST_F(ModelLoadErrors, FixtureCopyLoads) { EXPECT_EQ(load_error(), ""); }

TEST_F(ModelLoadErrors, UnknownModelType) {
  auto j = config();
  j["model_type"] = "mamba9";
  write_config(j);
  const auto e = load_error();
  EXPECT_NE(e.find("model_type 'mamba9' is not supported"), std::string::npos) << e;
  EXPECT_NE(e.find("llama"), std::string::npos) << e;  // lists what is supported
}

TEST_F(ModelLoadErrors, MalformedConfigJson) {
  std::ofstream(dir_ / "config.json") << "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 64,,\n}";
  const auto e = load_error();
  EXPECT_NE(e.find("config.json: malformed JSON at line 3"), std::string::npos) << e;
}

TEST_F(ModelLoadErrors, WrongTypeForAField) {
  auto j = config();
  j["num_attention_heads"] = "four";
  write_config(j);
  const auto e = load_error();
  EXPECT_NE(e.find("'num_attention_heads' must be an integer"), std::string::npos) << e;
}

// Sizes no real model has (the config fuzzer's kind of input) are refused before anything is
// allocated or multiplied, naming the key and the accepted range.
TEST_F(ModelLoadErrors, ImplausibleSizesAreRefused) {
  const std::vector<std::pair<const char*, io::Json>> cases = {
      {"num_hidden_layers", 1e9}, {"hidden_size", std::int64_t(1) << 40}, {"vocab_size", -3},
      {"num_attention_heads", 0}, {"head_dim", 9.2e30}, {"max_position_embeddings", 0}};
  const io::Json original = config();
  for (const auto& [key, value] : cases) {
    auto j = original;
    j[key] = value;
    write_config(j);
    const auto e = load_error();
    EXPECT_NE(e.find(std::string("'") + key + "'"), std::string::npos) << key << ": " << e;
    EXPECT_TRUE(e.find("outside 1..") != std::string::npos || e.find("must be") != std::string::npos) << key << ": " << e;
  }
  auto j = original;
  j["partial_rotary_factor"] = 40.0;
  write_config(j);
  EXPECT_NE(load_error().find("'partial_rotary_factor' is 40"), std::string::npos);
}

// Found by the config fuzzer: family-specific keys of the wrong type or value (LFM2's conv_bias
// as a number, Gemma 3's window pattern 0 — a division by zero) are errors naming the key.
TEST(FamilyConfigErrors, FamilyKeysAreCheckedLikeTheCommonOnes) {
  auto build_error = [](const char* fixture, const char* key, const io::Json& value) {
    io::Json j = io::read_json_file(test::golden_dir() / fixture / "config.json");
    io::Json& text = j.contains("text_config") ? j["text_config"] : j;
    text[key] = value;
    text.erase("layer_types");  // so the family's default pattern is what runs
    return test::error_of([&] {
      const auto c = models::parse_model_config(j, "config.json");
      (void)models::family_for(c.text_model_type, "config.json").build(c);
    });
  };
  for (const auto& [fixture, key, value] : std::vector<std::tuple<const char*, const char*, io::Json>>{
           {"lfm2", "conv_bias", 4}, {"lfm2", "conv_L_cache", -1}, {"lfm2", "block_multiple_of", 0},
           {"lfm2", "block_auto_adjust_ff_dim", "yes"}, {"gemma3-text", "sliding_window_pattern", 0},
           {"qwen2", "max_window_layers", -2}, {"gpt2", "scale_attn_weights", "no"}}) {
    const auto e = build_error(fixture, key, value);
    EXPECT_NE(e.find(std::string("'") + key + "'"), std::string::npos) << fixture << " " << key << ": " << e;
  }
}

TEST_F(ModelLoadErrors, MissingTensorIsNamed) {
  rewrite_weights([](auto& ts) {
    std::erase_if(ts, [](const auto& p) { return p.first == "model.layers.1.mlp.up_proj.weight"; });
  });
  const auto e = load_error();
  EXPECT_NE(e.find("missing"), std::string::npos) << e;
  EXPECT_NE(e.find("model.layers.1.mlp.up_proj.weight"), std::string::npos) << e;
}

TEST_F(ModelLoadErrors, WrongShapeNamesBothShapes) {
  rewrite_weights([](auto& ts) {
    for (auto& [name, t] : ts)
      if (name == "model.layers.0.self_attn.k_proj.weight") t = Tensor::zeros({63, 64});
  });
  const auto e = load_error();
  EXPECT_NE(e.find("'model.layers.0.self_attn.k_proj.weight' is [63, 64]"), std::string::npos) << e;
  EXPECT_NE(e.find("expects [64, 64]"), std::string::npos) << e;
}

TEST_F(ModelLoadErrors, WrongDtypeForAWeight) {
  rewrite_weights([](auto& ts) {
    for (auto& [name, t] : ts)
      if (name == "model.norm.weight") t = Tensor::zeros({64}, DType::i32);
  });
  const auto e = load_error();
  EXPECT_NE(e.find("'model.norm.weight' is I32"), std::string::npos) << e;
}

TEST_F(ModelLoadErrors, UnexpectedTensorIsNamed) {
  rewrite_weights([](auto& ts) { ts.emplace_back("model.layers.0.self_attn.q_norm.weight", Tensor::zeros({32})); });
  const auto e = load_error();
  EXPECT_NE(e.find("model.layers.0.self_attn.q_norm.weight"), std::string::npos) << e;
  EXPECT_NE(e.find("no place"), std::string::npos) << e;
}

TEST_F(ModelLoadErrors, TruncatedWeightsFile) {
  const auto size = fs::file_size(dir_ / "model.safetensors");
  fs::resize_file(dir_ / "model.safetensors", size / 2);
  const auto e = load_error();
  EXPECT_NE(e.find("model.safetensors"), std::string::npos) << e;
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
}

TEST_F(ModelLoadErrors, NotAModelDirectory) {
  fs::remove(dir_ / "config.json");
  EXPECT_NE(load_error().find("no config.json"), std::string::npos);
  EXPECT_NE(test::error_of([&] { models::CausalLM::load(dir_ / "nope"); }).find("not a directory"), std::string::npos);
}

TEST_F(ModelLoadErrors, OutOfRangeTokenIdAtForward) {
  auto m = models::CausalLM::load(dir_);
  const std::vector<std::int64_t> ids = {1, 263};
  const auto e = test::error_of([&] { m->forward(Tensor::from_data<std::int64_t>(ids, {1, 2})); });
  EXPECT_NE(e.find("id 263"), std::string::npos) << e;
  EXPECT_NE(e.find("(in model.embed_tokens)"), std::string::npos) << e;
}

}  // namespace
}  // namespace mlux
