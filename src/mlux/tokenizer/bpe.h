// BpeModel: the tokenizer.json "model" of type BPE, in both flavours the supported models use:
// byte-level (GPT-2, Llama 3, Qwen, Mistral-Nemo: words arrive spelled in the byte-level
// alphabet) and SentencePiece-style (Gemma, Mistral-7B: '▁' for spaces, `byte_fallback` to
// <0xXX> tokens for characters outside the vocabulary, `unk_token` with `fuse_unk`).
//
// A word becomes ids as in HF `models/bpe`: with `ignore_merges`, a word that is itself in the
// vocabulary is one token; otherwise each character is a symbol (prefix/suffix added when
// configured; unknown characters fall back to bytes or to the unknown token), then the adjacent
// pair with the lowest merge rank is merged, leftmost first on ties, until no rule applies.
//
// SentencePiece-style tokenizers without a pre-tokenizer (Mistral-7B, Llama 2) hand BPE the
// whole text as one word. Such a word is cut before each '▁' whose preceding character never
// precedes '▁' inside a vocabulary token: no token can span that cut, so no merge crosses it
// and BPE on the pieces gives the same ids, while the pieces are short and hit the word cache.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mlux/tokenizer/merge_table.h"
#include "mlux/tokenizer/tokenizer_json.h"
#include "mlux/tokenizer/vocab.h"
#include "mlux/tokenizer/word_cache.h"

namespace mlux::tokenizer {

class JsonView;

struct BpeOptions {
  std::optional<std::string> unk_token;
  std::string continuing_subword_prefix;  // "" = none
  std::string end_of_word_suffix;         // "" = none
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
};

class BpeModel {
 public:
  /// Builds the tokenizer.json "model" (type BPE) from its JSON node and the vocab and merges
  /// read out of it; throws Error naming the JSON path.
  static std::unique_ptr<BpeModel> from_json(const JsonView& model, ModelTables tables);

  BpeModel(Vocab vocab, MergeTable merges, BpeOptions options);

  /// Appends the ids of one word (a pre-tokenized piece, valid UTF-8) to ids.
  void tokenize(std::string_view word, std::vector<std::int32_t>& ids) const;

  const Vocab& vocab() const { return vocab_; }
  const BpeOptions& options() const { return options_; }

 private:
  struct Symbol {
    std::int32_t id;
    std::int32_t prev;  // index of the previous live symbol, -1 at the start
    std::int32_t next;  // index of the next live symbol, -1 at the end
    bool live;
  };

  void tokenize_piece(std::string_view word, std::vector<std::int32_t>& ids) const;
  void initial_symbols(std::string_view word, std::vector<Symbol>& symbols) const;
  std::optional<std::int32_t> char_id(std::string_view word, std::size_t begin, std::size_t end) const;
  void merge_all(std::vector<Symbol>& symbols) const;
  std::int32_t unk_id(std::string_view word) const;

  Vocab vocab_;
  MergeTable merges_;
  BpeOptions options_;
  std::optional<std::int32_t> unk_id_;
  std::array<std::int32_t, 256> byte_ids_{};  // id of "<0xXX>" per byte, -1 when missing
  std::vector<std::int32_t> bmp_char_ids_;     // id of each one-character token below U+10000, or -1
  bool cut_before_marker_ = false;             // the vocabulary has '▁'
  std::unordered_set<char32_t> glued_to_marker_;  // characters some token has right before a '▁'
  mutable WordCache cache_;
};

}  // namespace mlux::tokenizer
