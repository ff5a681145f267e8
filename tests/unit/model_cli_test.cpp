// The model subcommands run as a user runs them: forward, info, generate, hooks, cache, and the
// demo model the binary carries inside itself.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "mlux/hooks/activation_cache.h"
#include "test_util.h"

namespace mlux {
namespace {

using test::run_mlux;

TEST(ModelCli, GenerateJsonGivesIdsTextAndFinishReason) {
  const auto r = run_mlux({"generate", "--prompt", "And God said", "-n", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ids"].size(), 5u);
  EXPECT_EQ(j["finish"], "length");
  EXPECT_FALSE(j["text"].get<std::string>().empty());
}

TEST(ModelCli, TheEmbeddedDemoModelUnpacksAndRuns) {
  const auto cache_dir = std::filesystem::temp_directory_path() / ("mlux-xdg-" + std::to_string(::getpid()));
  const auto r = run_mlux({"generate", "--ids", "0,1086,341", "-n", "3", "--json"},
                          {{"MLUX_DEMO_EMBEDDED", "1"}, {"XDG_CACHE_HOME", cache_dir.string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto direct = run_mlux({"generate", "--ids", "0,1086,341", "-n", "3", "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["ids"], nlohmann::json::parse(direct.out)["ids"]);
  bool unpacked = false;
  for (const auto& e : std::filesystem::directory_iterator(cache_dir / "mlux"))
    unpacked |= std::filesystem::exists(e.path() / "model.safetensors");
  EXPECT_TRUE(unpacked);
  std::filesystem::remove_all(cache_dir);
}

TEST(ModelCli, ForwardWritesLogitsAndHiddenStatesInTransformersConvention) {
  const auto out = std::filesystem::temp_directory_path() / ("mlux-fwd-" + std::to_string(::getpid()) + ".safetensors");
  const auto r = run_mlux({"forward", "--model", (test::golden_dir() / "qwen3").string(), "--ids", "5,17,42", "--out", out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["top"].size(), 5u);
  const auto saved = hooks::ActivationCache::load(out);
  EXPECT_EQ(saved["logits"].shape(), Shape({1, 3, 263}));
  EXPECT_TRUE(saved.contains("hidden_0"));
  EXPECT_TRUE(saved.contains("hidden_3"));  // 3 layers: hidden_0 .. hidden_3
  EXPECT_FALSE(saved.contains("hidden_4"));
  std::filesystem::remove(out);
}

TEST(ModelCli, InfoNamesTheArchitecture) {
  const auto r = run_mlux({"info", "--model", (test::golden_dir() / "lfm2").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model_type"], "lfm2");
  EXPECT_EQ(j["layer_types"], nlohmann::json::parse(R"(["conv", "full_attention", "conv", "full_attention"])"));
}

TEST(ModelCli, CacheWritesTheSelectedActivations) {
  const auto out = std::filesystem::temp_directory_path() / ("mlux-cache-" + std::to_string(::getpid()) + ".safetensors");
  const auto r = run_mlux({"cache", "--prompt", "Hello world", "--hooks", "model.layers.*,blocks.0.attn.hook_pattern", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto saved = hooks::ActivationCache::load(out);
  EXPECT_EQ(saved.size(), 9u);
  EXPECT_EQ(saved.metadata().at("prompt"), "Hello world");
  std::filesystem::remove(out);
}

TEST(ModelCli, HooksListsPointsWithShapes) {
  const auto r = run_mlux({"hooks", "--filter", "layers.2.self_attn.hook_pattern", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["shape"], "[1, 8, 4, 4]");
  EXPECT_EQ(j[0]["dims"], "[batch, head, q_pos, k_pos]");
}

TEST(ModelCli, BadInputGivesOneClearLineAndExitCode1) {
  auto r = run_mlux({"generate", "--model", "/nonexistent", "-p", "hi"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'/nonexistent' is not a directory"), std::string::npos) << r.err;
  r = run_mlux({"cache", "-p", "hi", "--hooks", "model.layer.1", "--out", "/tmp/x.safetensors"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no hook point matches 'model.layer.1'"), std::string::npos) << r.err;
  r = run_mlux({"generate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("give --prompt TEXT or --ids"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mlux

namespace mlux {
namespace {

using test::run_mlux;

TEST(ToolkitCli, LensPatchSteerAblateHeadsAndValidate) {
  auto r = run_mlux({"lens", "-p", "Le contraire de \"petit\" est \"", "--positions=-1", "--target", "grand", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rows"].size(), 9u);
  EXPECT_EQ(j["grid"].back()[0][0]["token"], "grand");

  r = run_mlux({"patch", "--source", "The cat sat on the mat", "--target", "The man sat on the bed", "--layers", "0,7", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["cells"].size(), 2u * 7u);  // 2 layers × 7 positions (BOS + 6 words)

  const auto vec = std::filesystem::temp_directory_path() / ("mlux-cli-vec-" + std::to_string(::getpid()) + ".safetensors");
  r = run_mlux({"steer", "--positive", "I love it", "--negative", "I hate it", "--layer", "4", "--alphas=-4,0,4", "-p", "The movie was",
                "-n", "5", "--save", vec.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["results"].size(), 3u);
  r = run_mlux({"steer", "--load", vec.string(), "-p", "The movie was", "-n", "5", "--alpha", "0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["results"][0]["text"], j["results"][1]["text"]);
  std::filesystem::remove(vec);

  r = run_mlux({"ablate", "-p", "X A V P Q R T X A V", "--layers", "0,3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["effects"].size(), 2u);

  r = run_mlux({"heads", "--trials", "1", "--length", "20", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["induction"].size(), 8u);

  r = run_mlux({"validate"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Activation Patching: ✓ PASS"), std::string::npos);

  r = run_mlux({"patch", "--source", "a b c", "--target", "a b c d"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("positions do not line up"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mlux
