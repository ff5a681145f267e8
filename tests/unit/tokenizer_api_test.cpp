// The Tokenizer API around encode/decode: special tokens and the side files of a model
// directory, the BOS rule, decode options, decode_one, and sharing one tokenizer across threads.
// Expectations are derived by hand from the tiny tokenizer (tiny_tokenizer.h) or, for the real
// tokenizers, come from the HF oracle output.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "mlux/tokenizer/tokenizer.h"
#include "tiny_tokenizer.h"
#include "tokenizer_oracle_data.h"

namespace {

using mlux::testing::tiny_tokenizer_json;
using mlux::testing::write_file;
using mlux::tokenizer::Tokenizer;
using Ids = std::vector<std::int32_t>;

Tokenizer tiny() { return Tokenizer::from_json(tiny_tokenizer_json().dump(), "tiny.json"); }

TEST(TokenizerApi, EncodesAndDecodesTheTinyVocabulary) {
  const Tokenizer tok = tiny();
  EXPECT_EQ(tok.encode("ab"), (Ids{3, 2}));
  EXPECT_EQ(tok.encode("ab", {.add_special_tokens = false}), (Ids{2}));
  EXPECT_EQ(tok.encode("ba<s>ab</s>", {.add_special_tokens = false}), (Ids{1, 0, 3, 2, 4}));
  EXPECT_EQ(tok.encode(""), (Ids{3}));
  EXPECT_EQ(tok.decode(Ids{3, 2, 4}), "<s>ab</s>");
  EXPECT_EQ(tok.decode(Ids{3, 2, 4}, {.skip_special_tokens = true}), "ab");
  EXPECT_EQ(tok.id_to_piece(2), "ab");
  EXPECT_EQ(tok.token_to_id("</s>"), 4);
  EXPECT_EQ(tok.token_to_id("zz"), std::nullopt);
  EXPECT_EQ(tok.vocab_size(), 5);
  EXPECT_TRUE(tok.is_special(3));
  EXPECT_FALSE(tok.is_special(2));
}

TEST(TokenizerApi, WithoutConfigThereIsNoBosOrEos) {
  const Tokenizer tok = tiny();
  EXPECT_EQ(tok.bos_id(), std::nullopt);
  EXPECT_TRUE(tok.eos_ids().empty());
  EXPECT_EQ(tok.with_bos(Ids{2}), (Ids{2}));
}

class TokenizerDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = mlux::testing::fresh_temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    write_file(dir_ / "tokenizer.json", tiny_tokenizer_json().dump());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(TokenizerDirectory, BosRulePrependsUnlessAlreadyThere) {
  write_file(dir_ / "tokenizer_config.json", R"({"bos_token": "<s>", "eos_token": "</s>"})");
  const Tokenizer tok = Tokenizer::from_dir(dir_);
  EXPECT_EQ(tok.bos_id(), 3);
  EXPECT_EQ(tok.with_bos(Ids{2, 1}), (Ids{3, 2, 1}));
  EXPECT_EQ(tok.with_bos(Ids{3, 2, 1}), (Ids{3, 2, 1}));
  EXPECT_EQ(tok.with_bos(Ids{}), (Ids{3}));
  EXPECT_EQ(tok.with_bos(Ids{2, 3}), (Ids{3, 2, 3}));
}

TEST_F(TokenizerDirectory, EosIdsGatherConfigGenerationConfigAndConfig) {
  write_file(dir_ / "tokenizer_config.json",
             R"({"bos_token": {"content": "<s>", "lstrip": false}, "eos_token": {"content": "</s>"}, "chat_template": "{{ x }}"})");
  write_file(dir_ / "generation_config.json", R"({"bos_token_id": 3, "eos_token_id": [4, 1]})");
  write_file(dir_ / "config.json", R"({"eos_token_id": 0})");
  const Tokenizer tok = Tokenizer::from_dir(dir_);
  EXPECT_EQ(tok.eos_ids(), (std::set<std::int32_t>{0, 1, 4}));
  EXPECT_TRUE(tok.is_eos(1));
  EXPECT_FALSE(tok.is_eos(2));
  EXPECT_EQ(tok.special_tokens().bos_token, "<s>");
  EXPECT_EQ(tok.special_tokens().eos_token, "</s>");
  EXPECT_EQ(tok.chat_template(), "{{ x }}");
}

TEST_F(TokenizerDirectory, SpecialTokensMapAndTemplateFileOverrideTheConfig) {
  write_file(dir_ / "tokenizer_config.json", R"({"bos_token": "a", "eos_token": "b", "chat_template": "old", "clean_up_tokenization_spaces": true})");
  write_file(dir_ / "special_tokens_map.json", R"({"bos_token": "<s>", "eos_token": {"content": "</s>"}})");
  write_file(dir_ / "chat_template.jinja", "new {{ messages }}");
  const Tokenizer tok = Tokenizer::from_file(dir_ / "tokenizer.json");
  EXPECT_EQ(tok.bos_id(), 3);
  EXPECT_EQ(tok.eos_ids(), (std::set<std::int32_t>{4}));
  EXPECT_EQ(tok.chat_template(), "new {{ messages }}");
  EXPECT_TRUE(tok.clean_up_tokenization_spaces());
}

// A SentencePiece-style vocabulary decoded as Mistral/Llama 2 do: '▁' becomes a space and the
// text's first space is stripped. decode_one keeps it, since a lone token is mid-text.
TEST(TokenizerApi, DecodeOneKeepsTheSentencePieceSpace) {
  nlohmann::json j = tiny_tokenizer_json();
  j["pre_tokenizer"] = nullptr;
  j["normalizer"] = {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}};
  j["model"]["vocab"] = {{"\u2581the", 0}, {"<0xE2>", 1}, {"<s>", 3}, {"</s>", 4}};
  j["model"]["merges"] = nlohmann::json::array();
  j["decoder"] = nlohmann::json::parse(R"({"type": "Sequence", "decoders": [
      {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "}, {"type": "ByteFallback"},
      {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]})");
  const Tokenizer tok = Tokenizer::from_json(j.dump(), "spm.json");
  EXPECT_EQ(tok.decode(Ids{0, 0}), "the the");
  EXPECT_EQ(tok.decode(Ids{0}), "the");
  EXPECT_EQ(tok.decode_one(0), " the");
  EXPECT_EQ(tok.decode_one(1), "\xEF\xBF\xBD");  // an incomplete character shows as U+FFFD
  EXPECT_EQ(tok.decode_one(4), "</s>");
}

