// translate_oniguruma: the Oniguruma escapes whose meaning PCRE2 (UTF + UCP) does not share,
// rewritten as explicit classes. Measured against Hugging Face tokenizers 0.23 (Oniguruma):
//   \s  White_Space only (PCRE2 also takes U+180E)
//   \w  letters, marks, all numbers, connector punctuation (PCRE2: letters, numbers, '_')
//   \b  a boundary between those \w characters and the rest
//   \h  a hexadecimal digit (PCRE2: horizontal space)
//   \uHHHH  a code point (PCRE2 spells it \x{HHHH})
// Negated forms (\S \W \H) are rewritten outside brackets; inside a bracket expression they
// cannot be spelled as a set and keep PCRE2's meaning (a difference only for U+180E, marks
// and connector punctuation). Oniguruma's nested brackets and && intersections have no PCRE2
// spelling and are not supported.
#include <string>
#include <string_view>

#include "mlux/tokenizer/regex.h"

namespace mlux::tokenizer {
namespace {

constexpr std::string_view kSpaceMembers =
    "\\t\\n\\x0B\\f\\r\\x20\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
    "\\x{205F}\\x{3000}";
constexpr std::string_view kWordMembers = "\\p{L}\\p{M}\\p{N}\\p{Pc}";
constexpr std::string_view kHexMembers = "0-9a-fA-F";

// The set for escape letter e, or empty when e is not one we rewrite.
std::string_view members_for(char e) {
  switch (e) {
    case 's': case 'S': return kSpaceMembers;
    case 'w': case 'W': return kWordMembers;
    case 'h': case 'H': return kHexMembers;
    default: return {};
  }
}

std::string word_boundary(bool negated) {
  const std::string w = "[" + std::string(kWordMembers) + "]";
  const std::string at = "(?<=" + w + ")(?!" + w + ")|(?<!" + w + ")(?=" + w + ")";
  return negated ? "(?!" + at + ")" : "(?:" + at + ")";
}

bool is_hex4(std::string_view s) {
  if (s.size() < 4) return false;
  for (char c : s.substr(0, 4))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

// Copies an escape that we leave alone, with its braces (\p{..}, \x{..}) if it has them.
std::size_t copy_escape(std::string_view p, std::size_t i, std::string& out) {
  out += p[i];
  if (i + 1 >= p.size()) return i + 1;
  out += p[i + 1];
  std::size_t j = i + 2;
  if (j < p.size() && p[j] == '{' && (p[i + 1] == 'p' || p[i + 1] == 'P' || p[i + 1] == 'x')) {
    while (j < p.size() && p[j] != '}') out += p[j++];
    if (j < p.size()) out += p[j++];
  }
  return j;
}

}  // namespace

std::string translate_oniguruma(std::string_view p) {
  std::string out;
  out.reserve(p.size() * 2);
  bool in_class = false;      // inside a bracket expression, as PCRE2 parses it (no nesting)
  bool class_start = false;   // just after '[' or '[^', where ']' is a literal
  for (std::size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char e = p[i + 1];
      const std::string_view members = members_for(e);
      const bool negated = e == 'S' || e == 'W' || e == 'H';
      if (!members.empty() && !in_class) {
        out += negated ? "[^" : "[";
        out += members;
        out += ']';
        i += 2;
      } else if (!members.empty() && !negated) {
        out += members;
        i += 2;
      } else if ((e == 'b' || e == 'B') && !in_class) {
        out += word_boundary(e == 'B');
        i += 2;
      } else if (e == 'u' && is_hex4(p.substr(i + 2))) {
        out.append("\\x{").append(p.substr(i + 2, 4)).append("}");
        i += 6;
      } else {
        i = copy_escape(p, i, out);
      }
      class_start = false;
      continue;
    }
    if (c == '[' && in_class && i + 1 < p.size() && p[i + 1] == ':') {
      const std::size_t close = p.find(":]", i + 2);  // POSIX class like [:alpha:]
      if (close != std::string_view::npos) {
        out.append(p.substr(i, close + 2 - i));
        i = close + 2;
        class_start = false;
        continue;
      }
    }
    out += c;
    ++i;
    if (c == '[' && !in_class) {
      in_class = true;
      class_start = true;
      if (i < p.size() && p[i] == '^') out += p[i++];
      continue;
    }
    if (c == ']' && in_class && !class_start) in_class = false;
    class_start = false;
  }
  return out;
}

}  // namespace mlux::tokenizer
