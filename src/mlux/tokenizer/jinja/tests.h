// Jinja2's tests (`x is defined`, `x is divisibleby 3`), with Python Jinja2's results, including
// its corner cases (undefined is iterable and callable; `1 is true` is false). To add a test,
// add a row to the table in tests.cpp.
#pragma once

#include <string_view>
#include <vector>

#include "mlux/tokenizer/jinja/ast.h"

namespace mlux::tokenizer::jinja {

/// The test called `name` (aliases included: eq, ==, equalto), or nullptr.
[[nodiscard]] TestFunction find_test(std::string_view name);
/// All test names, for error messages.
[[nodiscard]] std::vector<std::string_view> test_names();

}  // namespace mlux::tokenizer::jinja