TEST(TokenizerApi, CleanUpTokenizationSpacesIsTransformersCleanUp) {
  auto data = mlux::testing::load_oracle("gpt2");
  if (!data) GTEST_SKIP() << mlux::testing::missing_oracle_message("gpt2");
  const Tokenizer& tok = mlux::testing::cached_tokenizer(data->tokenizer_json);
  const Ids ids = tok.encode("Hello , world . Is it ? Yes ! I do n't know ' em , I 'm sure it 's fine , we 've seen they 're ok");
  EXPECT_EQ(tok.decode(ids, {.clean_up_tokenization_spaces = true}),
            "Hello, world. Is it? Yes! I don't know'em, I'm sure it's fine, we've seen they're ok");
  EXPECT_EQ(tok.decode(ids), "Hello , world . Is it ? Yes ! I do n't know ' em , I 'm sure it 's fine , we 've seen they 're ok");
}

TEST(TokenizerApi, OneTokenizerServesManyThreads) {
  auto data = mlux::testing::load_oracle("qwen2_5");
  if (!data) GTEST_SKIP() << mlux::testing::missing_oracle_message("qwen2_5");
  const Tokenizer tok = Tokenizer::from_file(data->tokenizer_json);  // a fresh one: its word cache starts empty
  std::vector<Ids> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t)
    threads.emplace_back([&, t] {
      for (const auto& c : data->cases) {
        Ids ids = tok.encode(c.text);
        results[t].insert(results[t].end(), ids.begin(), ids.end());
      }
    });
  for (auto& th : threads) th.join();
  Ids expected;
  for (const auto& c : data->cases) expected.insert(expected.end(), c.ids.begin(), c.ids.end());
  for (const Ids& r : results) EXPECT_EQ(r, expected);
}

// transformers' LlamaTokenizerFast and GemmaTokenizerFast rebuild the post-processor from
// tokenizer_config.json's add_bos_token / add_eos_token; mlux (like the `tokenizers` library)
// runs tokenizer.json's post-processor as written. For every pinned real tokenizer the two agree,
// which this checks from the config's flags.
TEST(TokenizerApi, PostProcessorAgreesWithTheConfigsAddBosAndEos) {
  for (const std::string name : {"gpt2", "llama3_2", "qwen2_5", "qwen3", "gemma2", "gemma3", "mistral_nemo", "llama2"}) {
    auto data = mlux::testing::load_oracle(name);
    if (!data) GTEST_SKIP() << mlux::testing::missing_oracle_message(name);
    const Tokenizer& tok = mlux::testing::cached_tokenizer(data->tokenizer_json);
    std::ifstream in(data->tokenizer_json.parent_path() / "tokenizer_config.json");
    const auto config = nlohmann::json::parse(in);
    const Ids ids = tok.encode("x");
    if (config.value("add_bos_token", false)) {
      ASSERT_TRUE(tok.bos_id().has_value()) << name;
      EXPECT_EQ(ids.front(), *tok.bos_id()) << name << " has add_bos_token: true";
    } else if (tok.bos_id() && config.contains("add_bos_token")) {
      EXPECT_NE(ids.front(), *tok.bos_id()) << name << " has add_bos_token: false";
    }
    EXPECT_EQ(config.value("add_eos_token", false), tok.is_eos(ids.back())) << name;
  }
}

}  // namespace
