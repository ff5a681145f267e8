// Python-style argument binding (see call_args.h).
#include "mlux/tokenizer/jinja/call_args.h"

#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/operators.h"

namespace mlux::tokenizer::jinja {

std::vector<Value> bind(std::string_view callee, const CallArgs& args, std::initializer_list<Param> params) {
  if (args.positional.size() > params.size())
    throw EvalError(str(callee, "() takes at most ", params.size(), " argument", params.size() == 1 ? "" : "s", " (",
                        args.positional.size(), " given)"));
  std::vector<Value> bound(params.size());
  std::vector<bool> given(params.size(), false);
  for (std::size_t i = 0; i < args.positional.size(); ++i) {
    bound[i] = args.positional[i];
    given[i] = true;
  }
  for (const auto& [key, value] : args.keywords) {
    std::size_t i = 0;
    for (const Param& p : params) {
      if (p.name == key) break;
      ++i;
    }
    if (i == params.size()) throw EvalError(str(callee, "() got an unexpected keyword argument '", key, "'"));
    if (given[i]) throw EvalError(str(callee, "() got multiple values for argument '", key, "'"));
    bound[i] = value;
    given[i] = true;
  }
  std::size_t i = 0;
  for (const Param& p : params) {
    if (!given[i]) {
      if (p.required) throw EvalError(str(callee, "() missing required argument '", p.name, "'"));
      bound[i] = p.default_value;
    }
    ++i;
  }
  return bound;
}

const std::string& expect_string(const Value& v, std::string_view what) {
  if (!v.is_string()) throw EvalError(str(what, " must be a string, not '", v.type_name(), "'"));
  return v.as_string();
}

std::int64_t expect_int(const Value& v, std::string_view what) {
  if (!v.is_int() && !v.is_bool()) throw EvalError(str(what, " must be an integer, not '", v.type_name(), "'"));
  return v.as_int();
}

std::int64_t expect_width(const Value& v, std::string_view what) {
  const std::int64_t n = expect_int(v, what);
  if (n > static_cast<std::int64_t>(kMaxBuiltSize)) throw EvalError(str(what, " ", n, " is past the size limit of ", kMaxBuiltSize, " bytes"));
  return n < 0 ? 0 : n;
}

}  // namespace mlux::tokenizer::jinja
