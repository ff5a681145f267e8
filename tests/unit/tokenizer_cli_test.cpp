// `mlux tokenize` and `mlux detokenize`, run as a user would run them (the built binary).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tiny_tokenizer.h"
#include "tokenizer_oracle_data.h"

namespace {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

std::string quoted(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class TokenizerCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = mlux::testing::fresh_temp_dir(std::string("cli-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    mlux::testing::write_file(dir_ / "tokenizer.json", mlux::testing::tiny_tokenizer_json().dump());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CliResult mlux(const std::vector<std::string>& args) {
    std::string command = quoted(MLUX_BINARY);
    for (const auto& a : args) command.append(" ").append(quoted(a));
    command.append(" >").append(quoted((dir_ / "out").string())).append(" 2>").append(quoted((dir_ / "err").string()));
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir_ / "out"), slurp(dir_ / "err")};
  }
  std::string tiny() const { return (dir_ / "tokenizer.json").string(); }

  std::filesystem::path dir_;
};

TEST_F(TokenizerCli, TokenizePrintsJson) {
  CliResult r = mlux({"tokenize", "--tokenizer", tiny(), "--json", "ab"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out), nlohmann::json::parse(R"({"ids": [3, 2], "tokens": ["<s>", "ab"]})"));
  r = mlux({"tokenize", "--model", dir_.string(), "--json", "--no-special", "ba"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out), nlohmann::json::parse(R"({"ids": [1, 0], "tokens": ["b", "a"]})"));
}

TEST_F(TokenizerCli, TokenizePrintsATable) {
  const CliResult r = mlux({"tokenize", "--model", dir_.string(), "ab"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("3  <s>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2  ab"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 tokens"), std::string::npos) << r.out;
}

TEST_F(TokenizerCli, TokenizeJsonlGivesOneObjectPerLine) {
  mlux::testing::write_file(dir_ / "texts.jsonl", "\"ab\"\n\"b\"\n\"\"\n");
  const CliResult r = mlux({"tokenize", "--tokenizer", tiny(), "--no-special", "--jsonl", (dir_ / "texts.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"ids\":[2],\"tokens\":[\"ab\"]}\n{\"ids\":[1],\"tokens\":[\"b\"]}\n{\"ids\":[],\"tokens\":[]}\n");
}

TEST_F(TokenizerCli, DetokenizeDecodes) {
  CliResult r = mlux({"detokenize", "--tokenizer", tiny(), "3,2,4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "<s>ab</s>\n");
  r = mlux({"detokenize", "--model", dir_.string(), "--skip-special", "[3, 2, 4]"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ab\n");
}

TEST_F(TokenizerCli, ErrorsExitWithOneAndAMessage) {
  CliResult r = mlux({"detokenize", "--tokenizer", tiny(), "1,x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a list of token ids"), std::string::npos) << r.err;
  r = mlux({"detokenize", "--tokenizer", tiny(), "99"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("token id 99"), std::string::npos) << r.err;
  r = mlux({"tokenize", "--model", (dir_ / "nowhere").string(), "hi"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not a directory"), std::string::npos) << r.err;
  mlux::testing::write_file(dir_ / "bad.jsonl", "\"ok\"\nnot json\n");
  r = mlux({"tokenize", "--tokenizer", tiny(), "--jsonl", (dir_ / "bad.jsonl").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  r = mlux({"tokenize", "hi"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--model"), std::string::npos) << r.err;
}

TEST_F(TokenizerCli, MatchesTheOracleOnARealTokenizer) {
  auto data = mlux::testing::load_oracle("llama3_2");
  if (!data) GTEST_SKIP() << mlux::testing::missing_oracle_message("llama3_2");
  for (const auto& c : data->cases) {
    if (c.name != "mixed_everything") continue;
    const CliResult r = mlux({"tokenize", "--model", data->tokenizer_json.parent_path().string(), "--json", c.text});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["ids"].get<std::vector<std::int32_t>>(), c.ids);
  }
}

}  // namespace
