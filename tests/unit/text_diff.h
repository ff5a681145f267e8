// Test helper: where two strings first differ, shown with escaped context, so a failing
// byte-for-byte comparison says what is wrong instead of dumping both strings.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace mlux::testing {

inline std::string escape_for_message(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out;
}

/// "" when equal; otherwise the byte offset of the first difference and ~40 bytes of context
/// from each string.
inline std::string first_difference(std::string_view expected, std::string_view actual) {
  if (expected == actual) return "";
  std::size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  std::size_t from = i > 40 ? i - 40 : 0;
  auto window = [&](std::string_view s) {
    return escape_for_message(s.substr(from, i - from)) + "|>" + escape_for_message(s.substr(i, 40));
  };
  return "first difference at byte " + std::to_string(i) + " (lengths " + std::to_string(expected.size()) + " vs " +
         std::to_string(actual.size()) + ")\n  expected: ..." + window(expected) + "\n  actual:   ..." + window(actual);
}

}  // namespace mlux::testing
