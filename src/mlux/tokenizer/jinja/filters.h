// Jinja2's built-in filters that chat templates use, with Python Jinja2's results, plus the
// `tojson` that transformers installs in place of Jinja2's (no HTML escaping, json.dumps
// options). To add a filter, write it in filters.cpp (text and numbers) or sequence_filters.cpp
// (lists and dicts) and add its row to that file's table.
#pragma once

#include <string_view>
#include <vector>

#include "mlux/tokenizer/jinja/ast.h"

namespace mlux::tokenizer::jinja {

struct NamedFilter {
  std::string_view name;
  FilterFunction function;
};

/// The filter called `name` (aliases included: d, e, count), or nullptr.
[[nodiscard]] FilterFunction find_filter(std::string_view name);
/// Jinja2 builtin filters mlux does not implement (groupby, pprint, urlencode...). Jinja2 accepts
/// them at load time, so mlux does too and fails only if one is reached while rendering.
[[nodiscard]] bool is_unimplemented_jinja2_filter(std::string_view name);
/// All filter names, for error messages.
[[nodiscard]] std::vector<std::string_view> filter_names();

/// Each file's table.
[[nodiscard]] const std::vector<NamedFilter>& text_filters();
[[nodiscard]] const std::vector<NamedFilter>& sequence_filters();

/// `obj` followed along a dotted path, as filters' `attribute=` arguments do ("user.name",
/// "items.0"): each step is an item lookup, then an attribute one.
[[nodiscard]] Value follow_attribute_path(const Value& obj, std::string_view path);

}  // namespace mlux::tokenizer::jinja
