// printf-style and str.format formatting with Python's rules (see python_format.h).
#include "mlux/tokenizer/jinja/python_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/text.h"
#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer::jinja {
namespace {

struct Spec {
  std::string fill = " ";
  char align = 0;    // '<' '>' '^' '=' or 0 for the type's default
  char sign = '-';   // '-' '+' ' '
  bool alternate = false;
  int width = -1;
  int precision = -1;
  char type = 0;
};

// n·10 + digit for a width or precision; past kMaxFieldWidth the output would be too large to
// render anyway (and the int would overflow), so it is an error.
constexpr int kMaxFieldWidth = 1'000'000;
int bounded_digit(int n, int digit) {
  if (n > (kMaxFieldWidth - digit) / 10) throw EvalError(str("format width or precision past ", kMaxFieldWidth));
  return n * 10 + digit;
}

std::string c_format(const std::string& pattern, double x) {
  char buf[512];
  std::snprintf(buf, sizeof buf, pattern.c_str(), x);
  return buf;
}

std::string format_integer(std::int64_t n, char type, bool alternate) {
  unsigned long long magnitude = n < 0 ? 0ULL - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
  std::string digits;
  if (type == 'b') {
    do digits.insert(digits.begin(), static_cast<char>('0' + (magnitude & 1))); while (magnitude >>= 1);
  } else {
    char buf[32];
    const char* pattern = type == 'x' ? "%llx" : type == 'X' ? "%llX" : type == 'o' ? "%llo" : "%llu";
    std::snprintf(buf, sizeof buf, pattern, magnitude);
    digits = buf;
  }
  if (alternate && (type == 'x' || type == 'X' || type == 'o' || type == 'b')) digits = std::string("0") + type + digits;
  return (n < 0 ? "-" : "") + digits;
}

std::string format_float(double x, char type, int precision) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (type == '%') return format_float(x * 100, 'f', precision) + "%";
  if (type == 0 && precision < 0) return float_repr(x);
  if (type == 0) type = 'g';
  // The type goes into a printf pattern: anything but these would be a different conversion
  // (%n writes through its argument), so callers' checks are repeated here.
  if (std::string_view("fFeEgG").find(type) == std::string_view::npos)
    throw EvalError(str("Unknown format code '", type, "' for object of type 'float'"));
  std::string pattern = "%." + std::to_string(precision < 0 ? 6 : precision) + type;
  return c_format(pattern, x);
}

// Applies sign, width, fill and alignment to a formatted body.
std::string lay_out(std::string body, const Spec& spec, bool numeric) {
  std::string sign;
  if (numeric) {
    if (!body.empty() && body[0] == '-') {
      sign = "-";
      body.erase(0, 1);
    } else if (spec.sign == '+' || spec.sign == ' ') {
      sign = std::string(1, spec.sign);
    }
  }
  char align = spec.align ? spec.align : numeric ? '>' : '<';
  std::int64_t width = spec.width - static_cast<std::int64_t>(unicode::length(sign));
  if (align == '=') return sign + text::pad(body, width, spec.fill, text::Align::right);
  text::Align a = align == '<' ? text::Align::left : align == '^' ? text::Align::center : text::Align::right;
  return text::pad(sign + body, spec.width, spec.fill, a);
}

