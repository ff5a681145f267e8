// StreamingDetokenizer: fed the oracle's ids one at a time, the text it emits must add up to
// Hugging Face's decode of all of them, and no piece it emits may split a UTF-8 character.
#include <gtest/gtest.h>

#include "mlux/tokenizer/streaming_detokenizer.h"
#include "mlux/tokenizer/utf8.h"
#include "tokenizer_oracle_data.h"

namespace {

using mlux::testing::same_text;
using mlux::tokenizer::DecodeOptions;
using mlux::tokenizer::StreamingDetokenizer;
using mlux::tokenizer::Tokenizer;

struct Streamed {
  std::string text;
  std::size_t held = 0;          // pushes that returned nothing
  std::string invalid_chunk;     // the first chunk that was not valid UTF-8, if any
};

Streamed stream(const Tokenizer& tok, const std::vector<std::int32_t>& ids, DecodeOptions options) {
  StreamingDetokenizer detok(tok, options);
  Streamed out;
  auto take = [&](const std::string& chunk) {
    if (!mlux::tokenizer::utf8::is_valid(chunk) && out.invalid_chunk.empty()) out.invalid_chunk = chunk;
    out.text += chunk;
  };
  for (std::int32_t id : ids) {
    const std::string chunk = detok.push(id);
    out.held += chunk.empty();
    take(chunk);
  }
  take(detok.finish());
  return out;
}

// Streams ids with and without skipping special tokens; each must add up to the oracle's text.
void expect_stream_matches(const Tokenizer& tok, const std::vector<std::int32_t>& ids, const std::string& decoded,
                           const std::string& decoded_skip_special, const std::string& label) {
  const Streamed plain = stream(tok, ids, {});
  EXPECT_TRUE(same_text(plain.text, decoded)) << label;
  EXPECT_EQ(plain.invalid_chunk, "") << label << ": a chunk split a UTF-8 character";
  const Streamed skipping = stream(tok, ids, {.skip_special_tokens = true});
  EXPECT_TRUE(same_text(skipping.text, decoded_skip_special)) << label << ", skipping special tokens";
}

using StreamingParity = mlux::testing::OracleTest;

TEST_P(StreamingParity, AddsUpToHuggingFacesDecode) {
  for (const auto& c : data_->cases) expect_stream_matches(tok(), c.ids, c.decoded, c.decoded_skip_special, "case '" + c.name + "'");
}

TEST_P(StreamingParity, AddsUpToHuggingFacesDecodeOfArbitraryIds) {
  for (const auto& c : data_->decode_cases)
    expect_stream_matches(tok(), c.ids, c.decoded, c.decoded_skip_special, "decode case '" + c.name + "'");
}

INSTANTIATE_TEST_SUITE_P(Oracle, StreamingParity, ::testing::ValuesIn(mlux::testing::oracle_tokenizer_names()),
                         [](const auto& info) { return info.param; });

// The original mlux decoded each id on its own and concatenated the results, which breaks
// characters that span tokens and SentencePiece spacing. These cases show the difference is
// real (so the parity test above would catch a stream that did the same), and that the stream
// holds back text while a character is incomplete.
class StreamingVersusNaive : public ::testing::Test {
 protected:
  std::string naive(const Tokenizer& tok, const std::vector<std::int32_t>& ids) {
    std::string out;
    for (std::int32_t id : ids) out += tok.decode(std::vector<std::int32_t>{id});
    return out;
  }
};

TEST_F(StreamingVersusNaive, EmojiSplitAcrossByteLevelTokens) {
  auto data = mlux::testing::load_oracle("qwen2_5");
  if (!data) GTEST_SKIP() << mlux::testing::missing_oracle_message("qwen2_5");
  const Tokenizer& tok = mlux::testing::cached_tokenizer(data->tokenizer_json);
  for (const auto& c : data->cases) {
    if (c.name != "emoji_zwj") continue;
    EXPECT_NE(naive(tok, c.ids), c.decoded) << "per-id decoding should mangle ZWJ emoji";
    const Streamed s = stream(tok, c.ids, {});
    EXPECT_EQ(s.text, c.decoded);
    EXPECT_GT(s.held, 0u) << "some ids end mid-character and must be held back";
  }
}

TEST_F(StreamingVersusNaive, SentencePieceSpacesAndByteFallback) {
  auto data = mlux::testing::load_oracle("llama2");  // Mistral-7B: '▁' spaces, <0xHH> byte fallback
  if (!data) GTEST_SKIP() << mlux::testing::missing_oracle_message("llama2");
  const Tokenizer& tok = mlux::testing::cached_tokenizer(data->tokenizer_json);
  for (const auto& c : data->cases) {
    if (c.name != "rare_scripts" && c.name != "ascii_prose") continue;
    EXPECT_NE(naive(tok, c.ids), c.decoded) << "case '" << c.name << "': per-id decoding should lose spaces or characters";
    EXPECT_EQ(stream(tok, c.ids, {}).text, c.decoded) << "case '" << c.name << "'";
  }
}

}  // namespace
