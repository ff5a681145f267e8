// UTF-8 by Unicode §3.9 Table 3-7. The second byte's allowed range depends on the lead byte
// (E0: A0..BF, ED: 80..9F, F0: 90..BF, F4: 80..8F); all other continuation bytes are 80..BF.
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer::utf8 {
namespace {

struct LeadRule {
  std::size_t length;           // 0: not a lead byte
  unsigned char second_lo, second_hi;
};

LeadRule lead_rule(unsigned char b) {
  if (b < 0x80) return {1, 0, 0};
  if (b < 0xC2) return {0, 0, 0};
  if (b < 0xE0) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b < 0xF0) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b < 0xF4) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// How many bytes from pos form a (possibly incomplete) prefix of a well-formed sequence:
// the "maximal subpart" that Unicode replaces by one U+FFFD. At least 1.
std::size_t valid_prefix_length(std::string_view text, std::size_t pos, const LeadRule& rule) {
  std::size_t n = 1;
  if (rule.length == 0) return 1;
  while (n < rule.length && pos + n < text.size()) {
    const auto b = static_cast<unsigned char>(text[pos + n]);
    const bool ok = n == 1 ? (b >= rule.second_lo && b <= rule.second_hi) : is_continuation(b);
    if (!ok) break;
    ++n;
  }
  return n;
}

}  // namespace

std::size_t sequence_length(std::string_view text, std::size_t pos) {
  const LeadRule rule = lead_rule(static_cast<unsigned char>(text[pos]));
  if (rule.length == 0 || pos + rule.length > text.size()) return 0;
  return valid_prefix_length(text, pos, rule) == rule.length ? rule.length : 0;
}

char32_t decode(std::string_view text, std::size_t& pos) {
  const auto b0 = static_cast<unsigned char>(text[pos]);
  const std::size_t n = length_from_lead(b0);
  char32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[pos + k]) & 0x3F);
  pos += n;
  return cp;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string encode(char32_t cp) {
  std::string s;
  append(s, cp);
  return s;
}

bool is_valid(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::size_t n = sequence_length(text, pos);
    if (n == 0) return false;
    pos += n;
  }
  return true;
}

std::string repair(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = sequence_length(text, pos);
    if (n > 0) {
      out.append(text.substr(pos, n));
      pos += n;
    } else {
      out.append(kReplacementUtf8);
      pos += valid_prefix_length(text, pos, lead_rule(static_cast<unsigned char>(text[pos])));
    }
  }
  return out;
}

std::size_t incomplete_suffix_length(std::string_view text) {
  // A sequence is at most 4 bytes, so only the last 3 bytes can start an unfinished one.
  const std::size_t first = text.size() > 3 ? text.size() - 3 : 0;
  for (std::size_t pos = first; pos < text.size(); ++pos) {
    const LeadRule rule = lead_rule(static_cast<unsigned char>(text[pos]));
    if (rule.length <= 1) continue;
    const std::size_t available = text.size() - pos;
    if (available < rule.length && valid_prefix_length(text, pos, rule) == available) return available;
  }
  return 0;
}

std::size_t count_chars(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char b : text) n += !is_continuation(b);
  return n;
}

}  // namespace mlux::tokenizer::utf8
