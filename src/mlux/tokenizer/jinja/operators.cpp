// Operators, lookups and iteration with Python's rules (see operators.h).
#include "mlux/tokenizer/jinja/operators.h"

#include <algorithm>
#include <cmath>

#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/methods.h"
#include "mlux/tokenizer/jinja/python_format.h"
#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer::jinja {
namespace {

const char* op_symbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::add: return "+";
    case BinaryOp::subtract: return "-";
    case BinaryOp::multiply: return "*";
    case BinaryOp::divide: return "/";
    case BinaryOp::floor_divide: return "//";
    case BinaryOp::modulo: return "%";
    case BinaryOp::power: return "** or pow()";
    default: return "?";
  }
}

[[noreturn]] void fail_operands(BinaryOp op, const Value& a, const Value& b) {
  throw EvalError(str("unsupported operand type(s) for ", op_symbol(op), ": '", a.type_name(), "' and '", b.type_name(), "'"));
}

// Jinja2's object_type_repr, used in "has no attribute" reasons.
std::string object_description(const Value& v) {
  if (v.is_none()) return "None";
  return str("'", v.type_name(), " object'");
}

bool is_integral(const Value& v) { return v.is_int() || v.is_bool(); }

Value repeat(const Value& sequence, std::int64_t times) {
  std::size_t n = times > 0 ? static_cast<std::size_t>(times) : 0;
  if (sequence.is_string()) {
    const std::string& s = sequence.as_string();
    if (n && s.size() > kMaxBuiltSize / n) throw EvalError(str("'str' * ", times, " would exceed the size limit of ", kMaxBuiltSize, " bytes"));
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return Value(std::move(out));
  }
  const auto& items = sequence.items();
  if (n && items.size() > kMaxBuiltSize / n) throw EvalError(str("'list' * ", times, " would exceed the size limit"));
  std::vector<Value> out;
  out.reserve(items.size() * n);
  for (std::size_t i = 0; i < n; ++i) out.insert(out.end(), items.begin(), items.end());
  return sequence.as_list().is_tuple ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

Value add(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return Value(a.as_float() + b.as_float());
    return Value(checked_add(a.as_int(), b.as_int()));
  }
  if (a.is_string()) {
    if (!b.is_string()) throw EvalError(str("can only concatenate str (not \"", b.type_name(), "\") to str"));
    return Value(a.as_string() + b.as_string());
  }
  if (a.is_list()) {
    if (!b.is_list() || a.as_list().is_tuple != b.as_list().is_tuple)
      throw EvalError(str("can only concatenate ", a.type_name(), " (not \"", b.type_name(), "\") to ", a.type_name()));
    std::vector<Value> out = a.items();
    out.insert(out.end(), b.items().begin(), b.items().end());
    return a.as_list().is_tuple ? Value::tuple(std::move(out)) : Value::list(std::move(out));
  }
  fail_operands(BinaryOp::add, a, b);
}

Value multiply(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return Value(a.as_float() * b.as_float());
    return Value(checked_multiply(a.as_int(), b.as_int()));
  }
  if ((a.is_string() || a.is_list()) && is_integral(b)) return repeat(a, b.as_int());
  if ((b.is_string() || b.is_list()) && is_integral(a)) return repeat(b, a.as_int());
  fail_operands(BinaryOp::multiply, a, b);
}

// Python's // and %: the quotient rounds toward negative infinity, the remainder takes the
// divisor's sign.
Value floor_divide_or_modulo(BinaryOp op, const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) fail_operands(op, a, b);
  if (b.as_float() == 0.0) throw EvalError(is_integral(a) && is_integral(b) ? "integer division or modulo by zero" : "float division by zero");
  if (is_integral(a) && is_integral(b)) {
    std::int64_t x = a.as_int(), y = b.as_int();
    if (x == INT64_MIN && y == -1) throw EvalError("integer overflow: the result does not fit in 64 bits");
    std::int64_t q = x / y, r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) {
      --q;
      r += y;
    }
    return op == BinaryOp::floor_divide ? Value(q) : Value(r);
  }
  // CPython's float_divmod.
  double x = a.as_float(), y = b.as_float();
  double mod = std::fmod(x, y);
  double div = (x - mod) / y;
  if (mod != 0) {
    if ((y < 0) != (mod < 0)) {
      mod += y;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, y);
  }
  if (op == BinaryOp::modulo) return Value(mod);
  if (div == 0) return Value(std::copysign(0.0, x / y));
  double floored = std::floor(div);
  if (div - floored > 0.5) floored += 1.0;
  return Value(floored);
}

