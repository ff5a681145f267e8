// "Did you mean ...?" hints for misspelled filter, test, tag and method names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mlux::tokenizer::jinja {

/// " Did you mean 'trim'?" when a known name is within a small edit distance of `name`, else "".
[[nodiscard]] std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& known);

}  // namespace mlux::tokenizer::jinja
