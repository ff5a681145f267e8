// Unicode classes and transforms over utf8proc (see unicode.h for which Rust definition each
// one mirrors).
#include "mlux/tokenizer/unicode.h"

#include <cstdlib>
#include <memory>

#include <utf8proc.h>

#include "mlux/error.h"
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer::unicode {
namespace {

utf8proc_category_t category(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

}  // namespace

bool is_whitespace(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool is_punctuation(char32_t c) {
  if (c < 0x80) return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
                       (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  const auto cat = category(c);
  return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
}

bool is_numeric(char32_t c) {
  const auto cat = category(c);
  return cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO;
}

bool is_word_char(char32_t c) {
  if (c == 0x200C || c == 0x200D) return true;  // Join_Control
  const auto cat = category(c);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ND) ||
         cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_PC;
}

bool is_mark(char32_t c) {
  const auto cat = category(c);
  return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

void append_lowercase(std::string& out, char32_t c) {
  if (c == 0x0130) {  // the one unconditional multi-char lowercase mapping (SpecialCasing.txt)
    out += "i\xCC\x87";
    return;
  }
  utf8::append(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
}

namespace {

std::string normalize_segment(std::string_view text, NormalizationForm form) {
  int options = UTF8PROC_STABLE;
  switch (form) {
    case NormalizationForm::nfc: options |= UTF8PROC_COMPOSE; break;
    case NormalizationForm::nfd: options |= UTF8PROC_DECOMPOSE; break;
    case NormalizationForm::nfkc: options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT; break;
    case NormalizationForm::nfkd: options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT; break;
  }
  utf8proc_uint8_t* raw = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                          static_cast<utf8proc_ssize_t>(text.size()), &raw,
                                          static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(raw, &std::free);
  if (n < 0) fail("unicode normalization: utf8proc failed (", utf8proc_errmsg(n), ") on valid UTF-8 input");
  return std::string(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(n));
}

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }

}  // namespace

// Every form leaves ASCII alone, and an ASCII character never combines with what precedes it,
// so normalization may be cut before any ASCII character. Only the runs of non-ASCII text (with
// the character before each, which a combining mark may attach to) go through utf8proc.
std::string normalize(std::string_view text, NormalizationForm form) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t run = pos;
    while (run < text.size() && is_ascii(text[run])) ++run;
    if (run == text.size()) break;
    const std::size_t begin = run > pos ? run - 1 : run;  // the base a leading mark attaches to
    std::size_t end = run;
    while (end < text.size() && !is_ascii(text[end])) ++end;
    out.append(text.substr(pos, begin - pos));
    out.append(normalize_segment(text.substr(begin, end - begin), form));
    pos = end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace mlux::tokenizer::unicode
