// Text and number filters, and the lookup over every table (see filters.h).
#include "mlux/tokenizer/jinja/filters.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "mlux/tokenizer/jinja/call_args.h"
#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/json.h"
#include "mlux/tokenizer/jinja/operators.h"
#include "mlux/tokenizer/jinja/python_format.h"
#include "mlux/tokenizer/jinja/text.h"
#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer::jinja {
namespace {

// Filters that take the value as text and nothing else (Jinja2's soft_str: undefined is "").
template <std::string (*Map)(std::string_view)>
Value text_filter(const Value& v, const CallArgs& args) {
  (void)bind("filter", args, {});
  return Value(Map(to_str(v)));
}

Value trim(const Value& v, const CallArgs& args) {
  auto a = bind("trim", args, {{"chars"}});
  std::string s = to_str(v);
  if (a[0].is_none()) return Value(unicode::strip(s));
  return Value(unicode::strip_chars(s, expect_string(a[0], "trim() chars"), unicode::StripSide::both));
}

// Jinja2's |title: capitalizes each piece between spaces, dashes and opening brackets.
std::string jinja_title(std::string_view s) {
  std::vector<char32_t> cps = unicode::decode(s);
  std::string out, word;
  auto is_separator = [](char32_t c) { return unicode::is_space(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<'; };
  for (std::size_t i = 0; i <= cps.size(); ++i) {
    if (i == cps.size() || is_separator(cps[i])) {
      out += unicode::capitalize(word);
      word.clear();
      if (i < cps.size()) unicode::append(out, cps[i]);
    } else {
      unicode::append(word, cps[i]);
    }
  }
  return out;
}

Value replace(const Value& v, const CallArgs& args) {
  auto a = bind("replace", args, {required("old"), required("new"), {"count"}});
  std::int64_t count = a[2].is_none() ? -1 : expect_int(a[2], "replace() count");
  return Value(text::replace(to_str(v), to_str(a[0]), to_str(a[1]), count));
}

Value center(const Value& v, const CallArgs& args) {
  auto a = bind("center", args, {{"width", Value(80)}});
  return Value(text::pad(to_str(v), expect_width(a[0], "center() width"), " ", text::Align::center));
}

Value indent(const Value& v, const CallArgs& args) {
  auto a = bind("indent", args, {{"width", Value(4)}, {"first", Value(false)}, {"blank", Value(false)}});
  require_defined(v);
  std::string prefix = a[0].is_string() ? a[0].as_string() : std::string(std::size_t(expect_width(a[0], "indent() width")), ' ');
  // Jinja2 appends a newline before splitting, so a trailing newline yields no extra line.
  std::vector<std::string> lines = text::splitlines(to_str(v) + "\n");
  std::string out = lines.empty() ? "" : lines[0];
  for (std::size_t i = 1; i < lines.size(); ++i) {
    out += "\n";
    if (a[2].truthy() || !lines[i].empty()) out += prefix;
    out += lines[i];
    if (out.size() > kMaxBuiltSize) throw EvalError(str("indent() result exceeds the size limit of ", kMaxBuiltSize, " bytes"));
  }
  return Value(a[1].truthy() ? prefix + out : out);
}

Value truncate(const Value& v, const CallArgs& args) {
  auto a = bind("truncate", args, {{"length", Value(255)}, {"killwords", Value(false)}, {"end", Value("...")}, {"leeway", Value(5)}});
  std::vector<char32_t> cps = unicode::decode(to_str(v));
  std::int64_t length = expect_int(a[0], "truncate() length");
  std::string end = to_str(a[2]);
  std::int64_t leeway = expect_int(a[3], "truncate() leeway");
  std::int64_t end_length = static_cast<std::int64_t>(unicode::length(end));
  if (length < end_length) throw EvalError(str("expected length >= ", end_length, ", got ", length));
  if (static_cast<std::int64_t>(cps.size()) <= length + leeway) return Value(unicode::encode(cps));
  std::vector<char32_t> kept(cps.begin(), cps.begin() + (length - end_length));
  if (!a[1].truthy()) {  // cut at the last space
    auto space = std::find(kept.rbegin(), kept.rend(), U' ');
    if (space != kept.rend()) kept.erase(space.base() - 1, kept.end());
  }
  return Value(unicode::encode(kept) + end);
}

Value wordcount(const Value& v, const CallArgs& args) {
  (void)bind("wordcount", args, {});
  std::int64_t words = 0;
  bool in_word = false;
  for (char32_t cp : unicode::decode(to_str(v))) {
    std::string c;
    unicode::append(c, cp);
    bool word_char = cp == '_' || unicode::is_alnum(c);
    if (word_char && !in_word) ++words;
    in_word = word_char;
  }
  return Value(words);
}

Value escape(const Value& v, const CallArgs& args) {
  (void)bind("escape", args, {});
  std::string out;
  for (char c : to_str(v)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return Value(std::move(out));
}

Value format(const Value& v, const CallArgs& args) {
  if (!args.keywords.empty() && !args.positional.empty())
    throw EvalError("format() can't take positional and keyword arguments at the same time");
  if (!args.keywords.empty()) {
    Dict d;
    for (const auto& [k, val] : args.keywords) d.set(Value(k), val);
    return Value(percent_format(to_str(v), Value(std::move(d))));
  }
  return Value(percent_format(to_str(v), Value::tuple(args.positional)));
}

Value tojson(const Value& v, const CallArgs& args) {
  auto a = bind("tojson", args, {{"ensure_ascii", Value(false)}, {"indent"}, {"separators"}, {"sort_keys", Value(false)}});
  JsonDumpOptions o;
  o.ensure_ascii = a[0].truthy();
  if (a[1].is_string()) o.indent = a[1].as_string();
  else if (!a[1].is_none()) o.indent = std::string(std::size_t(expect_width(a[1], "tojson() indent")), ' ');
  if (o.indent) o.item_separator.assign(1, ',');
  if (!a[2].is_none()) {
    if (!a[2].is_list() || a[2].items().size() != 2) throw EvalError("tojson() separators must be a pair (item_separator, key_separator)");
    o.item_separator = expect_string(a[2].items()[0], "tojson() item separator");
    o.key_separator = expect_string(a[2].items()[1], "tojson() key separator");
  }
  o.sort_keys = a[3].truthy();
  return Value(to_json(v, o));
}

Value abs_filter(const Value& v, const CallArgs& args) {
  (void)bind("abs", args, {});
  require_defined(v);
  if (v.is_float()) return Value(std::fabs(v.as_float()));
  if (!v.is_number()) throw EvalError(str("bad operand type for abs(): '", v.type_name(), "'"));
  return v.as_int() < 0 ? unary_op(UnaryOp::negate, v) : Value(v.as_int());
}

// Python's float(str): decimal text with optional sign, exponent, "inf"/"nan", underscores.
bool parse_float(std::string_view text, double& out) {
  std::string s(unicode::strip(text));
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  bool hex = s.find_first_of("xX") != std::string::npos;
  return end == s.c_str() + s.size() && !hex;
}

Value int_filter(const Value& v, const CallArgs& args) {
  auto a = bind("int", args, {{"default", Value(0)}, {"base", Value(10)}});
  require_defined(v);
  if (v.is_number()) {
    if (!v.is_float()) return Value(v.as_int());
    double d = v.as_float();
    if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return a[0];
    return Value(static_cast<std::int64_t>(d));
  }
  if (!v.is_string()) return a[0];
  std::string s(unicode::strip(v.as_string()));
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  int base = static_cast<int>(expect_int(a[1], "int() base"));
  char* end = nullptr;
  errno = 0;
  long long n = s.empty() ? 0 : std::strtoll(s.c_str(), &end, base);
  if (!s.empty() && end == s.c_str() + s.size() && errno == 0) return Value(static_cast<std::int64_t>(n));
  double d;  // Jinja2 falls back to int(float(value))
  if (parse_float(s, d) && std::isfinite(d) && std::fabs(d) < 9.2e18) return Value(static_cast<std::int64_t>(d));
  return a[0];
}

Value float_filter(const Value& v, const CallArgs& args) {
  auto a = bind("float", args, {{"default", Value(0.0)}});
  require_defined(v);
  if (v.is_number()) return Value(v.as_float());
  double d;
  if (v.is_string() && parse_float(v.as_string(), d)) return Value(d);
  return a[0];
}

// Python's round(x, n): the nearest decimal with n digits, ties to even on the exact binary
// value, which is what printf's correctly rounded "%.*f" computes.
double python_round(double x, std::int64_t digits) {
  if (!std::isfinite(x)) return x;
  if (digits < 0) {
    double scale = std::pow(10.0, static_cast<double>(-digits));
    return std::nearbyint(x / scale) * scale;
  }
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::min<std::int64_t>(digits, 300)), x);
  return std::strtod(buf, nullptr);
}

Value round_filter(const Value& v, const CallArgs& args) {
  auto a = bind("round", args, {{"precision", Value(0)}, {"method", Value("common")}});
  require_defined(v);
  if (!v.is_number()) throw EvalError(str("type ", v.type_name(), " doesn't define __round__ method"));
  std::int64_t precision = expect_int(a[0], "round() precision");
  const std::string& method = expect_string(a[1], "round() method");
  if (method != "common" && method != "ceil" && method != "floor")
    throw EvalError("method must be 'common', 'ceil' or 'floor'");
  if (method == "common") {
    if (!v.is_float()) return Value(v.as_int());  // round(int, n) stays an int for n >= 0
    return Value(python_round(v.as_float(), precision));
  }
  double scale = std::pow(10.0, static_cast<double>(precision));
  double x = v.as_float() * scale;
  return Value((method == "ceil" ? std::ceil(x) : std::floor(x)) / scale);
}

Value string_filter(const Value& v, const CallArgs& args) {
  (void)bind("string", args, {});
  return Value(to_str(v));
}

Value safe(const Value& v, const CallArgs& args) {
  (void)bind("safe", args, {});
  return v;
}

}  // namespace

const std::vector<NamedFilter>& text_filters() {
  static const std::vector<NamedFilter> filters = {
      {"trim", trim},
      {"upper", text_filter<unicode::upper>},
      {"lower", text_filter<unicode::lower>},
      {"capitalize", text_filter<unicode::capitalize>},
      {"title", text_filter<jinja_title>},
      {"replace", replace},
      {"center", center},
      {"indent", indent},
      {"truncate", truncate},
      {"wordcount", wordcount},
      {"escape", escape},
      {"e", escape},
      {"forceescape", escape},
      {"format", format},
      {"tojson", tojson},
      {"abs", abs_filter},
      {"int", int_filter},
      {"float", float_filter},
      {"round", round_filter},
      {"string", string_filter},
      {"safe", safe},
  };
  return filters;
}

FilterFunction find_filter(std::string_view name) {
  for (const auto* table : {&text_filters(), &sequence_filters()})
    for (const NamedFilter& f : *table)
      if (f.name == name) return f.function;
  return nullptr;
}

bool is_unimplemented_jinja2_filter(std::string_view name) {
  static constexpr std::string_view kNames[] = {"filesizeformat", "groupby", "pprint", "random", "slice", "striptags",
                                                "urlencode", "urlize", "wordwrap", "xmlattr"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

std::vector<std::string_view> filter_names() {
  std::vector<std::string_view> names;
  for (const auto* table : {&text_filters(), &sequence_filters()})
    for (const NamedFilter& f : *table) names.push_back(f.name);
  return names;
}

}  // namespace mlux::tokenizer::jinja
