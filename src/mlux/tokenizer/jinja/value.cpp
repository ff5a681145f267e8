// Value construction, Python truthiness, equality, str() and repr() (see value.h).
#include "mlux/tokenizer/jinja/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "mlux/error.h"
#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer::jinja {

Value Value::undefined(std::string why) {
  Value v;
  v.data_ = Undefined{std::make_shared<const std::string>(std::move(why))};
  return v;
}

Value Value::list(std::vector<Value> items) {
  Value v;
  v.data_ = std::make_shared<const ListData>(ListData{std::move(items), false});
  return v;
}

Value Value::tuple(std::vector<Value> items) {
  Value v;
  v.data_ = std::make_shared<const ListData>(ListData{std::move(items), true});
  return v;
}

Value::Value(Dict dict) : data_(std::make_shared<const Dict>(std::move(dict))) {}

std::int64_t Value::as_int() const { return is_bool() ? std::int64_t{as_bool()} : std::get<std::int64_t>(data_); }

double Value::as_float() const { return is_float() ? std::get<double>(data_) : static_cast<double>(as_int()); }

const std::string& Value::undefined_reason() const {
  static const std::string kNoReason = "a value is undefined";
  const auto& why = std::get<Undefined>(data_).why;
  return why ? *why : kNoReason;
}

bool Value::truthy() const {
  switch (kind()) {
    case Kind::undefined:
    case Kind::none: return false;
    case Kind::boolean: return as_bool();
    case Kind::integer: return as_int() != 0;
    case Kind::floating: return as_float() != 0.0;
    case Kind::string: return !as_string().empty();
    case Kind::list: return !items().empty();
    case Kind::dict: return !as_dict().empty();
    case Kind::function:
    case Kind::object: return true;
  }
  return false;
}

std::string Value::type_name() const {
  switch (kind()) {
    case Kind::undefined: return "Undefined";
    case Kind::none: return "NoneType";
    case Kind::boolean: return "bool";
    case Kind::integer: return "int";
    case Kind::floating: return "float";
    case Kind::string: return "str";
    case Kind::list: return as_list().is_tuple ? "tuple" : "list";
    case Kind::dict: return "dict";
    case Kind::function: return as_function().kind == Function::Kind::macro ? "Macro" : "function";
    case Kind::object: return as_object().type_name();
  }
  return "object";
}

bool Value::same_object(const Value& other) const {
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case Kind::list: return std::get<ListPtr>(data_) == std::get<ListPtr>(other.data_);
    case Kind::dict: return std::get<DictPtr>(data_) == std::get<DictPtr>(other.data_);
    case Kind::function: return std::get<FunctionPtr>(data_) == std::get<FunctionPtr>(other.data_);
    case Kind::object: return std::get<ObjectPtr>(data_) == std::get<ObjectPtr>(other.data_);
    // Python interns None/True/False and small ints; strings compare by value as CPython's
    // interned literals usually would.
    default: return *this == other;
  }
}

const Value* Dict::find(const Value& key) const {
  for (const auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

const Value* Dict::find(std::string_view key) const {
  for (const auto& [k, v] : entries_)
    if (k.is_string() && k.as_string() == key) return &v;
  return nullptr;
}

void Dict::set(Value key, Value value) {
  for (auto& [k, v] : entries_)
    if (k == key) {
      v = std::move(value);
      return;
    }
  entries_.emplace_back(std::move(key), std::move(value));
}

namespace {

bool dicts_equal(const Dict& a, const Dict& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [key, value] : a.entries()) {
    const Value* other = b.find(key);
    if (!other || !(*other == value)) return false;
  }
  return true;
}

bool lists_equal(const ListData& a, const ListData& b) {
  if (a.is_tuple != b.is_tuple || a.items.size() != b.items.size()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i)
    if (!(a.items[i] == b.items[i])) return false;
  return true;
}

void append_hex(std::string& out, char prefix, char32_t cp, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\%c%0*x", prefix, digits, static_cast<unsigned>(cp));
  out += buf;
}

std::string join_reprs(const std::vector<Value>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += to_repr(items[i]);
  }
  return out;
}

}  // namespace

bool operator==(const Value& a, const Value& b) {
  using Kind = Value::Kind;
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_float() == b.as_float();
    return a.as_int() == b.as_int();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::undefined:
    case Kind::none: return true;
    case Kind::string: return a.as_string() == b.as_string();
    case Kind::list: return lists_equal(a.as_list(), b.as_list());
    case Kind::dict: return dicts_equal(a.as_dict(), b.as_dict());
    default: return a.same_object(b);
  }
}

std::string float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  // Shortest round-trip digits in scientific form, then laid out the way Python's repr does:
  // positional for exponents -4..15, scientific otherwise.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string text(buf, end);
  std::string sign = text[0] == '-' ? "-" : "";
  if (!sign.empty()) text.erase(0, 1);
  std::size_t e = text.find('e');
  std::string digits = text.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  int exponent = std::stoi(text.substr(e + 1));
  std::string out;
  if (exponent < -4 || exponent >= 16) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out.append(1, '.').append(digits, 1);
    char exp_text[16];
    std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp_text;
  } else if (exponent < 0) {
    out = "0." + std::string(-exponent - 1, '0') + digits;
  } else if (digits.size() <= static_cast<std::size_t>(exponent) + 1) {
    out = digits + std::string(exponent + 1 - digits.size(), '0') + ".0";
  } else {
    out = digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
  }
  return sign + out;
}

std::string string_repr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (char32_t cp : unicode::decode(s)) {
    if (cp == static_cast<char32_t>(quote) || cp == '\\') {
      out += '\\';
      unicode::append(out, cp);
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x20 || cp == 0x7F) {
      append_hex(out, 'x', cp, 2);
    } else if (cp < 0x80 || unicode::is_printable(cp)) {
      unicode::append(out, cp);
    } else if (cp <= 0xFF) {
      append_hex(out, 'x', cp, 2);
    } else if (cp <= 0xFFFF) {
      append_hex(out, 'u', cp, 4);
    } else {
      append_hex(out, 'U', cp, 8);
    }
  }
  out += quote;
  return out;
}

std::string to_str(const Value& v) {
  using Kind = Value::Kind;
  switch (v.kind()) {
    case Kind::undefined: return "";
    case Kind::none: return "None";
    case Kind::boolean: return v.as_bool() ? "True" : "False";
    case Kind::integer: return std::to_string(v.as_int());
    case Kind::floating: return float_repr(v.as_float());
    case Kind::string: return v.as_string();
    case Kind::list: {
      const ListData& list = v.as_list();
      if (!list.is_tuple) return str("[", join_reprs(list.items), "]");
      return str("(", join_reprs(list.items), list.items.size() == 1 ? ",)" : ")");
    }
    case Kind::dict: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, value] : v.as_dict().entries()) {
        if (!first) out += ", ";
        first = false;
        out += to_repr(key) + ": " + to_repr(value);
      }
      return out + "}";
    }
    case Kind::function: {
      const Function& f = v.as_function();
      if (f.kind == Function::Kind::macro) return "<Macro '" + f.name + "'>";
      return "<built-in " + std::string(f.kind == Function::Kind::method ? "method " : "function ") + f.name + ">";
    }
    case Kind::object: return v.as_object().str();
  }
  return "";
}

std::string to_repr(const Value& v) {
  if (v.is_string()) return string_repr(v.as_string());
  if (v.is_undefined()) return "Undefined";
  return to_str(v);
}

}  // namespace mlux::tokenizer::jinja
