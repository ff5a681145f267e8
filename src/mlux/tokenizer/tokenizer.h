// Tokenizer: text <-> token ids for a model, read from its Hugging Face tokenizer.json (the
// source of truth, matched id for id against the `tokenizers` library) plus the side files in
// its directory (tokenizer_config.h). Supported: BPE models, byte-level and SentencePiece-style;
// see docs/tokenizer.md for the full list and the known differences.
//
//   auto tok = mlux::tokenizer::Tokenizer::from_dir("models/Qwen2.5-0.5B");
//   std::vector<int32_t> ids = tok.encode("Hello world");             // with special tokens
//   std::string text = tok.decode(ids, {.skip_special_tokens = true});
//
// A Tokenizer is a cheap handle (copies share one immutable model) and every method is const
// and thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlux/tokenizer/tokenizer_config.h"

namespace mlux::tokenizer {

struct EncodeOptions {
  /// Run the post-processor, which adds the model's special tokens (e.g. BOS for Llama 3,
  /// Gemma, Mistral). False gives the bare text tokens, as for an already-templated prompt.
  bool add_special_tokens = true;
};

struct DecodeOptions {
  /// Leave out tokens marked special in added_tokens (BOS, EOS, chat markers).
  bool skip_special_tokens = false;
  /// transformers' clean-up after decoding: no space before . , ! ? and in contractions
  /// ("do n't" -> "don't"). Off by default, as in the `tokenizers` library;
  /// Tokenizer::clean_up_tokenization_spaces() says what the model's config asks for.
  bool clean_up_tokenization_spaces = false;
};

class Tokenizer {
 public:
  /// Loads dir/tokenizer.json and the optional side files in dir. Throws Error when
  /// tokenizer.json is missing or malformed (naming the file, the JSON path and the value).
  static Tokenizer from_dir(const std::filesystem::path& dir);
  /// Loads a tokenizer.json; side files are read from its directory when present.
  static Tokenizer from_file(const std::filesystem::path& tokenizer_json);
  /// Parses tokenizer.json text (no side files). `name` stands for the file in messages.
  static Tokenizer from_json(std::string_view tokenizer_json, std::string_view name = "tokenizer.json");

  /// Token ids for text. Bytes that are not valid UTF-8 are read as U+FFFD.
  std::vector<std::int32_t> encode(std::string_view text, EncodeOptions options = {}) const;

  /// Text for ids, through the tokenizer.json decoder. Throws Error for an id no token has.
  std::string decode(std::span<const std::int32_t> ids, DecodeOptions options = {}) const;

  /// One token's text as it reads inside a text, for display: SentencePiece's "▁the" shows as
  /// " the" (decode would strip the text-initial space); an incomplete UTF-8 byte shows as U+FFFD.
  std::string decode_one(std::int32_t id) const;

  /// The vocabulary string of a token ("Ġthe", "▁the", "<|eot_id|>").
  const std::string& id_to_piece(std::int32_t id) const;
  /// The id of a vocabulary string, added tokens included.
  std::optional<std::int32_t> token_to_id(std::string_view piece) const;

  /// One past the largest token id (model vocabulary and added tokens).
  std::int32_t vocab_size() const;
  /// Whether the token is marked special in added_tokens.
  bool is_special(std::int32_t id) const;

  /// The id of the config's bos_token, if the model has one.
  std::optional<std::int32_t> bos_id() const;
  /// Every id that ends generation: the config's eos_token and the eos_token_id entries of
  /// generation_config.json and config.json.
  const std::set<std::int32_t>& eos_ids() const;
  bool is_eos(std::int32_t id) const { return eos_ids().contains(id); }

  /// The original mlux BOS rule: ids with BOS put in front, unless they already start with it
  /// (or the model has no BOS).
  std::vector<std::int32_t> with_bos(std::span<const std::int32_t> ids) const;

  /// The special-token strings (bos_token, eos_token, ...) as the config names them.
  const SpecialTokens& special_tokens() const;
  /// The model's chat template (tokenizer_config.json or chat_template.jinja), if any.
  const std::optional<std::string>& chat_template() const;
  /// The config's clean_up_tokenization_spaces, for callers that want transformers' decode.
  bool clean_up_tokenization_spaces() const;

  struct Impl;

 private:
  explicit Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace mlux::tokenizer
