// Parity with Hugging Face `tokenizers`: for every tokenizer the oracle covers (the pinned real
// ones and the variants), every corpus case must encode to exactly the oracle's ids, with and
// without special tokens, and decode to exactly the oracle's text (skipping special tokens or
// not). Expected values come only from the oracle (tests/oracle/tokenizer_oracle.mjs).
#include <gtest/gtest.h>

#include "mlux/tokenizer/tokenizer.h"
#include "tokenizer_oracle_data.h"

namespace {

using mlux::testing::describe_id_difference;
using mlux::testing::same_text;

using TokenizerParity = mlux::testing::OracleTest;

TEST_P(TokenizerParity, EncodesLikeHuggingFace) {
  for (const auto& c : data_->cases) {
    const std::string with = describe_id_difference(tok(), tok().encode(c.text), c.ids);
    EXPECT_TRUE(with.empty()) << "case '" << c.name << "', with special tokens: " << with;
    const std::string without = describe_id_difference(tok(), tok().encode(c.text, {.add_special_tokens = false}), c.ids_no_special);
    EXPECT_TRUE(without.empty()) << "case '" << c.name << "', without special tokens: " << without;
  }
}

TEST_P(TokenizerParity, DecodesLikeHuggingFace) {
  for (const auto& c : data_->cases) {
    EXPECT_TRUE(same_text(tok().decode(c.ids), c.decoded)) << "case '" << c.name << "'";
    EXPECT_TRUE(same_text(tok().decode(c.ids, {.skip_special_tokens = true}), c.decoded_skip_special))
        << "case '" << c.name << "', skipping special tokens";
    EXPECT_TRUE(same_text(tok().decode(c.ids_no_special), c.decoded_no_special))
        << "case '" << c.name << "', encoded without special tokens";
  }
}

TEST_P(TokenizerParity, DecodesArbitraryIdsLikeHuggingFace) {
  for (const auto& c : data_->decode_cases) {
    EXPECT_TRUE(same_text(tok().decode(c.ids), c.decoded)) << "decode case '" << c.name << "'";
    EXPECT_TRUE(same_text(tok().decode(c.ids, {.skip_special_tokens = true}), c.decoded_skip_special))
        << "decode case '" << c.name << "', skipping special tokens";
  }
}

TEST_P(TokenizerParity, HasHuggingFacesVocabularySize) {
  // HF counts tokens (model vocabulary plus added tokens not in it); mlux counts ids (one past the
  // largest). They agree when the ids have no holes, which holds for every tokenizer here.
  EXPECT_EQ(tok().vocab_size(), data_->vocab_size);
}

INSTANTIATE_TEST_SUITE_P(Oracle, TokenizerParity, ::testing::ValuesIn(mlux::testing::oracle_tokenizer_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
