// Binding call arguments to parameters the way Python does, for filters, tests, methods and
// globals: positional arguments fill parameters in order, keywords by name, absent ones take
// their default. Mistakes throw EvalError in Python's words, naming the callee.
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "mlux/tokenizer/jinja/value.h"

namespace mlux::tokenizer::jinja {

struct Param {
  std::string_view name;
  Value default_value = Value::none();
  bool required = false;
};
inline Param required(std::string_view name) { return Param{name, Value(), true}; }

/// The argument for each parameter, in parameter order. `callee` names the function in errors
/// ("replace() missing required argument 'new'").
[[nodiscard]] std::vector<Value> bind(std::string_view callee, const CallArgs& args, std::initializer_list<Param> params);

/// Throws EvalError unless `v` is a string; `what` names it ("split() separator").
const std::string& expect_string(const Value& v, std::string_view what);
/// Throws EvalError unless `v` is an int (or bool).
std::int64_t expect_int(const Value& v, std::string_view what);
/// A width or count of characters to build (indent, center, tojson indent): an int, negative read
/// as 0, and an EvalError past the size any built value may reach (kMaxBuiltSize).
std::int64_t expect_width(const Value& v, std::string_view what);

}  // namespace mlux::tokenizer::jinja
