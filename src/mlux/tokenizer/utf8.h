// UTF-8 encoding, decoding and repair, by the rules of Unicode §3.9 (Table 3-7, well-formed byte
// sequences). Tokenizer input is repaired once at the door (ill-formed bytes become U+FFFD, as
// Python's errors="replace" and Rust's from_utf8_lossy do); past that point every stage may
// assume valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mlux::tokenizer::utf8 {

inline constexpr char32_t kReplacementChar = 0xFFFD;
inline constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";

/// Bytes in the well-formed sequence that starts at text[pos], or 0 when none starts there.
std::size_t sequence_length(std::string_view text, std::size_t pos);

/// Bytes in the UTF-8 sequence whose lead byte is `lead` (1 for ASCII and for stray bytes).
/// Only for text already known to be valid.
constexpr std::size_t length_from_lead(unsigned char lead) {
  return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

/// Decodes the code point at text[pos] (valid UTF-8 required) and moves pos past it.
char32_t decode(std::string_view text, std::size_t& pos);

/// Appends the UTF-8 encoding of cp.
void append(std::string& out, char32_t cp);

/// The UTF-8 encoding of cp.
std::string encode(char32_t cp);

bool is_valid(std::string_view text);

/// text with each maximal ill-formed subpart replaced by U+FFFD (Rust's String::from_utf8_lossy).
std::string repair(std::string_view text);

/// Length of a trailing sequence that is a proper prefix of a well-formed one, i.e. bytes that
/// more input could still complete (0 when text ends on a character boundary). For streaming.
std::size_t incomplete_suffix_length(std::string_view text);

/// Number of code points in valid UTF-8 text.
std::size_t count_chars(std::string_view text);

}  // namespace mlux::tokenizer::utf8
