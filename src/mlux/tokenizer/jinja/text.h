// String operations shared by Python's str methods ('a,b'.split(',')) and Jinja's filters
// (|replace, |center), with Python's exact rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlux::tokenizer::jinja::text {

/// str.replace(old, new, count); count < 0 replaces all. An empty `old` inserts `replacement`
/// around every character, as Python does.
[[nodiscard]] std::string replace(std::string_view s, std::string_view old, std::string_view replacement, std::int64_t count = -1);

/// str.split(sep, maxsplit) with a separator (not empty).
[[nodiscard]] std::vector<std::string> split(std::string_view s, std::string_view sep, std::int64_t maxsplit = -1);
/// str.split() without a separator: runs of whitespace, no empty strings.
[[nodiscard]] std::vector<std::string> split_whitespace(std::string_view s, std::int64_t maxsplit = -1);
/// str.rsplit(sep, maxsplit) with a separator (not empty).
[[nodiscard]] std::vector<std::string> rsplit(std::string_view s, std::string_view sep, std::int64_t maxsplit = -1);
/// str.splitlines(keepends).
[[nodiscard]] std::vector<std::string> splitlines(std::string_view s, bool keepends = false);

/// str.center/ljust/rjust(width, fill) in code points.
enum class Align { left, center, right };
[[nodiscard]] std::string pad(std::string_view s, std::int64_t width, std::string_view fill, Align align);

/// Code point index of the first (or last) occurrence of `sub`, or -1 (str.find / str.rfind).
[[nodiscard]] std::int64_t find(std::string_view s, std::string_view sub, bool from_end = false);
/// Non-overlapping occurrences (str.count).
[[nodiscard]] std::int64_t count(std::string_view s, std::string_view sub);

}  // namespace mlux::tokenizer::jinja::text
