// `mlux pull`, `mlux models`, `mlux rm` and --model taking a hub id, run as a user runs them (the
// built binary), against a FakeHub, with HF_ENDPOINT / HF_HUB_CACHE pointing at the test's own.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "hub_test_util.h"

namespace mlux::testing {
namespace {
namespace fs = std::filesystem;
using test::CliRun;

class HubCli : public HubTest {
 protected:
  // Empty values count as unset, so a token or offline switch in the caller's environment cannot leak in.
  CliRun mlux(const std::vector<std::string>& args, bool offline = false) {
    return test::run_mlux(args, {{"HF_ENDPOINT", hub_.endpoint()},
                                 {"HF_HUB_CACHE", cache_.string()},
                                 {"HF_HOME", (cache_ / "home").string()},
                                 {"HF_TOKEN", ""},
                                 {"HUGGING_FACE_HUB_TOKEN", ""},
                                 {"TRANSFORMERS_OFFLINE", ""},
                                 {"HF_HUB_OFFLINE", offline ? "1" : ""}});
  }
};

TEST_F(HubCli, PullListRunOfflineAndRemove) {
  CliRun r = mlux({"pull", "org/tiny", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto pulled = nlohmann::json::parse(r.out);
  EXPECT_EQ(pulled["commit"], hub_.commit_of("org/tiny"));
  EXPECT_EQ(pulled["files"].size(), expected_model_files().size());
  EXPECT_NE(r.err.find("model.safetensors"), std::string::npos) << "one progress line per file: " << r.err;

  r = mlux({"models", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::json::parse(r.out);
  auto row = [&](const std::string& model) {
    for (const auto& x : rows)
      if (x["model"] == model) return x;
    return nlohmann::json();
  };
  EXPECT_EQ(row("demo (embedded)")["status"], "ready");
  EXPECT_EQ(row("mlx-community/gemma-2-2b-it-4bit")["status"], "not downloaded");
  EXPECT_EQ(row("org/tiny")["architecture"], "llama");
  EXPECT_EQ(row("org/tiny")["weights"], "float32");
  EXPECT_EQ(row("org/tiny")["revision"], str("main ", hub_.commit_of("org/tiny").substr(0, 7)));
  EXPECT_EQ(row("org/tiny")["status"], "ready");

  r = mlux({"info", "--model", "org/tiny", "--json"}, true);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["model_type"], "llama");

  r = mlux({"rm", "org/tiny"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("removed org/tiny"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(repo_dir()));
  r = mlux({"info", "--model", "org/tiny"}, true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("HF_HUB_OFFLINE is set"), std::string::npos) << r.err;
}

TEST_F(HubCli, ForwardDownloadsWhatItNeeds) {
  const CliRun r = mlux({"forward", "--model", "org/tiny", "--ids", "1,5,9", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["tokens"], 3);
  EXPECT_NE(r.err.find("model.safetensors"), std::string::npos) << "progress on stderr: " << r.err;
}

TEST_F(HubCli, HookedModelCommandsTakeHubIdsWithProgress) {
  const CliRun r = mlux({"generate", "--model", "org/tiny", "--ids", "1,5,9", "-n", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["ids"].size(), 2u);
  EXPECT_NE(r.err.find("model.safetensors"), std::string::npos) << "progress on stderr: " << r.err;
}

TEST_F(HubCli, TokenizeFetchesNoWeights) {
  const CliRun r = mlux({"tokenize", "--model", "org/tiny", "--json", "hello"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out).contains("ids"));
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots" / hub_.commit_of("org/tiny") / "model.safetensors"));
}

TEST_F(HubCli, PullRefusesOfflineAndLocalDirectories) {
  CliRun r = mlux({"pull", "org/tiny"}, true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("HF_HUB_OFFLINE is set"), std::string::npos) << r.err;
  r = mlux({"pull", MLUX_GOLDEN_DIR});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("directory on disk"), std::string::npos) << r.err;
  r = mlux({"pull", "org/missing"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such model"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mlux::testing
