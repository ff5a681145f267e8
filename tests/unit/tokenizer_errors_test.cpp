// Bad input to the tokenizer: malformed or unsupported tokenizer.json, invalid regexes, bad side
// files, ids out of range. Each must raise mlux::Error whose message names the file, the JSON path
// and the offending value, never crash.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "mlux/error.h"
#include "mlux/tokenizer/streaming_detokenizer.h"
#include "mlux/tokenizer/tokenizer.h"
#include "tiny_tokenizer.h"

namespace {

using mlux::testing::tiny_tokenizer_json;
using mlux::tokenizer::Tokenizer;
using nlohmann::json;

// Runs f, which must throw mlux::Error with every fragment in its message.
template <typename F>
void expect_error(F&& f, std::initializer_list<std::string> fragments) {
  try {
    f();
    ADD_FAILURE() << "expected mlux::Error, nothing was thrown";
  } catch (const mlux::Error& e) {
    const std::string message = e.what();
    for (const std::string& fragment : fragments)
      EXPECT_NE(message.find(fragment), std::string::npos) << "message lacks '" << fragment << "':\n  " << message;
  }
}

void expect_load_error(const json& tokenizer_json, std::initializer_list<std::string> fragments) {
  expect_error([&] { Tokenizer::from_json(tokenizer_json.dump(), "tiny.json"); }, fragments);
}

TEST(TokenizerErrors, MalformedJsonNamesTheFile) {
  expect_error([] { Tokenizer::from_json(R"({"model": {"type": "BPE", )", "tiny.json"); }, {"tiny.json", "not valid JSON"});
  expect_load_error(json::array({1, 2}), {"tiny.json", "(top level)", "tokenizer.json"});
}

TEST(TokenizerErrors, MissingModel) {
  json j = tiny_tokenizer_json();
  j.erase("model");
  expect_load_error(j, {"tiny.json", "model", "missing"});
}

TEST(TokenizerErrors, UnknownModelType) {
  json j = tiny_tokenizer_json();
  j["model"]["type"] = "Unigram";
  expect_load_error(j, {"model.type", "'Unigram'", "not supported", "BPE"});
}

TEST(TokenizerErrors, UnknownComponentTypesListTheSupportedOnes) {
  json j = tiny_tokenizer_json();
  j["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", {{{"type", "Digits"}}, {{"type", "Fancy"}}}}};
  expect_load_error(j, {"pre_tokenizer.pretokenizers[1]", "'Fancy'", "ByteLevel", "Metaspace"});
  j = tiny_tokenizer_json();
  j["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", "AAAA"}};
  expect_load_error(j, {"normalizer", "'Precompiled'", "NFC"});
  j = tiny_tokenizer_json();
  j["decoder"] = {{"type", "WordPiece"}};
  expect_load_error(j, {"decoder", "'WordPiece'", "ByteFallback"});
  j = tiny_tokenizer_json();
  j["post_processor"] = {{"type", "Fancy"}};
  expect_load_error(j, {"post_processor", "'Fancy'", "TemplateProcessing"});
}

TEST(TokenizerErrors, InvalidRegexNamesPatternAndPath) {
  json j = tiny_tokenizer_json();
  j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed[a-"}}}, {"behavior", "Isolated"}, {"invert", false}};
  expect_load_error(j, {"tiny.json", "pre_tokenizer.pattern.Regex", "invalid regular expression", "(unclosed[a-"});
  j = tiny_tokenizer_json();
  j["normalizer"] = {{"type", "Replace"}, {"pattern", {{"Regex", "a{2,1}"}}}, {"content", ""}};
  expect_load_error(j, {"normalizer.pattern.Regex", "a{2,1}"});
}

TEST(TokenizerErrors, BadSplitSettings) {
  json j = tiny_tokenizer_json();
  j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"String", " "}}}, {"behavior", "Sideways"}};
  expect_load_error(j, {"pre_tokenizer.behavior", "'Sideways'", "MergedWithPrevious"});
  j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Glob", "*"}}}, {"behavior", "Isolated"}};
  expect_load_error(j, {"pre_tokenizer.pattern", "\"String\"", "\"Regex\""});
  j["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "_"}, {"prepend_scheme", "sometimes"}};
  expect_load_error(j, {"pre_tokenizer.prepend_scheme", "'sometimes'", "\"first\""});
}

