// Regex: a compiled PCRE2 pattern (UTF + UCP, JIT-compiled when the platform allows) that reads
// patterns in the Oniguruma dialect Hugging Face `tokenizers` uses, so the patterns found in
// tokenizer.json work as written. Differences between the dialects are bridged by
// translate_oniguruma (regex_dialect.cpp); everything else is PCRE2 syntax, which agrees with
// Oniguruma's for the constructs tokenizers use (\p{..}, lookahead, (?i:..), possessive-free).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mlux::tokenizer {

/// A half-open byte range [begin, end) of some text.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const Span&) const = default;
};

class Regex {
 public:
  /// Compiles a pattern written for Oniguruma. `where` names its origin for error messages
  /// (e.g. "tokenizer.json: pre_tokenizer.pattern.Regex"). Throws Error on an invalid pattern.
  static Regex compile(std::string_view pattern, std::string_view where);

  /// A pattern that matches `text` literally.
  static Regex literal(std::string_view text, std::string_view where);

  /// Appends every match in `text` (valid UTF-8) to `out`, left to right, the way HF's
  /// find_iter yields them: after a match ending at e the search resumes at e, and an empty
  /// match at e is skipped (the search moves one character on), so empty matches can still
  /// appear elsewhere and act as split points.
  void find_all(std::string_view text, std::vector<Span>& out) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Code;
  Regex(std::shared_ptr<const Code> code, std::string pattern);

  std::shared_ptr<const Code> code_;
  std::string pattern_;  // as written in tokenizer.json
};

/// Rewrites an Oniguruma (Ruby syntax) pattern into PCRE2 syntax with the same meaning for the
/// escapes whose meaning differs: \s (Oniguruma: White_Space only), \w and \b (Oniguruma: letters,
/// marks, numbers, connector punctuation), \h (Oniguruma: hex digit). Exposed for tests.
std::string translate_oniguruma(std::string_view pattern);

}  // namespace mlux::tokenizer
