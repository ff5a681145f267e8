// Filters over lists, dicts and iterables: length, first, join, map, select, sort... (see
// filters.h). They accept what Python's Jinja2 accepts: anything iterable, with undefined
// iterating as empty.
#include <algorithm>

#include "mlux/tokenizer/jinja/call_args.h"
#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/filters.h"
#include "mlux/tokenizer/jinja/methods.h"
#include "mlux/tokenizer/jinja/operators.h"
#include "mlux/tokenizer/jinja/tests.h"
#include "mlux/tokenizer/jinja/text.h"
#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer::jinja {
namespace {

// Jinja2's ignore_case: strings compare lower-cased unless case_sensitive.
Value sort_key(const Value& v, bool case_sensitive) {
  return !case_sensitive && v.is_string() ? Value(unicode::lower(v.as_string())) : v;
}

// The key a filter's `attribute=` selects ("a.b", or "a,b" for several keys as a tuple).
Value item_key(const Value& item, const Value& attribute, bool case_sensitive) {
  if (attribute.is_none()) return sort_key(item, case_sensitive);
  std::string path = to_str(attribute);
  std::vector<std::string> parts = text::split(path, ",");
  if (parts.size() == 1) return sort_key(follow_attribute_path(item, path), case_sensitive);
  std::vector<Value> keys;
  for (const std::string& p : parts) keys.push_back(sort_key(follow_attribute_path(item, p), case_sensitive));
  return Value::tuple(std::move(keys));
}

Value length(const Value& v, const CallArgs& args) {
  (void)bind("length", args, {});
  switch (v.kind()) {
    case Value::Kind::undefined: return Value(0);
    case Value::Kind::string: return Value(static_cast<std::int64_t>(unicode::length(v.as_string())));
    case Value::Kind::list: return Value(static_cast<std::int64_t>(v.items().size()));
    case Value::Kind::dict: return Value(static_cast<std::int64_t>(v.as_dict().size()));
    default: throw EvalError(str("object of type '", v.type_name(), "' has no len()"));
  }
}

Value first(const Value& v, const CallArgs& args) {
  (void)bind("first", args, {});
  std::vector<Value> items = iterate(v);
  return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
}

Value last(const Value& v, const CallArgs& args) {
  (void)bind("last", args, {});
  std::vector<Value> items = iterate(v);
  return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
}

Value join(const Value& v, const CallArgs& args) {
  auto a = bind("join", args, {{"d", Value("")}, {"attribute"}});
  std::string separator = to_str(a[0]), out;
  bool first_item = true;
  for (const Value& item : iterate(v)) {
    if (!first_item) out += separator;
    first_item = false;
    out += to_str(a[1].is_none() ? item : follow_attribute_path(item, to_str(a[1])));
    if (out.size() > kMaxBuiltSize) throw EvalError("join() result exceeds the size limit");
  }
  return Value(std::move(out));
}

Value default_value(const Value& v, const CallArgs& args) {
  auto a = bind("default", args, {{"default_value", Value("")}, {"boolean", Value(false)}});
  if (v.is_undefined() || (a[1].truthy() && !v.truthy())) return a[0];
  return v;
}

Value list(const Value& v, const CallArgs& args) {
  (void)bind("list", args, {});
  return Value::list(iterate(v));
}

Value items(const Value& v, const CallArgs& args) {
  (void)bind("items", args, {});
  if (v.is_undefined()) return Value::list({});
  if (!v.is_dict()) throw EvalError("Can only get item pairs from a mapping.");
  std::vector<Value> out;
  for (const auto& [k, val] : v.as_dict().entries()) out.push_back(Value::tuple({k, val}));
  return Value::list(std::move(out));
}

Value dictsort(const Value& v, const CallArgs& args) {
  auto a = bind("dictsort", args, {{"case_sensitive", Value(false)}, {"by", Value("key")}, {"reverse", Value(false)}});
  require_defined(v);
  if (!v.is_dict()) throw EvalError("dictsort() needs a dict");
  std::string by = to_str(a[1]);
  if (by != "key" && by != "value") throw EvalError("You can only sort by either 'key' or 'value'");
  std::vector<Value> pairs = items(v, {}).items();
  std::size_t pos = by == "key" ? 0 : 1;
  bool case_sensitive = a[0].truthy(), reverse = a[2].truthy();
  std::stable_sort(pairs.begin(), pairs.end(), [&](const Value& x, const Value& y) {
    Value kx = sort_key(x.items()[pos], case_sensitive), ky = sort_key(y.items()[pos], case_sensitive);
    return reverse ? less_than(ky, kx) : less_than(kx, ky);
  });
  return Value::list(std::move(pairs));
}

Value sort(const Value& v, const CallArgs& args) {
  auto a = bind("sort", args, {{"reverse", Value(false)}, {"case_sensitive", Value(false)}, {"attribute"}});
  std::vector<Value> out = iterate(v);
  bool reverse = a[0].truthy(), case_sensitive = a[1].truthy();
  std::stable_sort(out.begin(), out.end(), [&](const Value& x, const Value& y) {
    Value kx = item_key(x, a[2], case_sensitive), ky = item_key(y, a[2], case_sensitive);
    return reverse ? less_than(ky, kx) : less_than(kx, ky);
  });
  return Value::list(std::move(out));
}

Value reverse(const Value& v, const CallArgs& args) {
  (void)bind("reverse", args, {});
  if (v.is_string()) {
    std::vector<char32_t> cps = unicode::decode(v.as_string());
    std::reverse(cps.begin(), cps.end());
    return Value(unicode::encode(cps));
  }
  std::vector<Value> out = iterate(v);
  std::reverse(out.begin(), out.end());
  return Value::list(std::move(out));
}

Value unique(const Value& v, const CallArgs& args) {
  auto a = bind("unique", args, {{"case_sensitive", Value(false)}, {"attribute"}});
  std::vector<Value> out, seen;
  for (const Value& item : iterate(v)) {
    Value key = item_key(item, a[1], a[0].truthy());
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value extreme(const Value& v, const CallArgs& args, bool want_max) {
  auto a = bind(want_max ? "max" : "min", args, {{"case_sensitive", Value(false)}, {"attribute"}});
  std::vector<Value> all = iterate(v);
  if (all.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  const Value* best = &all[0];
  Value best_key = item_key(*best, a[1], a[0].truthy());
  for (const Value& item : all) {
    Value key = item_key(item, a[1], a[0].truthy());
    if (want_max ? less_than(best_key, key) : less_than(key, best_key)) {
      best = &item;
      best_key = key;
    }
  }
  return *best;
}

Value sum(const Value& v, const CallArgs& args) {
  auto a = bind("sum", args, {{"attribute"}, {"start", Value(0)}});
  Value total = a[1];
  for (const Value& item : iterate(v))
    total = binary_op(BinaryOp::add, total, a[0].is_none() ? item : follow_attribute_path(item, to_str(a[0])));
  return total;
}

Value map(const Value& v, const CallArgs& args) {
  std::vector<Value> out;
  if (args.positional.empty()) {  // map(attribute='name', default=...)
    auto a = bind("map", args, {required("attribute"), {"default", Value()}});
    for (const Value& item : iterate(v)) {
      Value mapped = follow_attribute_path(item, to_str(a[0]));
      out.push_back(mapped.is_undefined() && !a[1].is_undefined() ? a[1] : mapped);
    }
    return Value::list(std::move(out));
  }
  const std::string& name = expect_string(args.positional[0], "map() filter name");
  FilterFunction f = find_filter(name);
  if (!f) throw EvalError(str("map(): no filter named '", name, "'"));
  CallArgs rest{std::vector<Value>(args.positional.begin() + 1, args.positional.end()), args.keywords};
  for (const Value& item : iterate(v)) out.push_back(f(item, rest));
  return Value::list(std::move(out));
}

// select/reject/selectattr/rejectattr: keep items whose (attribute's) test result is `keep`.
Value select_items(const Value& v, const CallArgs& args, bool by_attribute, bool keep, std::string_view callee) {
  std::size_t first_test_arg = by_attribute ? 1 : 0;
  if (by_attribute && args.positional.empty()) throw EvalError(str(callee, "() missing required argument 'attribute'"));
  TestFunction test = nullptr;
  if (args.positional.size() > first_test_arg) {
    const std::string& name = expect_string(args.positional[first_test_arg], str(callee, "() test name"));
    test = find_test(name);
    if (!test) throw EvalError(str(callee, "(): no test named '", name, "'"));
  }
  CallArgs test_args;
  if (args.positional.size() > first_test_arg + 1)
    test_args.positional.assign(args.positional.begin() + first_test_arg + 1, args.positional.end());
  test_args.keywords = args.keywords;
  std::vector<Value> out;
  for (const Value& item : iterate(v)) {
    Value subject = by_attribute ? follow_attribute_path(item, to_str(args.positional[0])) : item;
    bool passed = test ? test(subject, test_args) : subject.truthy();
    if (passed == keep) out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value batch(const Value& v, const CallArgs& args) {
  auto a = bind("batch", args, {required("linecount"), {"fill_with"}});
  std::int64_t size = expect_int(a[0], "batch() linecount");
  if (size <= 0) throw EvalError("batch() linecount must be positive");
  std::vector<Value> out, current;
  for (const Value& item : iterate(v)) {
    current.push_back(item);
    if (static_cast<std::int64_t>(current.size()) == size) out.push_back(Value::list(std::exchange(current, {})));
  }
  if (!current.empty()) {
    if (!a[1].is_none())
      while (static_cast<std::int64_t>(current.size()) < size) current.push_back(a[1]);
    out.push_back(Value::list(std::move(current)));
  }
  return Value::list(std::move(out));
}

Value attr(const Value& v, const CallArgs& args) {
  auto a = bind("attr", args, {required("name")});
  const std::string& name = expect_string(a[0], "attr() name");
  if (!v.is_dict()) return get_attribute(v, name);
  Value method = find_method(v, name);  // attributes only: a dict's keys are items, not attributes
  return method.is_undefined() ? Value::undefined(str("'dict object' has no attribute '", name, "'")) : method;
}

}  // namespace

Value follow_attribute_path(const Value& obj, std::string_view path) {
  Value current = obj;
  for (const std::string& part : text::split(path, ".")) {
    bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    current = get_item(current, numeric ? Value(static_cast<std::int64_t>(std::stoll(part))) : Value(part));
    if (current.is_undefined()) return current;
  }
  return current;
}

const std::vector<NamedFilter>& sequence_filters() {
  static const std::vector<NamedFilter> filters = {
      {"length", length},
      {"count", length},
      {"first", first},
      {"last", last},
      {"join", join},
      {"default", default_value},
      {"d", default_value},
      {"list", list},
      {"items", items},
      {"dictsort", dictsort},
      {"sort", sort},
      {"reverse", reverse},
      {"unique", unique},
      {"min", [](const Value& v, const CallArgs& a) { return extreme(v, a, false); }},
      {"max", [](const Value& v, const CallArgs& a) { return extreme(v, a, true); }},
      {"sum", sum},
      {"map", map},
      {"select", [](const Value& v, const CallArgs& a) { return select_items(v, a, false, true, "select"); }},
      {"reject", [](const Value& v, const CallArgs& a) { return select_items(v, a, false, false, "reject"); }},
      {"selectattr", [](const Value& v, const CallArgs& a) { return select_items(v, a, true, true, "selectattr"); }},
      {"rejectattr", [](const Value& v, const CallArgs& a) { return select_items(v, a, true, false, "rejectattr"); }},
      {"batch", batch},
      {"attr", attr},
  };
  return filters;
}

}  // namespace mlux::tokenizer::jinja
