// The test table (see tests.h).
#include "mlux/tokenizer/jinja/tests.h"

#include "mlux/tokenizer/jinja/call_args.h"
#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/filters.h"
#include "mlux/tokenizer/jinja/operators.h"
#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer::jinja {
namespace {

struct NamedTest {
  std::string_view name;
  TestFunction function;
};

// A test of the value alone.
template <bool (*Check)(const Value&)>
bool unary_test(const Value& v, const CallArgs& args) {
  (void)bind("test", args, {});
  return Check(v);
}

// A comparison test: `x is gt 3`.
template <CompareOp Op>
bool compare_test(const Value& v, const CallArgs& args) {
  auto a = bind("test", args, {required("other")});
  return compare(Op, v, a[0]);
}

bool is_defined(const Value& v) { return !v.is_undefined(); }
bool is_undefined(const Value& v) { return v.is_undefined(); }
bool is_none(const Value& v) { return v.is_none(); }
bool is_boolean(const Value& v) { return v.is_bool(); }
bool is_true(const Value& v) { return v.is_bool() && v.as_bool(); }
bool is_false(const Value& v) { return v.is_bool() && !v.as_bool(); }
bool is_integer(const Value& v) { return v.is_int(); }
bool is_float(const Value& v) { return v.is_float(); }
bool is_number(const Value& v) { return v.is_number(); }
bool is_string(const Value& v) { return v.is_string(); }
bool is_mapping(const Value& v) { return v.is_dict(); }
// Jinja2 asks Python: Undefined defines __iter__, __len__ and __call__, so it passes these.
bool is_iterable(const Value& v) { return v.is_undefined() || v.is_string() || v.is_list() || v.is_dict(); }
bool is_sequence(const Value& v) { return v.is_undefined() || v.is_string() || v.is_list() || v.is_dict(); }
bool is_callable(const Value& v) { return v.is_undefined() || v.is_function(); }
bool is_escaped(const Value&) { return false; }  // nothing is Markup: chat templates don't autoescape
bool is_lower(const Value& v) { return unicode::is_lower_case(to_str(v)); }
bool is_upper(const Value& v) { return unicode::is_upper_case(to_str(v)); }

bool modulo_is(const Value& v, const Value& divisor, std::int64_t remainder) {
  Value r = binary_op(BinaryOp::modulo, v, divisor);
  return r == Value(remainder);
}

bool is_even(const Value& v, const CallArgs& args) {
  (void)bind("even", args, {});
  return modulo_is(v, Value(2), 0);
}

bool is_odd(const Value& v, const CallArgs& args) {
  (void)bind("odd", args, {});
  return modulo_is(v, Value(2), 1);
}

bool is_divisible_by(const Value& v, const CallArgs& args) {
  auto a = bind("divisibleby", args, {required("num")});
  return modulo_is(v, a[0], 0);
}

bool is_in(const Value& v, const CallArgs& args) {
  auto a = bind("in", args, {required("seq")});
  return contains(a[0], v);
}

bool is_same_as(const Value& v, const CallArgs& args) {
  auto a = bind("sameas", args, {required("other")});
  return v.same_object(a[0]);
}

bool names_a_filter(const Value& v, const CallArgs& args) {
  (void)bind("filter", args, {});
  return v.is_string() && find_filter(v.as_string()) != nullptr;
}

bool names_a_test(const Value& v, const CallArgs& args) {
  (void)bind("test", args, {});
  return v.is_string() && find_test(v.as_string()) != nullptr;
}

const std::vector<NamedTest>& all_tests() {
  static const std::vector<NamedTest> tests = {
      {"defined", unary_test<is_defined>},
      {"undefined", unary_test<is_undefined>},
      {"none", unary_test<is_none>},
      {"boolean", unary_test<is_boolean>},
      {"true", unary_test<is_true>},
      {"false", unary_test<is_false>},
      {"integer", unary_test<is_integer>},
      {"float", unary_test<is_float>},
      {"number", unary_test<is_number>},
      {"string", unary_test<is_string>},
      {"mapping", unary_test<is_mapping>},
      {"iterable", unary_test<is_iterable>},
      {"sequence", unary_test<is_sequence>},
      {"callable", unary_test<is_callable>},
      {"escaped", unary_test<is_escaped>},
      {"lower", unary_test<is_lower>},
      {"upper", unary_test<is_upper>},
      {"even", is_even},
      {"odd", is_odd},
      {"divisibleby", is_divisible_by},
      {"in", is_in},
      {"sameas", is_same_as},
      {"filter", names_a_filter},
      {"test", names_a_test},
      {"eq", compare_test<CompareOp::equal>},
      {"equalto", compare_test<CompareOp::equal>},
      {"==", compare_test<CompareOp::equal>},
      {"ne", compare_test<CompareOp::not_equal>},
      {"!=", compare_test<CompareOp::not_equal>},
      {"lt", compare_test<CompareOp::less>},
      {"lessthan", compare_test<CompareOp::less>},
      {"<", compare_test<CompareOp::less>},
      {"le", compare_test<CompareOp::less_equal>},
      {"<=", compare_test<CompareOp::less_equal>},
      {"gt", compare_test<CompareOp::greater>},
      {"greaterthan", compare_test<CompareOp::greater>},
      {">", compare_test<CompareOp::greater>},
      {"ge", compare_test<CompareOp::greater_equal>},
      {">=", compare_test<CompareOp::greater_equal>},
  };
  return tests;
}

}  // namespace

TestFunction find_test(std::string_view name) {
  for (const NamedTest& t : all_tests())
    if (t.name == name) return t.function;
  return nullptr;
}

std::vector<std::string_view> test_names() {
  std::vector<std::string_view> names;
  for (const NamedTest& t : all_tests()) names.push_back(t.name);
  return names;
}

}  // namespace mlux::tokenizer::jinja
