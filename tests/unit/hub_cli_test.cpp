// `mlux pull`, `mlux models`, `mlux rm` and --model taking a hub id, run as a user runs them (the
// built binary), against a FakeHub, with HF_ENDPOINT / HF_HUB_CACHE pointing at the test's own.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "hub_test_util.h"

namespace mlux::testing {
namespace {
namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

std::string quoted(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class HubCli : public HubTest {
 protected:
  CliRun mlux(const std::vector<std::string>& args, const std::string& extra_env = "") {
    std::string command = "env -u HF_TOKEN -u HUGGING_FACE_HUB_TOKEN -u HF_HUB_OFFLINE -u TRANSFORMERS_OFFLINE -u HF_HUB_CACHE "
                          "-u HUGGINGFACE_HUB_CACHE HF_HOME=" + quoted((cache_ / "home").string()) +
                          " HF_ENDPOINT=" + quoted(hub_.endpoint()) + " HF_HUB_CACHE=" + quoted(cache_.string()) + " " +
                          extra_env + " " + quoted(MLUX_BINARY);
    for (const auto& a : args) command += " " + quoted(a);
    command += " >" + quoted((cache_ / "out").string()) + " 2>" + quoted((cache_ / "err").string());
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_bytes(cache_ / "out"), read_bytes(cache_ / "err")};
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
  EXPECT_EQ(row("org/tiny")["revision"], "main " + hub_.commit_of("org/tiny").substr(0, 7));
  EXPECT_EQ(row("org/tiny")["status"], "ready");

  r = mlux({"info", "--model", "org/tiny", "--json"}, "HF_HUB_OFFLINE=1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["model_type"], "llama");

  r = mlux({"rm", "org/tiny"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("removed org/tiny"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(repo_dir()));
  r = mlux({"info", "--model", "org/tiny"}, "HF_HUB_OFFLINE=1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("HF_HUB_OFFLINE is set"), std::string::npos) << r.err;
}

TEST_F(HubCli, ForwardDownloadsWhatItNeeds) {
  const CliRun r = mlux({"forward", "--model", "org/tiny", "--ids", "1,5,9", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["tokens"], 3);
}

TEST_F(HubCli, TokenizeFetchesNoWeights) {
  const CliRun r = mlux({"tokenize", "--model", "org/tiny", "--json", "hello"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out).contains("ids"));
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots" / hub_.commit_of("org/tiny") / "model.safetensors"));
}

TEST_F(HubCli, PullRefusesOfflineAndLocalDirectories) {
  CliRun r = mlux({"pull", "org/tiny"}, "HF_HUB_OFFLINE=1");
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