Value power(const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) fail_operands(BinaryOp::power, a, b);
  if (is_integral(a) && is_integral(b) && b.as_int() >= 0) {
    std::int64_t base = a.as_int(), exponent = b.as_int(), result = 1;
    while (exponent-- > 0) {
      result = checked_multiply(result, base);
      if (result == 0 || result == 1) break;
    }
    return Value(result);
  }
  if (a.as_float() == 0.0 && b.as_float() < 0) throw EvalError("0.0 cannot be raised to a negative power");
  return Value(std::pow(a.as_float(), b.as_float()));
}

bool sequences_less(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    return less_than(a[i], b[i]);
  }
  return a.size() < b.size();
}

std::int64_t normalize_index(std::int64_t index, std::size_t size, bool& in_range) {
  std::int64_t n = static_cast<std::int64_t>(size);
  if (index < 0) index += n;
  in_range = index >= 0 && index < n;
  return index;
}

Value item_of_sequence(const Value& obj, const Value& key) {
  bool in_range = false;
  if (obj.is_string()) {
    std::vector<char32_t> cps = unicode::decode(obj.as_string());
    std::int64_t i = normalize_index(key.as_int(), cps.size(), in_range);
    if (!in_range) return Value::undefined(str("'str object' has no element ", key.as_int()));
    std::string out;
    unicode::append(out, cps[static_cast<std::size_t>(i)]);
    return Value(std::move(out));
  }
  std::int64_t i = normalize_index(key.as_int(), obj.items().size(), in_range);
  if (!in_range) return Value::undefined(str(object_description(obj), " has no element ", key.as_int()));
  return obj.items()[static_cast<std::size_t>(i)];
}

}  // namespace

std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw EvalError("integer overflow: the result does not fit in 64 bits");
  return r;
}

std::int64_t checked_multiply(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw EvalError("integer overflow: the result does not fit in 64 bits");
  return r;
}

void require_defined(const Value& v) {
  if (v.is_undefined()) throw EvalError(v.undefined_reason());
}

Value binary_op(BinaryOp op, const Value& a, const Value& b) {
  if (op == BinaryOp::concat) return Value(to_str(a) + to_str(b));
  require_defined(a);
  require_defined(b);
  switch (op) {
    case BinaryOp::add: return add(a, b);
    case BinaryOp::subtract:
      if (!a.is_number() || !b.is_number()) fail_operands(op, a, b);
      if (a.is_float() || b.is_float()) return Value(a.as_float() - b.as_float());
      return Value(checked_add(a.as_int(), -b.as_int()));
    case BinaryOp::multiply: return multiply(a, b);
    case BinaryOp::divide:
      if (!a.is_number() || !b.is_number()) fail_operands(op, a, b);
      if (b.as_float() == 0.0) throw EvalError("division by zero");
      return Value(a.as_float() / b.as_float());
    case BinaryOp::modulo:
      if (a.is_string()) return Value(percent_format(a.as_string(), b));
      return floor_divide_or_modulo(op, a, b);
    case BinaryOp::floor_divide: return floor_divide_or_modulo(op, a, b);
    case BinaryOp::power: return power(a, b);
    default: throw EvalError("internal: and/or reached binary_op");
  }
}

Value unary_op(UnaryOp op, const Value& v) {
  require_defined(v);
  if (op == UnaryOp::logical_not) return Value(!v.truthy());
  if (!v.is_number())
    throw EvalError(str("bad operand type for unary ", op == UnaryOp::negate ? "-" : "+", ": '", v.type_name(), "'"));
  if (op == UnaryOp::plus) return v.is_bool() ? Value(v.as_int()) : v;
  if (v.is_float()) return Value(-v.as_float());
  if (v.as_int() == INT64_MIN) throw EvalError("integer overflow: the result does not fit in 64 bits");
  return Value(-v.as_int());
}

bool less_than(const Value& a, const Value& b) {
  require_defined(a);
  require_defined(b);
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_float() < b.as_float();
    return a.as_int() < b.as_int();
  }
  if (a.is_string() && b.is_string()) return a.as_string() < b.as_string();  // UTF-8 order is code point order
  if (a.is_list() && b.is_list() && a.as_list().is_tuple == b.as_list().is_tuple) return sequences_less(a.items(), b.items());
  throw EvalError(str("'<' not supported between instances of '", a.type_name(), "' and '", b.type_name(), "'"));
}

bool compare(CompareOp op, const Value& a, const Value& b) {
  switch (op) {
    case CompareOp::equal: return a == b;
    case CompareOp::not_equal: return !(a == b);
    case CompareOp::less: return less_than(a, b);
    case CompareOp::greater: return less_than(b, a);
    case CompareOp::less_equal: return a == b || less_than(a, b);
    case CompareOp::greater_equal: return a == b || less_than(b, a);
    case CompareOp::in: return contains(b, a);
    case CompareOp::not_in: return !contains(b, a);
  }
  return false;
}