std::string format_value(const Value& v, const Spec& requested) {
  Spec spec = requested;
  if (spec.type == 'n' && v.is_number()) spec.type = v.is_float() ? 'g' : 'd';  // Python's locale forms, C locale
  bool integer_type = spec.type && std::string_view("dxXobc").find(spec.type) != std::string_view::npos;
  bool float_type = spec.type && std::string_view("fFeEgG%").find(spec.type) != std::string_view::npos;
  if (spec.type == 'r') return lay_out(to_repr(v), spec, false);
  if (v.is_string() || spec.type == 's') {
    if (spec.type && spec.type != 's')
      throw EvalError(str("Unknown format code '", spec.type, "' for object of type '", v.type_name(), "'"));
    std::string s = to_str(v);
    if (spec.precision >= 0) {
      std::vector<char32_t> cps = unicode::decode(s);
      if (cps.size() > static_cast<std::size_t>(spec.precision)) cps.resize(spec.precision);
      s = unicode::encode(cps);
    }
    return lay_out(s, spec, false);
  }
  if (!v.is_number()) {
    if (spec.type || spec.width >= 0 || spec.precision >= 0)
      throw EvalError(str("unsupported format string passed to ", v.type_name(), ".__format__"));
    return to_str(v);
  }
  if (spec.type && !integer_type && !float_type)
    throw EvalError(str("Unknown format code '", spec.type, "' for object of type '", v.type_name(), "'"));
  if (spec.type == 'c') {
    std::string c;
    unicode::append(c, static_cast<char32_t>(v.as_int()));
    return lay_out(c, spec, false);
  }
  if (integer_type && v.is_float()) throw EvalError(str("Unknown format code '", spec.type, "' for object of type 'float'"));
  if (integer_type || (!float_type && !v.is_float() && !(v.is_bool() && !spec.type)))
    return lay_out(format_integer(v.as_int(), spec.type ? spec.type : 'd', spec.alternate), spec, true);
  if (v.is_bool() && !spec.type) return lay_out(to_str(v), spec, false);
  return lay_out(format_float(v.as_float(), spec.type, spec.precision), spec, true);
}

// Parses "[[fill]align][sign][#][0][width][.precision][type]".
Spec parse_spec(std::string_view s) {
  Spec spec;
  std::vector<char32_t> cps = unicode::decode(s);
  std::size_t i = 0;
  auto is_align = [](char32_t c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (cps.size() >= 2 && is_align(cps[1])) {
    spec.fill.clear();
    unicode::append(spec.fill, cps[0]);
    spec.align = static_cast<char>(cps[1]);
    i = 2;
  } else if (!cps.empty() && is_align(cps[0])) {
    spec.align = static_cast<char>(cps[0]);
    i = 1;
  }
  if (i < cps.size() && (cps[i] == '+' || cps[i] == '-' || cps[i] == ' ')) spec.sign = static_cast<char>(cps[i++]);
  if (i < cps.size() && cps[i] == '#') spec.alternate = (++i, true);
  if (i < cps.size() && cps[i] == '0') {
    if (!spec.align) spec.fill.assign(1, '0'), spec.align = '=';
    ++i;
  }
  auto read_number = [&]() {
    int n = 0;
    while (i < cps.size() && cps[i] >= '0' && cps[i] <= '9') n = bounded_digit(n, static_cast<int>(cps[i++] - '0'));
    return n;
  };
  if (i < cps.size() && cps[i] >= '0' && cps[i] <= '9') spec.width = read_number();
  if (i < cps.size() && cps[i] == '.') {
    ++i;
    spec.precision = read_number();
  }
  if (i < cps.size()) spec.type = static_cast<char>(cps[i++]);
  if (i < cps.size()) throw EvalError(str("Invalid format specifier '", s, "'"));
  return spec;
}

// One "%..." conversion of percent_format, starting after the '%'. Advances i.
Spec parse_percent_spec(std::string_view f, std::size_t& i, std::string& key) {
  Spec spec;
  spec.align = '>';  // printf pads on the left unless the '-' flag says otherwise
  if (i < f.size() && f[i] == '(') {
    std::size_t close = f.find(')', i);
    if (close == std::string_view::npos) throw EvalError("incomplete format key");
    key = std::string(f.substr(i + 1, close - i - 1));
    i = close + 1;
  }
  for (; i < f.size() && std::string_view("-+ 0#").find(f[i]) != std::string_view::npos; ++i) {
    if (f[i] == '-') spec.align = '<';
    else if (f[i] == '0' && spec.align != '<') spec.fill.assign(1, '0'), spec.align = '=';
    else if (f[i] == '#') spec.alternate = true;
    else if (spec.sign != '+') spec.sign = f[i];
  }
  auto number = [&]() {
    int n = 0;
    while (i < f.size() && f[i] >= '0' && f[i] <= '9') n = bounded_digit(n, f[i++] - '0');
    return n;
  };
  if (i < f.size() && f[i] >= '0' && f[i] <= '9') spec.width = number();
  if (i < f.size() && f[i] == '.') {
    ++i;
    spec.precision = number();
  }
  if (i >= f.size()) throw EvalError("incomplete format");
  spec.type = f[i++];
  return spec;
}

Value percent_argument(const Value& v, const Spec& spec) {
  if (spec.type == 's' || spec.type == 'r' || spec.type == 'a') return v;
  if (!v.is_number())
    throw EvalError(str("%", spec.type, " format: a real number is required, not ", v.type_name()));
  if (std::string_view("diuxXoc").find(spec.type) != std::string_view::npos && v.is_float())
    return Value(static_cast<std::int64_t>(v.as_float()));
  return v;
}

}  // namespace

