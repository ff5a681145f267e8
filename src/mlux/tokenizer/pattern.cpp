// read_pattern and replace_all (see pattern.h).
#include "mlux/tokenizer/pattern.h"

#include <vector>

#include "mlux/tokenizer/json_view.h"

namespace mlux::tokenizer {

Regex read_pattern(const JsonView& json) {
  const std::string where = json.file() + ": " + json.path();
  if (auto literal = json.find("String")) return Regex::literal(literal->string_ref(), where + ".String");
  if (auto regex = json.find("Regex")) return Regex::compile(regex->string_ref(), where + ".Regex");
  json.fail("expected a pattern {\"String\": ...} or {\"Regex\": ...}, got ", json.excerpt(), ".");
}

std::string replace_all(const Regex& pattern, std::string_view text, std::string_view content) {
  std::vector<Span> matches;
  pattern.find_all(text, matches);
  if (matches.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size() + matches.size() * content.size());
  std::size_t previous = 0;
  for (const Span& m : matches) {
    out.append(text, previous, m.begin - previous);
    out.append(content);
    previous = m.end;
  }
  out.append(text, previous);
  return out;
}

}  // namespace mlux::tokenizer
