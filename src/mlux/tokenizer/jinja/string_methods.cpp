// Python str methods available to templates (see methods.h). Each row binds its arguments like
// Python and delegates to unicode.h / text.h / python_format.h.
#include <memory>

#include "mlux/tokenizer/jinja/call_args.h"
#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/methods.h"
#include "mlux/tokenizer/jinja/operators.h"
#include "mlux/tokenizer/jinja/python_format.h"
#include "mlux/tokenizer/jinja/text.h"
#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer::jinja {
namespace {

const std::string& self_str(const Value& self) { return self.as_string(); }

Value string_list(std::vector<std::string> parts) {
  std::vector<Value> out;
  out.reserve(parts.size());
  for (auto& p : parts) out.emplace_back(std::move(p));
  return Value::list(std::move(out));
}

Value strip_method(const Value& self, const CallArgs& args, std::string_view name, unicode::StripSide side) {
  auto a = bind(name, args, {{"chars"}});
  if (a[0].is_none()) {
    std::string_view s = self_str(self);
    return Value(side == unicode::StripSide::both ? unicode::strip(s)
                 : side == unicode::StripSide::left ? unicode::lstrip(s) : unicode::rstrip(s));
  }
  return Value(unicode::strip_chars(self_str(self), expect_string(a[0], str(name, "() argument")), side));
}

Value split_method(const Value& self, const CallArgs& args, bool from_right) {
  std::string_view name = from_right ? "rsplit" : "split";
  auto a = bind(name, args, {{"sep"}, {"maxsplit", Value(-1)}});
  std::int64_t maxsplit = expect_int(a[1], "maxsplit");
  if (a[0].is_none()) {
    // Python's rsplit() without sep only differs from split() when maxsplit cuts.
    if (from_right && maxsplit >= 0) throw EvalError("rsplit() without a separator and with maxsplit is not supported");
    return string_list(text::split_whitespace(self_str(self), maxsplit));
  }
  const std::string& sep = expect_string(a[0], str(name, "() separator"));
  if (sep.empty()) throw EvalError("empty separator");
  return string_list(from_right ? text::rsplit(self_str(self), sep, maxsplit) : text::split(self_str(self), sep, maxsplit));
}

Value affix_method(const Value& self, const CallArgs& args, bool at_start) {
  std::string_view name = at_start ? "startswith" : "endswith";
  auto a = bind(name, args, {required("prefix")});
  std::string_view s = self_str(self);
  auto matches = [&](const Value& affix) {
    std::string_view x = expect_string(affix, str(name, "() argument"));
    return x.size() <= s.size() && (at_start ? s.substr(0, x.size()) : s.substr(s.size() - x.size())) == x;
  };
  if (a[0].is_list() && a[0].as_list().is_tuple) {
    for (const Value& v : a[0].items())
      if (matches(v)) return Value(true);
    return Value(false);
  }
  if (!a[0].is_string())
    throw EvalError(str(name, " first arg must be str or a tuple of str, not ", a[0].type_name()));
  return Value(matches(a[0]));
}

Value substring_position(const Value& self, const CallArgs& args, std::string_view name, bool from_end, bool raise) {
  auto a = bind(name, args, {required("sub")});
  std::int64_t at = text::find(self_str(self), expect_string(a[0], str(name, "() argument")), from_end);
  if (at < 0 && raise) throw EvalError("substring not found");
  return Value(at);
}

Value pad_method(const Value& self, const CallArgs& args, std::string_view name, text::Align align) {
  auto a = bind(name, args, {required("width"), {"fillchar", Value(" ")}});
  const std::string& fill = expect_string(a[1], "the fill character");
  if (unicode::length(fill) != 1) throw EvalError("The fill character must be exactly one character long");
  return Value(text::pad(self_str(self), expect_width(a[0], "width"), fill, align));
}

Value join_method(const Value& self, const CallArgs& args) {
  auto a = bind("join", args, {required("iterable")});
  std::string out;
  std::size_t i = 0;
  for (const Value& item : iterate(a[0])) {
    if (!item.is_string())
      throw EvalError(str("sequence item ", i, ": expected str instance, ", item.type_name(), " found"));
    if (i++) out += self_str(self);
    out += item.as_string();
  }
  return Value(std::move(out));
}

template <bool (*Predicate)(std::string_view)>
Value predicate_method(const Value& self, const CallArgs& args) {
  (void)bind("is...", args, {});
  return Value(Predicate(self_str(self)));
}

bool is_space_text(std::string_view s) {
  if (s.empty()) return false;
  for (char32_t cp : unicode::decode(s))
    if (!unicode::is_space(cp)) return false;
  return true;
}

template <std::string (*Map)(std::string_view)>
Value case_method(const Value& self, const CallArgs& args) {
  (void)bind("case method", args, {});
  return Value(Map(self_str(self)));
}

Value partition_method(const Value& self, const CallArgs& args, bool from_right) {
  auto a = bind(from_right ? "rpartition" : "partition", args, {required("sep")});
  const std::string& sep = expect_string(a[0], "the separator");
  if (sep.empty()) throw EvalError("empty separator");
  std::string_view s = self_str(self);
  std::size_t hit = from_right ? s.rfind(sep) : s.find(sep);
  if (hit == std::string_view::npos)
    return from_right ? Value::tuple({Value(""), Value(""), self}) : Value::tuple({self, Value(""), Value("")});
  return Value::tuple({Value(s.substr(0, hit)), Value(sep), Value(s.substr(hit + sep.size()))});
}

}  // namespace

