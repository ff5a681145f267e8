// Pre-tokenizers: the tokenizer.json "pre_tokenizer" stage, which splits each normalized piece
// into the words the model sees (HF `pre_tokenizers::PreTokenizerWrapper`). Supported types:
// ByteLevel, Split, Metaspace, Digits, Punctuation, Whitespace, WhitespaceSplit,
// BertPreTokenizer, Sequence. To add one: a class in pre_tokenizers.cpp and a row in its table.
#pragma once

#include <memory>

#include "mlux/tokenizer/pieces.h"

namespace mlux::tokenizer {

class JsonView;

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  /// Splits (and may rewrite) every piece that is not an added token.
  virtual void pre_tokenize(Pieces& pieces) const = 0;
};

/// Builds the pre-tokenizer a tokenizer.json "pre_tokenizer" object describes; throws Error
/// naming the JSON path for unknown types, bad fields and invalid regexes.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonView& json);

}  // namespace mlux::tokenizer
