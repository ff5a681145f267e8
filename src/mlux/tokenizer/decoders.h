// Decoders: the tokenizer.json "decoder" stage, which turns token strings back into text (HF
// `decoders`). Each decoder rewrites the list of token strings (HF decode_chain); the results
// are concatenated. Supported types: ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace,
// Sequence. To add one: a class in decoders.cpp and a row in its table.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace mlux::tokenizer {

class JsonView;

/// Where the tokens being decoded sit in the text.
struct DecodeContext {
  /// True for a whole decode. False when showing one token as it reads inside a text
  /// (Tokenizer::decode_one): SentencePiece's removal of the text's leading space is skipped.
  bool at_text_start = true;
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens, const DecodeContext& context) const = 0;
};

/// Builds the decoder a tokenizer.json "decoder" object describes; throws Error naming the
/// JSON path for unknown types and bad fields.
std::unique_ptr<Decoder> make_decoder(const JsonView& json);

}  // namespace mlux::tokenizer
