// Python str operations over UTF-8 (see text.h). Byte-level searching is safe: a valid UTF-8
// needle only matches at code point boundaries.
#include "mlux/tokenizer/jinja/text.h"

#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer::jinja::text {

std::string replace(std::string_view s, std::string_view old, std::string_view replacement, std::int64_t count) {
  std::string out;
  if (old.empty()) {
    std::vector<char32_t> cps = unicode::decode(s);
    std::int64_t done = 0;
    for (std::size_t i = 0; i <= cps.size(); ++i) {
      if (count < 0 || done < count) {
        out += replacement;
        ++done;
      }
      if (i < cps.size()) unicode::append(out, cps[i]);
    }
    return out;
  }
  std::size_t pos = 0;
  for (std::int64_t done = 0; count < 0 || done < count; ++done) {
    std::size_t hit = s.find(old, pos);
    if (hit == std::string_view::npos) break;
    out.append(s.substr(pos, hit - pos));
    out.append(replacement);
    pos = hit + old.size();
  }
  out.append(s.substr(pos));
  return out;
}

std::vector<std::string> split(std::string_view s, std::string_view sep, std::int64_t maxsplit) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (std::int64_t done = 0; maxsplit < 0 || done < maxsplit; ++done) {
    std::size_t hit = s.find(sep, pos);
    if (hit == std::string_view::npos) break;
    out.emplace_back(s.substr(pos, hit - pos));
    pos = hit + sep.size();
  }
  out.emplace_back(s.substr(pos));
  return out;
}

std::vector<std::string> rsplit(std::string_view s, std::string_view sep, std::int64_t maxsplit) {
  std::vector<std::string> reversed;
  std::size_t end = s.size();
  for (std::int64_t done = 0; maxsplit < 0 || done < maxsplit; ++done) {
    if (end < sep.size()) break;
    std::size_t hit = s.rfind(sep, end - sep.size());
    if (hit == std::string_view::npos) break;
    reversed.emplace_back(s.substr(hit + sep.size(), end - hit - sep.size()));
    end = hit;
  }
  reversed.emplace_back(s.substr(0, end));
  return {reversed.rbegin(), reversed.rend()};
}

std::vector<std::string> split_whitespace(std::string_view s, std::int64_t maxsplit) {
  std::vector<std::string> out;
  std::vector<char32_t> cps = unicode::decode(s);
  std::size_t i = 0;
  while (i < cps.size()) {
    while (i < cps.size() && unicode::is_space(cps[i])) ++i;
    if (i == cps.size()) break;
    if (maxsplit >= 0 && static_cast<std::int64_t>(out.size()) == maxsplit) {
      // The remainder, with its trailing whitespace stripped, is the last item.
      std::string rest = unicode::encode(std::vector<char32_t>(cps.begin() + i, cps.end()));
      out.emplace_back(unicode::rstrip(rest));
      return out;
    }
    std::size_t start = i;
    while (i < cps.size() && !unicode::is_space(cps[i])) ++i;
    out.push_back(unicode::encode(std::vector<char32_t>(cps.begin() + start, cps.begin() + i)));
  }
  return out;
}

std::vector<std::string> splitlines(std::string_view s, bool keepends) {
  std::vector<std::string> out;
  std::vector<char32_t> cps = unicode::decode(s);
  std::size_t start = 0;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    char32_t c = cps[i];
    bool is_break = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E ||
                    c == 0x85 || c == 0x2028 || c == 0x2029;
    if (!is_break) continue;
    std::size_t end = i;
    if (c == '\r' && i + 1 < cps.size() && cps[i + 1] == '\n') ++i;
    out.push_back(unicode::encode(std::vector<char32_t>(cps.begin() + start, cps.begin() + (keepends ? i + 1 : end))));
    start = i + 1;
  }
  if (start < cps.size()) out.push_back(unicode::encode(std::vector<char32_t>(cps.begin() + start, cps.end())));
  return out;
}

std::string pad(std::string_view s, std::int64_t width, std::string_view fill, Align align) {
  std::int64_t length = static_cast<std::int64_t>(unicode::length(s));
  if (width <= length) return std::string(s);
  std::int64_t total = width - length;
  // Where center() puts an odd leftover column depends on the parity of both numbers in CPython.
  std::int64_t left = align == Align::right ? total : align == Align::left ? 0 : total / 2 + (total & width & 1);
  std::string out;
  for (std::int64_t i = 0; i < left; ++i) out += fill;
  out += s;
  for (std::int64_t i = 0; i < total - left; ++i) out += fill;
  return out;
}

std::int64_t find(std::string_view s, std::string_view sub, bool from_end) {
  std::size_t hit = from_end ? s.rfind(sub) : s.find(sub);
  if (hit == std::string_view::npos) return -1;
  return static_cast<std::int64_t>(unicode::length(s.substr(0, hit)));
}

std::int64_t count(std::string_view s, std::string_view sub) {
  if (sub.empty()) return static_cast<std::int64_t>(unicode::length(s)) + 1;
  std::int64_t n = 0;
  for (std::size_t pos = s.find(sub); pos != std::string_view::npos; pos = s.find(sub, pos + sub.size())) ++n;
  return n;
}

}  // namespace mlux::tokenizer::jinja::text
