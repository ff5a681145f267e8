// Python semantics of Jinja's operators and lookups: arithmetic, comparison, membership,
// attribute and item access, slicing and iteration. Each throws EvalError with Python's wording
// ("unsupported operand type(s) for +: 'int' and 'str'") when Python would raise; using an
// undefined value where Jinja2's default Undefined refuses raises its "'x' is undefined".
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "mlux/tokenizer/jinja/ast.h"
#include "mlux/tokenizer/jinja/value.h"

namespace mlux::tokenizer::jinja {

/// + - * / // % ** ~ (not `and`/`or`, which short-circuit in the interpreter).
[[nodiscard]] Value binary_op(BinaryOp op, const Value& a, const Value& b);
/// - and + (not `not`).
[[nodiscard]] Value unary_op(UnaryOp op, const Value& v);
[[nodiscard]] bool compare(CompareOp op, const Value& a, const Value& b);
/// Python's `item in container`.
[[nodiscard]] bool contains(const Value& container, const Value& item);
/// Python's ordering (<) for sort, min and max; throws EvalError for unorderable types.
[[nodiscard]] bool less_than(const Value& a, const Value& b);

/// `obj.name`: a method or attribute first, then an item (Jinja2's getattr); undefined if neither.
[[nodiscard]] Value get_attribute(const Value& obj, std::string_view name);
/// `obj[key]`: an item first, then an attribute for string keys (Jinja2's getitem).
[[nodiscard]] Value get_item(const Value& obj, const Value& key);
/// `obj[start:stop:step]` on a list, tuple or string; absent parts are std::nullopt/none.
[[nodiscard]] Value slice(const Value& obj, const Value& start, const Value& stop, const Value& step);

/// What `for x in value` walks: list items, dict keys, string characters; undefined is empty.
[[nodiscard]] std::vector<Value> iterate(const Value& value);

/// Throws EvalError with the undefined value's reason when v is undefined.
void require_defined(const Value& v);

/// Python's int + int etc. with 64-bit overflow detection.
[[nodiscard]] std::int64_t checked_add(std::int64_t a, std::int64_t b);
[[nodiscard]] std::int64_t checked_multiply(std::int64_t a, std::int64_t b);

/// Largest string or list an operation may build (repetition, joins), to stop runaway templates.
inline constexpr std::size_t kMaxBuiltSize = std::size_t{64} << 20;

}  // namespace mlux::tokenizer::jinja
