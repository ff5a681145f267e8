// dict and list methods, the sandbox's refusals, and method lookup for every type (see methods.h).
#include "mlux/tokenizer/jinja/methods.h"

#include <algorithm>
#include <memory>

#include "mlux/tokenizer/jinja/call_args.h"
#include "mlux/tokenizer/jinja/error.h"

namespace mlux::tokenizer::jinja {
namespace {

std::vector<Value> dict_part(const Value& self, bool keys, bool values) {
  std::vector<Value> out;
  for (const auto& [k, v] : self.as_dict().entries()) {
    if (keys && values) out.push_back(Value::tuple({k, v}));
    else out.push_back(keys ? k : v);
  }
  return out;
}

const std::vector<Method> kDictMethods = {
    {"keys", [](const Value& self, const CallArgs& args) {
       (void)bind("keys", args, {});
       return Value::list(dict_part(self, true, false));
     }},
    {"values", [](const Value& self, const CallArgs& args) {
       (void)bind("values", args, {});
       return Value::list(dict_part(self, false, true));
     }},
    {"items", [](const Value& self, const CallArgs& args) {
       (void)bind("items", args, {});
       return Value::list(dict_part(self, true, true));
     }},
    {"get", [](const Value& self, const CallArgs& args) {
       auto a = bind("get", args, {required("key"), {"default"}});
       const Value* v = self.as_dict().find(a[0]);
       return v ? *v : a[1];
     }},
    {"copy", [](const Value& self, const CallArgs& args) {
       (void)bind("copy", args, {});
       return self;  // values are immutable, so sharing is a copy
     }},
};

const std::vector<Method> kListMethods = {
    {"index", [](const Value& self, const CallArgs& args) {
       auto a = bind("index", args, {required("value")});
       const auto& items = self.items();
       auto it = std::find(items.begin(), items.end(), a[0]);
       if (it == items.end()) throw EvalError(str(to_repr(a[0]), " is not in ", self.type_name()));
       return Value(static_cast<std::int64_t>(it - items.begin()));
     }},
    {"count", [](const Value& self, const CallArgs& args) {
       auto a = bind("count", args, {required("value")});
       return Value(static_cast<std::int64_t>(std::count(self.items().begin(), self.items().end(), a[0])));
     }},
    {"copy", [](const Value& self, const CallArgs& args) {
       (void)bind("copy", args, {});
       return self;
     }},
};

constexpr std::string_view kMutatingDictMethods[] = {"update", "pop", "popitem", "setdefault", "clear"};
constexpr std::string_view kMutatingListMethods[] = {"append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"};

template <std::size_t N>
bool among(std::string_view name, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

Value bind_method(const Value& self, const Method& m) {
  auto f = std::make_shared<Function>();
  f->name = std::string(m.name) + " of " + self.type_name() + " object";
  f->kind = Function::Kind::method;
  MethodImpl impl = m.impl;
  f->call = [self, impl](const CallArgs& args) { return impl(self, args); };
  return Value(std::shared_ptr<const Function>(std::move(f)));
}

Value lookup(const Value& self, std::string_view name, const std::vector<Method>& table) {
  for (const Method& m : table)
    if (m.name == name) return bind_method(self, m);
  return Value();
}

}  // namespace

Value find_method(const Value& self, std::string_view name) {
  bool is_list = self.is_list() && !self.as_list().is_tuple;
  if ((self.is_dict() && among(name, kMutatingDictMethods)) || (is_list && among(name, kMutatingListMethods)))
    throw EvalError(str("'", self.type_name(), ".", name, "' is not allowed: transformers renders chat templates in an "
                        "immutable sandbox, where lists and dicts can't be modified. Build a new value instead "
                        "(list + [item], or namespace() for state)"));
  if (self.is_string()) return lookup(self, name, string_methods());
  if (self.is_dict()) return lookup(self, name, kDictMethods);
  if (self.is_list()) return lookup(self, name, kListMethods);
  return Value();
}

}  // namespace mlux::tokenizer::jinja