bool contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case Value::Kind::undefined: return false;  // Undefined iterates as empty
    case Value::Kind::string:
      if (!item.is_string())
        throw EvalError(str("'in <string>' requires string as left operand, not ", item.type_name()));
      return container.as_string().find(item.as_string()) != std::string::npos;
    case Value::Kind::list:
      for (const Value& v : container.items())
        if (v == item) return true;
      return false;
    case Value::Kind::dict: return container.as_dict().find(item) != nullptr;
    default: throw EvalError(str("argument of type '", container.type_name(), "' is not iterable"));
  }
}

Value get_attribute(const Value& obj, std::string_view name) {
  require_defined(obj);
  if (obj.is_object()) {
    Value v = obj.as_object().attribute(name);
    if (!v.is_undefined()) return v;
    return Value::undefined(str("'", obj.type_name(), " object' has no attribute '", name, "'"));
  }
  Value method = find_method(obj, name);
  if (!method.is_undefined()) return method;
  if (obj.is_dict())
    if (const Value* v = obj.as_dict().find(name)) return *v;
  return Value::undefined(str(object_description(obj), " has no attribute '", name, "'"));
}

Value get_item(const Value& obj, const Value& key) {
  require_defined(obj);
  if (obj.is_dict()) {
    if (const Value* v = obj.as_dict().find(key)) return *v;
  } else if ((obj.is_list() || obj.is_string()) && (key.is_int() || key.is_bool())) {
    return item_of_sequence(obj, key);
  }
  if (key.is_string()) return get_attribute(obj, key.as_string());
  return Value::undefined(str(object_description(obj), " has no element ", to_repr(key)));
}

namespace {

std::int64_t slice_bound(const Value& v, std::int64_t fallback) {
  if (v.is_none() || v.is_undefined()) return fallback;
  if (!v.is_int() && !v.is_bool()) throw EvalError("slice indices must be integers or None");
  return v.as_int();
}

// The positions Python's slice(start, stop, step) selects in a sequence of `size` items.
std::vector<std::size_t> slice_positions(std::size_t size, const Value& start_v, const Value& stop_v, const Value& step_v) {
  std::int64_t n = static_cast<std::int64_t>(size);
  std::int64_t step = slice_bound(step_v, 1);
  if (step == 0) throw EvalError("slice step cannot be zero");
  auto clamp = [&](const Value& v, std::int64_t fallback) {
    if (v.is_none() || v.is_undefined()) return fallback;
    std::int64_t i = slice_bound(v, 0);
    if (i < 0) i += n;
    if (step > 0) return std::clamp<std::int64_t>(i, 0, n);
    return std::clamp<std::int64_t>(i, -1, n - 1);
  };
  std::int64_t start = clamp(start_v, step > 0 ? 0 : n - 1);
  std::int64_t stop = clamp(stop_v, step > 0 ? n : -1);
  std::vector<std::size_t> out;
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out.push_back(static_cast<std::size_t>(i));
  return out;
}

}  // namespace

Value slice(const Value& obj, const Value& start, const Value& stop, const Value& step) {
  require_defined(obj);
  if (obj.is_string()) {
    std::vector<char32_t> cps = unicode::decode(obj.as_string());
    std::string out;
    for (std::size_t i : slice_positions(cps.size(), start, stop, step)) unicode::append(out, cps[i]);
    return Value(std::move(out));
  }
  if (obj.is_list()) {
    std::vector<Value> out;
    for (std::size_t i : slice_positions(obj.items().size(), start, stop, step)) out.push_back(obj.items()[i]);
    return obj.as_list().is_tuple ? Value::tuple(std::move(out)) : Value::list(std::move(out));
  }
  return Value::undefined(str(object_description(obj), " can't be sliced"));
}

std::vector<Value> iterate(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::undefined: return {};
    case Value::Kind::list: return value.items();
    case Value::Kind::dict: {
      std::vector<Value> keys;
      keys.reserve(value.as_dict().size());
      for (const auto& [k, v] : value.as_dict().entries()) keys.push_back(k);
      return keys;
    }
    case Value::Kind::string: {
      std::vector<Value> chars;
      for (char32_t cp : unicode::decode(value.as_string())) {
        std::string c;
        unicode::append(c, cp);
        chars.emplace_back(std::move(c));
      }
      return chars;
    }
    default: throw EvalError(str("'", value.type_name(), "' object is not iterable"));
  }
}

}  // namespace mlux::tokenizer::jinja
