// The {"String": s} | {"Regex": r} pattern objects that Split, Replace (normalizer and decoder)
// take in tokenizer.json, and replacement of all matches.
#pragma once

#include <string>
#include <string_view>

#include "mlux/tokenizer/regex.h"

namespace mlux::tokenizer {

class JsonView;

/// Reads a pattern object: "String" matches literally, "Regex" is an Oniguruma pattern.
Regex read_pattern(const JsonView& json);

/// text with every match of pattern (as find_all yields them) replaced by content.
std::string replace_all(const Regex& pattern, std::string_view text, std::string_view content);

}  // namespace mlux::tokenizer
