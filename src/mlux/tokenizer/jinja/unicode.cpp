// Python str semantics over UTF-8 (see unicode.h). Character classes come from utf8proc.
#include "mlux/tokenizer/jinja/unicode.h"

#include <algorithm>

#include <utf8proc.h>

namespace mlux::tokenizer::jinja::unicode {
namespace {

constexpr char32_t kEscapedByteBase = 0xDC00;  // surrogateescape: byte b <-> U+DC00 + b

// Decodes one code point at text[i], advancing i. Invalid or truncated sequences yield one
// escaped byte.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  unsigned char b0 = s[i];
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int extra = b0 >= 0xF5 ? -1 : b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC2 ? 1 : -1;
  if (extra < 0 || i + extra >= n) {
    ++i;
    return kEscapedByteBase + b0;
  }
  char32_t cp = b0 & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    unsigned char b = s[i + k];
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kEscapedByteBase + b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kEscapedByteBase + b0;
  }
  i += extra + 1;
  return cp;
}

template <typename Map>
std::string map_code_points(std::string_view text, Map map) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) append(out, map(next_code_point(text, i)));
  return out;
}

utf8proc_category_t category(char32_t cp) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

bool is_cased(char32_t cp) {
  auto c = category(cp);
  return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT;
}

char32_t to_upper(char32_t cp) { return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(cp))); }
char32_t to_lower(char32_t cp) { return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))); }
char32_t to_title(char32_t cp) { return static_cast<char32_t>(utf8proc_totitle(static_cast<utf8proc_int32_t>(cp))); }

template <typename Predicate>
bool all_code_points(std::string_view text, Predicate predicate) {
  if (text.empty()) return false;
  for (std::size_t i = 0; i < text.size();)
    if (!predicate(next_code_point(text, i))) return false;
  return true;
}

// Python's isupper/islower: at least one cased character, and no cased character of the other kind.
bool has_only_case(std::string_view text, utf8proc_category_t wanted) {
  bool any_cased = false;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = next_code_point(text, i);
    if (!is_cased(cp)) continue;
    if (category(cp) != wanted) return false;
    any_cased = true;
  }
  return any_cased;
}

}  // namespace

std::vector<char32_t> decode(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) out.push_back(next_code_point(text, i));
  return out;
}

void append(std::string& out, char32_t cp) {
  if (cp >= kEscapedByteBase + 0x80 && cp <= kEscapedByteBase + 0xFF) {
    out.push_back(static_cast<char>(cp - kEscapedByteBase));
  } else if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode(const std::vector<char32_t>& cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) append(out, cp);
  return out;
}

std::size_t length(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++n) next_code_point(text, i);
  return n;
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_space(char32_t cp) {
  if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F)) return true;
  if (cp < 0x80) return false;
  switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

std::string_view lstrip(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t next = i;
    if (!is_space(next_code_point(text, next))) break;
    i = next;
  }
  return text.substr(i);
}

std::string_view rstrip(std::string_view text) {
  // Walk forward remembering where the trailing run of whitespace starts (UTF-8 can't be
  // decoded backwards without care, and templates' strings are short).
  std::size_t end = 0;
  for (std::size_t i = 0; i < text.size();) {
    bool space = is_space(next_code_point(text, i));
    if (!space) end = i;
  }
  return text.substr(0, end);
}

std::string_view strip(std::string_view text) { return rstrip(lstrip(text)); }

std::string strip_chars(std::string_view text, std::string_view chars, StripSide side) {
  std::vector<char32_t> cps = decode(text);
  std::vector<char32_t> set = decode(chars);
  auto in_set = [&](char32_t cp) { return std::find(set.begin(), set.end(), cp) != set.end(); };
  std::size_t begin = 0, end = cps.size();
  if (side != StripSide::right)
    while (begin < end && in_set(cps[begin])) ++begin;
  if (side != StripSide::left)
    while (end > begin && in_set(cps[end - 1])) --end;
  return encode(std::vector<char32_t>(cps.begin() + begin, cps.begin() + end));
}

std::string upper(std::string_view text) { return map_code_points(text, to_upper); }
std::string lower(std::string_view text) { return map_code_points(text, to_lower); }

std::string capitalize(std::string_view text) {
  bool first = true;
  return map_code_points(text, [&](char32_t cp) {
    char32_t mapped = first ? to_title(cp) : to_lower(cp);
    first = false;
    return mapped;
  });
}

std::string title(std::string_view text) {
  bool previous_cased = false;
  return map_code_points(text, [&](char32_t cp) {
    char32_t mapped = previous_cased ? to_lower(cp) : to_title(cp);
    previous_cased = is_cased(cp);
    return mapped;
  });
}

bool is_upper_case(std::string_view text) { return has_only_case(text, UTF8PROC_CATEGORY_LU); }
bool is_lower_case(std::string_view text) { return has_only_case(text, UTF8PROC_CATEGORY_LL); }

bool is_alpha(std::string_view text) {
  return all_code_points(text, [](char32_t cp) {
    auto c = category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
  });
}

bool is_digit(std::string_view text) {
  return all_code_points(text, [](char32_t cp) { return category(cp) == UTF8PROC_CATEGORY_ND; });
}

bool is_alnum(std::string_view text) {
  return all_code_points(text, [](char32_t cp) {
    auto c = category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) || c == UTF8PROC_CATEGORY_ND ||
           c == UTF8PROC_CATEGORY_NL || c == UTF8PROC_CATEGORY_NO;
  });
}

bool is_printable(char32_t cp) {
  if (cp == ' ') return true;
  if (cp >= kEscapedByteBase + 0x80 && cp <= kEscapedByteBase + 0xFF) return false;
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: case UTF8PROC_CATEGORY_ZS:
      return false;
    default:
      return true;
  }
}

}  // namespace mlux::tokenizer::jinja::unicode