std::string percent_format(std::string_view f, const Value& args) {
  std::vector<Value> positional = args.is_list() && args.as_list().is_tuple ? args.items() : std::vector<Value>{args};
  std::size_t next = 0;
  std::string out;
  for (std::size_t i = 0; i < f.size();) {
    if (f[i] != '%') {
      out += f[i++];
      continue;
    }
    ++i;
    if (i < f.size() && f[i] == '%') {
      out += '%';
      ++i;
      continue;
    }
    std::string key;
    Spec spec = parse_percent_spec(f, i, key);
    if (spec.type == 'u' || spec.type == 'i') spec.type = 'd';
    Value v;
    if (!key.empty()) {
      if (!args.is_dict()) throw EvalError("format requires a mapping");
      const Value* found = args.as_dict().find(key);
      if (!found) throw EvalError(str("KeyError: '", key, "'"));
      v = *found;
    } else {
      if (next >= positional.size()) throw EvalError("not enough arguments for format string");
      v = positional[next++];
    }
    if (spec.type == 'a') spec.type = 'r';
    if (spec.type != 's' && spec.type != 'r' && std::string_view("dxXocfFeEgG").find(spec.type) == std::string_view::npos)
      throw EvalError(str("unsupported format character '", spec.type, "'"));
    out += format_value(percent_argument(v, spec), spec);
  }
  if (!args.is_dict() && next < positional.size()) throw EvalError("not all arguments converted during string formatting");
  return out;
}

std::string brace_format(std::string_view f, const CallArgs& args) {
  std::string out;
  int automatic = 0;
  bool used_automatic = false, used_manual = false;
  for (std::size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c == '}') {
      if (i + 1 < f.size() && f[i + 1] == '}') ++i;
      else throw EvalError("Single '}' encountered in format string");
      out += '}';
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    std::size_t close = f.find('}', i);
    if (close == std::string_view::npos) throw EvalError("Single '{' encountered in format string");
    std::string_view field = f.substr(i + 1, close - i - 1);
    i = close;
    std::size_t colon = field.find(':');
    std::string_view name = field.substr(0, colon);
    std::string_view spec = colon == std::string_view::npos ? "" : field.substr(colon + 1);
    if (name.find_first_of(".[!") != std::string_view::npos)
      throw EvalError(str("format field '{", field, "}' uses attribute, index or conversion syntax, which is not supported"));
    Value v;
    // As Python: an all-digit name is a position (any length: a huge one is simply out of range).
    if (name.empty() || name.find_first_not_of("0123456789") == std::string_view::npos) {
      std::size_t index = static_cast<std::size_t>(automatic);
      if (name.empty()) ++automatic;
      else index = name.size() > 9 ? std::size_t(-1) : std::stoul(std::string(name));
      (name.empty() ? used_automatic : used_manual) = true;
      if (used_automatic && used_manual)
        throw EvalError("cannot switch from manual field specification to automatic field numbering");
      if (index >= args.positional.size())
        throw EvalError(str("Replacement index ", name.empty() ? std::to_string(index) : std::string(name),
                            " out of range for positional args tuple"));
      v = args.positional[index];
    } else {
      auto it = std::find_if(args.keywords.begin(), args.keywords.end(), [&](const auto& kw) { return kw.first == name; });
      if (it == args.keywords.end()) throw EvalError(str("KeyError: '", name, "'"));
      v = it->second;
    }
    out += format_value(v, parse_spec(spec));
  }
  return out;
}

}  // namespace mlux::tokenizer::jinja
