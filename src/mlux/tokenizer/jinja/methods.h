// Python methods templates call on values: str ('a,b'.split(',')), dict (d.items(), d.get(k))
// and list (l.index(x)). Methods that would modify a value raise, as in transformers'
// ImmutableSandboxedEnvironment. To add a method, add a row to its table (string_methods.cpp or
// methods.cpp).
#pragma once

#include <string_view>
#include <vector>

#include "mlux/tokenizer/jinja/value.h"

namespace mlux::tokenizer::jinja {

using MethodImpl = Value (*)(const Value& self, const CallArgs& args);
struct Method {
  std::string_view name;
  MethodImpl impl;
};

/// `self.name` as a bound method, or undefined when `self` has no such method. Throws EvalError
/// for methods the sandbox forbids (list.append, dict.update...).
[[nodiscard]] Value find_method(const Value& self, std::string_view name);

/// The str methods table (string_methods.cpp).
[[nodiscard]] const std::vector<Method>& string_methods();

}  // namespace mlux::tokenizer::jinja
