// Building blocks of the tokenizer, checked against facts stated by their specifications
// (Unicode §3.9 for UTF-8 repair, the GPT-2 byte table) and against Oniguruma behaviour
// observed through Hugging Face tokenizers (regex escapes, empty matches).
#include <gtest/gtest.h>

#include "mlux/error.h"
#include "mlux/tokenizer/byte_level.h"
#include "mlux/tokenizer/regex.h"
#include "mlux/tokenizer/token_trie.h"
#include "mlux/tokenizer/utf8.h"

namespace {

namespace utf8 = mlux::tokenizer::utf8;
namespace byte_level = mlux::tokenizer::byte_level;
using mlux::tokenizer::Regex;
using mlux::tokenizer::Span;

const std::string kFFFD = "\xEF\xBF\xBD";

TEST(Utf8, RepairReplacesEachMaximalIllFormedSubpart) {
  EXPECT_EQ(utf8::repair("a\xFF" "b"), "a" + kFFFD + "b");
  EXPECT_EQ(utf8::repair("\xE2\x82" "x"), kFFFD + "x");                 // truncated 3-byte sequence: one
  EXPECT_EQ(utf8::repair("\xED\xA0\x80"), kFFFD + kFFFD + kFFFD);        // surrogate: ED alone is the subpart
  EXPECT_EQ(utf8::repair("\xC0\xAF"), kFFFD + kFFFD);                    // overlong
  EXPECT_EQ(utf8::repair("\xF4\x90\x80\x80"), kFFFD + kFFFD + kFFFD + kFFFD);  // above U+10FFFF
  EXPECT_EQ(utf8::repair("\xF0\x9F\x98"), kFFFD);
  EXPECT_EQ(utf8::repair("ok \xE2\x82\xAC"), "ok \xE2\x82\xAC");
  EXPECT_FALSE(utf8::is_valid("\xC3"));
  EXPECT_TRUE(utf8::is_valid("\xF0\x9F\x98\x80"));
}

TEST(Utf8, IncompleteSuffixCountsBytesMoreInputCouldComplete) {
  EXPECT_EQ(utf8::incomplete_suffix_length("a\xE2\x82"), 2u);
  EXPECT_EQ(utf8::incomplete_suffix_length("a\xE2\x82\xAC"), 0u);
  EXPECT_EQ(utf8::incomplete_suffix_length("a\xF0\x9F\x98"), 3u);
  EXPECT_EQ(utf8::incomplete_suffix_length("a\xFF"), 0u);
  EXPECT_EQ(utf8::incomplete_suffix_length("a\xE0\x80"), 0u);  // E0 80 can never be completed
}

TEST(ByteLevel, TableIsGpt2s) {
  EXPECT_EQ(byte_level::char_for_byte(' '), U'\u0120');
  EXPECT_EQ(byte_level::char_for_byte('\n'), U'\u010A');
  EXPECT_EQ(byte_level::char_for_byte(0), U'\u0100');
  EXPECT_EQ(byte_level::char_for_byte(0x7F), U'\u0121');
  EXPECT_EQ(byte_level::char_for_byte(0xA0), U'\u0142');
  EXPECT_EQ(byte_level::char_for_byte(0xAD), U'\u0143');
  EXPECT_EQ(byte_level::char_for_byte('A'), U'A');
  EXPECT_EQ(byte_level::char_for_byte(0xE9), U'\u00E9');
  for (int b = 0; b < 256; ++b) EXPECT_EQ(byte_level::byte_for_char(byte_level::char_for_byte(static_cast<std::uint8_t>(b))), b);
  std::string bytes;
  EXPECT_TRUE(byte_level::append_decoded(bytes, "\xC4\xA0hi"));  // "Ġhi"
  EXPECT_EQ(bytes, " hi");
  EXPECT_FALSE(byte_level::append_decoded(bytes, "\xE2\x96\x81"));  // '▁' is not in the table
  EXPECT_EQ(bytes, " hi");
}

std::vector<Span> matches(const std::string& pattern, const std::string& text) {
  std::vector<Span> out;
  Regex::compile(pattern, "test").find_all(text, out);
  return out;
}

// Oniguruma's \s is White_Space: U+0085 yes, U+180E no (PCRE2's own \s takes U+180E).
TEST(Regex, SpaceEscapeIsWhiteSpace) {
  EXPECT_EQ(matches(R"(\s)", "a\u0085b").size(), 1u);
  EXPECT_TRUE(matches(R"(\s)", "a\u180Eb").empty());
  EXPECT_TRUE(matches(R"([\s])", "a\u180Eb").empty());
  EXPECT_EQ(matches(R"(\S+)", "a\u180Eb").size(), 1u);
}

// Oniguruma's \w takes marks, every number and connector punctuation, not just [\p{L}\p{N}_].
TEST(Regex, WordEscapeTakesMarksNumbersAndConnectors) {
  EXPECT_EQ(matches(R"(\w+)", "a_b\u00B2c\u0301d\u203Fe\u2160f"), (std::vector<Span>{{0, 17}}));
  EXPECT_EQ(matches(R"(\w+)", "f\u200Dg").size(), 2u);  // ZWJ is not a word character
  EXPECT_EQ(matches(R"(\bx)", "ax x"), (std::vector<Span>{{3, 4}}));
}

TEST(Regex, HexDigitEscapeAndLineAnchors) {
  EXPECT_EQ(matches(R"(\h+)", "ab12 fg"), (std::vector<Span>{{0, 4}, {5, 6}}));
  EXPECT_EQ(matches("$", "ab\ncd\n"), (std::vector<Span>{{2, 2}, {5, 5}, {6, 6}}));
}

TEST(Regex, RubyStyleCodePointEscapes) {
  EXPECT_EQ(matches(R"([\u0041-\u0043]+)", "xABCDx"), (std::vector<Span>{{1, 4}}));
  EXPECT_EQ(matches(R"(\u4e00)", "a\u4e00b"), (std::vector<Span>{{1, 4}}));
}

// After a match ending at e, an empty match at e is skipped (as HF's find_iter does).
TEST(Regex, EmptyMatchesRightAfterAMatchAreSkipped) {
  EXPECT_EQ(matches("a*", "baac"), (std::vector<Span>{{0, 0}, {1, 3}, {4, 4}}));
  EXPECT_EQ(matches("x*", ""), (std::vector<Span>{{0, 0}}));
}

TEST(Regex, InvalidPatternSaysWhereAndWhat) {
  try {
    Regex::compile("a(b", "tokenizer.json: pre_tokenizer.pattern.Regex");
    FAIL() << "expected mlux::Error";
  } catch (const mlux::Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("pre_tokenizer.pattern.Regex"), std::string::npos) << m;
    EXPECT_NE(m.find("'a(b'"), std::string::npos) << m;
    EXPECT_NE(m.find("missing closing parenthesis"), std::string::npos) << m;
  }
}

TEST(Regex, LiteralMatchesMetacharactersAsText) {
  EXPECT_EQ(Regex::literal("a.b*", "test").pattern(), "a.b*");
  std::vector<Span> out;
  Regex::literal("a.b*", "test").find_all("xa.b*ya-b", out);
  EXPECT_EQ(out, (std::vector<Span>{{1, 5}}));
}

TEST(TokenTrie, FindsTheLongestKeyAtAPosition) {
  mlux::tokenizer::TokenTrie trie;
  trie.insert("<a>", 1);
  trie.insert("<ab>", 2);
  trie.insert("b", 3);
  EXPECT_EQ(trie.longest_at("<ab>x", 0).length, 4u);
  EXPECT_EQ(trie.longest_at("<ab>x", 0).value, 2);
  EXPECT_EQ(trie.longest_at("<a>", 0).value, 1);
  EXPECT_EQ(trie.longest_at("<ac>", 0).length, 0u);
  EXPECT_EQ(trie.longest_at("xb", 1).value, 3);
}

}  // namespace
