// AddedVocabulary: tokenizer.json "added_tokens" (special tokens such as <|im_start|> and other
// added tokens), which are cut out of the text before anything else runs (HF
// `tokenizer/added_vocabulary.rs`). Tokens with `normalized: false` match the raw input; those
// with `normalized: true` match each remaining piece after the normalizer, in normalized form.
// Matching is leftmost-longest; `single_word` rejects a match with a word character on either
// side; `lstrip`/`rstrip` absorb the whitespace on that side into the token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mlux/tokenizer/pieces.h"
#include "mlux/tokenizer/token_trie.h"
#include "mlux/tokenizer/vocab.h"

namespace mlux::tokenizer {

class JsonView;
class Normalizer;

struct AddedToken {
  std::int32_t id = -1;
  std::string content;
  /// What the token reads as: its content, or for a `normalized` token the content after the
  /// normalizer (HF matches that in normalized text and hands it to the decoder).
  std::string piece;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
  bool special = false;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  /// Reads the "added_tokens" array. Ids are assigned as HF assigns them when it loads the
  /// file, not taken from the "id" fields: a token already in the model vocabulary gets that
  /// id, a new one the next free id after the vocabulary. (They agree for files HF wrote.)
  /// The normalizer (may be null) spells the patterns of `normalized: true` tokens.
  static AddedVocabulary from_json(const JsonView& added_tokens, const Vocab& model_vocab, const Normalizer* normalizer);

  const std::vector<AddedToken>& tokens() const { return tokens_; }
  const AddedToken* find(std::int32_t id) const;
  std::optional<std::int32_t> find(std::string_view content) const;

  /// Cuts input into added-token pieces and normalized text pieces (HF extract_and_normalize).
  void extract_and_normalize(std::string_view input, const Normalizer* normalizer, Pieces& out) const;

 private:
  struct Match {
    Span span;
    std::int32_t id;
  };
  void find_matches(std::string_view text, const TokenTrie& trie, std::vector<Match>& out) const;
  void split(const Piece& piece, const TokenTrie& trie, Pieces& out) const;
  void add(AddedToken token, const Vocab& model_vocab, const Normalizer* normalizer);

  std::vector<AddedToken> tokens_;
  std::unordered_map<std::int32_t, std::size_t> index_by_id_;
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> id_by_content_;
  std::int32_t largest_id_ = -1;
  TokenTrie raw_trie_;         // normalized: false
  TokenTrie normalized_trie_;  // normalized: true, in normalized spelling
};

}  // namespace mlux::tokenizer