TEST(TokenizerErrors, MergesThatDoNotFitTheVocabulary) {
  json j = tiny_tokenizer_json();
  j["model"]["merges"] = {"a b", "a c"};
  expect_load_error(j, {"tiny.json", "model.merges[1]", "'c'", "not in model.vocab"});
  j["model"]["merges"] = {"b a"};  // "ba" is not in the vocabulary
  expect_load_error(j, {"model.merges[0]", "'ba'"});
  j["model"]["merges"] = {"a b", "abc"};
  expect_load_error(j, {"model.merges[1]", "one space", "abc"});
  j["model"]["merges"] = json::array({json::array({"a"})});  // not {…}: Clang reads a one-element brace list as a copy
  expect_load_error(j, {"model.merges[0]", "two token strings"});
  j["model"]["merges"] = {42};
  expect_load_error(j, {"model.merges[0]", "42"});
}

TEST(TokenizerErrors, BadVocabularyIds) {
  json j = tiny_tokenizer_json();
  j["model"]["vocab"]["a"] = -1;
  expect_load_error(j, {"model.vocab", "'a'", "-1"});
  j["model"]["vocab"]["a"] = "zero";
  expect_load_error(j, {"model.vocab", "'a'", "\"zero\""});
  j["model"].erase("vocab");
  expect_load_error(j, {"model", "vocab", "missing"});
}

TEST(TokenizerErrors, BadAddedTokensAndTemplates) {
  json j = tiny_tokenizer_json();
  j["added_tokens"][1].erase("content");
  expect_load_error(j, {"added_tokens[1].content", "missing"});
  j = tiny_tokenizer_json();
  j["added_tokens"][0]["id"] = "three";
  expect_load_error(j, {"added_tokens[0].id", "integer"});
  j = tiny_tokenizer_json();
  j["post_processor"]["single"][0]["SpecialToken"]["id"] = "<bos>";
  expect_load_error(j, {"post_processor.single[0].SpecialToken.id", "'<bos>'", "special_tokens"});
  j = tiny_tokenizer_json();
  j["post_processor"]["single"] = json::array({{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}});
  expect_load_error(j, {"post_processor.single", "Sequence"});
}

TEST(TokenizerErrors, IdsOutOfRange) {
  const Tokenizer tok = Tokenizer::from_json(tiny_tokenizer_json().dump(), "tiny.json");
  expect_error([&] { tok.decode(std::vector<std::int32_t>{0, 5}); }, {"decode", "token id 5", "0 to 4"});
  expect_error([&] { tok.decode(std::vector<std::int32_t>{-1}); }, {"decode", "token id -1"});
  expect_error([&] { tok.id_to_piece(99); }, {"id_to_piece", "99"});
  expect_error([&] { tok.decode_one(-3); }, {"-3"});
  mlux::tokenizer::StreamingDetokenizer stream(tok);
  expect_error([&] { stream.push(1000); }, {"token id 1000"});
}

TEST(TokenizerErrors, MissingAndMalformedFiles) {
  const auto dir = mlux::testing::fresh_temp_dir("tokenizer-errors");
  expect_error([&] { Tokenizer::from_dir(dir); }, {"no tokenizer.json", dir.string()});
  expect_error([&] { Tokenizer::from_file(dir / "absent.json"); }, {"cannot open", "absent.json"});
  mlux::testing::write_file(dir / "tokenizer.json", tiny_tokenizer_json().dump());
  mlux::testing::write_file(dir / "tokenizer_config.json", R"({"bos_token": 5})");
  expect_error([&] { Tokenizer::from_dir(dir); }, {"tokenizer_config.json", "bos_token", "5"});
  mlux::testing::write_file(dir / "tokenizer_config.json", R"({"bos_token": "<s>"})");
  mlux::testing::write_file(dir / "generation_config.json", R"({"eos_token_id": [1, "x"]})");
  expect_error([&] { Tokenizer::from_dir(dir); }, {"generation_config.json", "eos_token_id[1]"});
  mlux::testing::write_file(dir / "generation_config.json", "{ not json");
  expect_error([&] { Tokenizer::from_dir(dir); }, {"generation_config.json", "not valid JSON"});
  std::filesystem::remove_all(dir);
}

TEST(TokenizerErrors, InvalidUtf8InputIsReadAsReplacementCharacters) {
  const Tokenizer tok = Tokenizer::from_json(tiny_tokenizer_json().dump(), "tiny.json");
  // The tiny vocabulary has no bytes for U+FFFD, so they are dropped (no unk token): what is
  // left is the valid text around them. The real-tokenizer parity corpus checks the ids.
  EXPECT_EQ(tok.encode("a\xff" "b", {.add_special_tokens = false}), (std::vector<std::int32_t>{0, 1}));
}

}  // namespace
