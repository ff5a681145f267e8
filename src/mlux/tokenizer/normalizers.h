// Normalizers: the tokenizer.json "normalizer" stage, which rewrites the text of each piece that
// is not an added token before pre-tokenization (HF `normalizers::NormalizerWrapper`).
// Supported types: NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend,
// Sequence. To add one: a class below Normalizer in normalizers.cpp and a row in its table.
#pragma once

#include <memory>
#include <string>

namespace mlux::tokenizer {

class JsonView;

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  /// Rewrites text (valid UTF-8) in place.
  virtual void normalize(std::string& text) const = 0;
};

/// Builds the normalizer a tokenizer.json "normalizer" object describes; throws Error naming
/// the JSON path for unknown types and bad fields.
std::unique_ptr<Normalizer> make_normalizer(const JsonView& json);

}  // namespace mlux::tokenizer
