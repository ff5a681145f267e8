// UTF-8 text as Python's str sees it: code points, not bytes. Jinja templates index, slice, measure
// and case-map strings with Python's rules, so these helpers decode UTF-8 and apply them.
// Case mapping is utf8proc's one-to-one mapping (Python's full mapping turns 'ß' into 'SS'; see
// docs/chat-templates.md). Bytes that are not valid UTF-8 never make these functions fail: like
// Python's "surrogateescape", each becomes one code point U+DC80..U+DCFF and encodes back to itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlux::tokenizer::jinja::unicode {

/// The code points of `text`; encode(decode(s)) == s for any bytes s.
[[nodiscard]] std::vector<char32_t> decode(std::string_view text);

/// Appends the UTF-8 encoding of `cp` to `out`.
void append(std::string& out, char32_t cp);
[[nodiscard]] std::string encode(const std::vector<char32_t>& cps);

/// Number of code points (Python's len(str)).
[[nodiscard]] std::size_t length(std::string_view text);

/// True when every byte is ASCII, so byte and code point positions agree.
[[nodiscard]] bool is_ascii(std::string_view text);

/// Python's str.isspace() for one code point.
[[nodiscard]] bool is_space(char32_t cp);

/// Python's str.strip()/lstrip()/rstrip() without arguments (Unicode whitespace).
[[nodiscard]] std::string_view strip(std::string_view text);
[[nodiscard]] std::string_view lstrip(std::string_view text);
[[nodiscard]] std::string_view rstrip(std::string_view text);

/// Python's str.strip(chars) family: removes any of the code points in `chars`.
enum class StripSide { both, left, right };
[[nodiscard]] std::string strip_chars(std::string_view text, std::string_view chars, StripSide side);

[[nodiscard]] std::string upper(std::string_view text);
[[nodiscard]] std::string lower(std::string_view text);
/// Python's str.capitalize(): first code point title-cased, the rest lower-cased.
[[nodiscard]] std::string capitalize(std::string_view text);
/// Python's str.title(): each run of cased letters starts title-cased, continues lower-cased.
[[nodiscard]] std::string title(std::string_view text);

[[nodiscard]] bool is_upper_case(std::string_view text);  // Python str.isupper()
[[nodiscard]] bool is_lower_case(std::string_view text);  // Python str.islower()
[[nodiscard]] bool is_alpha(std::string_view text);       // Python str.isalpha()
[[nodiscard]] bool is_digit(std::string_view text);       // Python str.isdigit() (decimal digits)
[[nodiscard]] bool is_alnum(std::string_view text);       // Python str.isalnum()

/// Python's str.isprintable() for one code point (decides what repr() escapes).
[[nodiscard]] bool is_printable(char32_t cp);

}  // namespace mlux::tokenizer::jinja::unicode
