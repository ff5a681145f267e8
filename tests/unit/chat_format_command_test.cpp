// `mlux chat-format`: runs the real binary on a small model directory and checks the printed
// prompt byte for byte, turn order across --system/--user/--assistant, --messages/--tools files,
// --set, --json, and that bad input exits with status 1 and a message instead of crashing.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int status;
  std::string out;
};

RunResult run(const std::string& args) {
  std::string command = std::string(MLUX_BINARY) + " chat-format " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  int status = pclose(pipe.release());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class ChatFormatCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mlux_chat_format_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    nlohmann::json config = {
        {"bos_token", "<s>"},
        {"chat_template",
         "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}\n{% endfor %}"
         "{% if tools %}tools={{ tools|map(attribute='name')|join(',') }}\n{% endif %}"
         "{% if think is defined %}think={{ think }}\n{% endif %}"
         "{% if add_generation_prompt %}<assistant>{% endif %}"}};
    std::ofstream(dir_ / "tokenizer_config.json") << config.dump();
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string model() const { return "--model " + dir_.string(); }
  fs::path dir_;
};

TEST_F(ChatFormatCommand, PrintsThePromptWithTurnsInCommandLineOrder) {
  RunResult r = run(model() + " --system S --user 'Hi there' --assistant A --user U2");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "<s><system>S\n<user>Hi there\n<assistant>A\n<user>U2\n<assistant>");
}

TEST_F(ChatFormatCommand, NoGenerationPromptAndSettings) {
  RunResult r = run(model() + " --user Hi --no-generation-prompt --set think=false");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "<s><user>Hi\nthink=False\n");
}

TEST_F(ChatFormatCommand, MessagesAndToolsFromFiles) {
  std::ofstream(dir_ / "chat.json") << R"({"messages": [{"role": "user", "content": "From file"}], "tools": [{"name": "f"}, {"name": "g"}]})";
  RunResult r = run(model() + " --messages " + (dir_ / "chat.json").string() + " --user Then");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "<s><user>From file\n<user>Then\ntools=f,g\n<assistant>");
}

TEST_F(ChatFormatCommand, JsonOutput) {
  RunResult r = run(model() + " --user Hi --json");
  EXPECT_EQ(r.status, 0) << r.out;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["prompt"], "<s><user>Hi\n<assistant>");
}

TEST_F(ChatFormatCommand, BadInputFailsWithAMessage) {
  RunResult none = run(model());
  EXPECT_EQ(none.status, 1);
  EXPECT_NE(none.out.find("no messages"), std::string::npos) << none.out;
  RunResult missing = run("--model " + (dir_ / "absent").string() + " --user Hi");
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.out.find("is not a directory"), std::string::npos) << missing.out;
  std::ofstream(dir_ / "bad.json") << "[{\"content\": \"no role\"}]";
  RunResult bad = run(model() + " --messages " + (dir_ / "bad.json").string());
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.out.find("has no string \"role\""), std::string::npos) << bad.out;
}

}  // namespace