const std::vector<Method>& string_methods() {
  using unicode::StripSide;
  static const std::vector<Method> methods = {
      {"strip", [](const Value& s, const CallArgs& a) { return strip_method(s, a, "strip", StripSide::both); }},
      {"lstrip", [](const Value& s, const CallArgs& a) { return strip_method(s, a, "lstrip", StripSide::left); }},
      {"rstrip", [](const Value& s, const CallArgs& a) { return strip_method(s, a, "rstrip", StripSide::right); }},
      {"split", [](const Value& s, const CallArgs& a) { return split_method(s, a, false); }},
      {"rsplit", [](const Value& s, const CallArgs& a) { return split_method(s, a, true); }},
      {"splitlines", [](const Value& s, const CallArgs& a) {
         auto b = bind("splitlines", a, {{"keepends", Value(false)}});
         return string_list(text::splitlines(self_str(s), b[0].truthy()));
       }},
      {"startswith", [](const Value& s, const CallArgs& a) { return affix_method(s, a, true); }},
      {"endswith", [](const Value& s, const CallArgs& a) { return affix_method(s, a, false); }},
      {"replace", [](const Value& s, const CallArgs& a) {
         auto b = bind("replace", a, {required("old"), required("new"), {"count", Value(-1)}});
         return Value(text::replace(self_str(s), expect_string(b[0], "replace() argument 1"),
                                    expect_string(b[1], "replace() argument 2"), expect_int(b[2], "count")));
       }},
      {"upper", case_method<unicode::upper>},
      {"lower", case_method<unicode::lower>},
      {"casefold", case_method<unicode::lower>},
      {"title", case_method<unicode::title>},
      {"capitalize", case_method<unicode::capitalize>},
      {"find", [](const Value& s, const CallArgs& a) { return substring_position(s, a, "find", false, false); }},
      {"rfind", [](const Value& s, const CallArgs& a) { return substring_position(s, a, "rfind", true, false); }},
      {"index", [](const Value& s, const CallArgs& a) { return substring_position(s, a, "index", false, true); }},
      {"rindex", [](const Value& s, const CallArgs& a) { return substring_position(s, a, "rindex", true, true); }},
      {"count", [](const Value& s, const CallArgs& a) {
         auto b = bind("count", a, {required("sub")});
         return Value(text::count(self_str(s), expect_string(b[0], "count() argument")));
       }},
      {"join", join_method},
      {"format", [](const Value& s, const CallArgs& a) { return Value(brace_format(self_str(s), a)); }},
      {"isdigit", predicate_method<unicode::is_digit>},
      {"isdecimal", predicate_method<unicode::is_digit>},
      {"isnumeric", predicate_method<unicode::is_digit>},
      {"isalpha", predicate_method<unicode::is_alpha>},
      {"isalnum", predicate_method<unicode::is_alnum>},
      {"isspace", predicate_method<is_space_text>},
      {"isupper", predicate_method<unicode::is_upper_case>},
      {"islower", predicate_method<unicode::is_lower_case>},
      {"center", [](const Value& s, const CallArgs& a) { return pad_method(s, a, "center", text::Align::center); }},
      {"ljust", [](const Value& s, const CallArgs& a) { return pad_method(s, a, "ljust", text::Align::left); }},
      {"rjust", [](const Value& s, const CallArgs& a) { return pad_method(s, a, "rjust", text::Align::right); }},
      {"zfill", [](const Value& s, const CallArgs& a) {
         auto b = bind("zfill", a, {required("width")});
         std::string_view v = self_str(s);
         bool sign = !v.empty() && (v[0] == '-' || v[0] == '+');
         std::string digits = text::pad(v.substr(sign ? 1 : 0), expect_width(b[0], "width") - (sign ? 1 : 0), "0", text::Align::right);
         return Value(sign ? std::string(1, v[0]) + digits : digits);
       }},
      {"removeprefix", [](const Value& s, const CallArgs& a) {
         auto b = bind("removeprefix", a, {required("prefix")});
         std::string_view v = self_str(s), p = expect_string(b[0], "removeprefix() argument");
         return Value(v.substr(0, p.size()) == p ? v.substr(p.size()) : v);
       }},
      {"removesuffix", [](const Value& s, const CallArgs& a) {
         auto b = bind("removesuffix", a, {required("suffix")});
         std::string_view v = self_str(s), p = expect_string(b[0], "removesuffix() argument");
         bool has = !p.empty() && v.size() >= p.size() && v.substr(v.size() - p.size()) == p;
         return Value(has ? v.substr(0, v.size() - p.size()) : v);
       }},
      {"partition", [](const Value& s, const CallArgs& a) { return partition_method(s, a, false); }},
      {"rpartition", [](const Value& s, const CallArgs& a) { return partition_method(s, a, true); }},
  };
  return methods;
}

}  // namespace mlux::tokenizer::jinja
