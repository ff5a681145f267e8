// namespace, loop, cycler and joiner objects, and the builtin globals (see objects.h).
#include "mlux/tokenizer/jinja/objects.h"

#include <ctime>

#include "mlux/tokenizer/jinja/call_args.h"
#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/operators.h"

namespace mlux::tokenizer::jinja {
namespace {

Value function(std::string name, std::function<Value(const CallArgs&)> call) {
  auto f = std::make_shared<Function>();
  f->name = std::move(name);
  f->call = std::move(call);
  return Value(std::shared_ptr<const Function>(std::move(f)));
}

// dict(*args, **kwargs) as Python builds it: an optional mapping or list of pairs, then keywords.
Dict dict_from_args(const CallArgs& args, std::string_view callee) {
  if (args.positional.size() > 1) throw EvalError(str(callee, " expected at most 1 argument, got ", args.positional.size()));
  Dict d;
  if (!args.positional.empty()) {
    const Value& source = args.positional[0];
    if (source.is_dict()) {
      d = source.as_dict();
    } else {
      for (const Value& pair : iterate(source)) {
        if (!pair.is_list() || pair.items().size() != 2)
          throw EvalError(str(callee, ": each element of the sequence must be a pair (key, value)"));
        d.set(pair.items()[0], pair.items()[1]);
      }
    }
  }
  for (const auto& [key, value] : args.keywords) d.set(Value(key), value);
  return d;
}

Value range(const CallArgs& args) {
  if (!args.keywords.empty()) throw EvalError("range() takes no keyword arguments");
  const auto& p = args.positional;
  if (p.empty() || p.size() > 3) throw EvalError(str("range expected 1 to 3 arguments, got ", p.size()));
  std::int64_t start = 0, stop, step = 1;
  if (p.size() == 1) {
    stop = expect_int(p[0], "range() argument");
  } else {
    start = expect_int(p[0], "range() start");
    stop = expect_int(p[1], "range() stop");
    if (p.size() == 3) step = expect_int(p[2], "range() step");
  }
  if (step == 0) throw EvalError("range() arg 3 must not be zero");
  std::int64_t count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                                 : (start > stop ? (start - stop - step - 1) / -step : 0);
  if (count > kMaxRange) throw EvalError(str("Range too big. The sandbox blocks ranges larger than MAX_RANGE (", kMaxRange, ")."));
  std::vector<Value> out;
  out.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) out.emplace_back(start + i * step);
  return Value::list(std::move(out));
}

class Cycler : public Object {
 public:
  explicit Cycler(std::vector<Value> items) : state_(std::make_shared<State>(State{std::move(items), 0})) {}
  std::string type_name() const override { return "Cycler"; }
  std::string str() const override { return "<Cycler>"; }
  Value attribute(std::string_view name) const override {
    auto state = state_;
    if (name == "current") return state->items[state->position];
    if (name == "items") return Value::list(state->items);
    if (name == "next")
      return function("next", [state](const CallArgs& args) {
        (void)bind("next", args, {});
        Value v = state->items[state->position];
        state->position = (state->position + 1) % state->items.size();
        return v;
      });
    if (name == "reset")
      return function("reset", [state](const CallArgs& args) {
        (void)bind("reset", args, {});
        state->position = 0;
        return Value::none();
      });
    return Value();
  }

 private:
  struct State {
    std::vector<Value> items;
    std::size_t position;
  };
  std::shared_ptr<State> state_;
};

Value joiner(const CallArgs& args) {
  auto a = bind("joiner", args, {{"sep", Value(", ")}});
  auto used = std::make_shared<bool>(false);
  Value separator = a[0];
  return function("joiner", [used, separator](const CallArgs& call_args) {
    (void)bind("joiner", call_args, {});
    if (!*used) {
      *used = true;
      return Value("");
    }
    return separator;
  });
}

}  // namespace

Value Namespace::attribute(std::string_view name) const {
  const Value* v = attributes_.find(name);
  return v ? *v : Value();
}

bool Namespace::set_attribute(std::string_view name, Value value) {
  attributes_.set(Value(name), std::move(value));
  return true;
}

namespace {
thread_local NamespaceTracker* innermost_tracker = nullptr;
}  // namespace

NamespaceTracker::NamespaceTracker() : outer_(innermost_tracker) { innermost_tracker = this; }

NamespaceTracker::~NamespaceTracker() {
  innermost_tracker = outer_;
  for (const auto& made : made_)
    if (auto ns = made.lock()) ns->clear();
}

void NamespaceTracker::track(const std::shared_ptr<Namespace>& ns) {
  if (innermost_tracker) innermost_tracker->made_.push_back(ns);
}

std::string Namespace::str() const { return "<Namespace " + to_str(Value(attributes_)) + ">"; }

Value LoopContext::attribute(std::string_view name) const {
  const auto& items = *items_;
  auto n = static_cast<std::int64_t>(items.size());
  auto i = static_cast<std::int64_t>(index0_);
  if (name == "index0") return Value(i);
  if (name == "index") return Value(i + 1);
  if (name == "revindex") return Value(n - i);
  if (name == "revindex0") return Value(n - i - 1);
  if (name == "first") return Value(i == 0);
  if (name == "last") return Value(i == n - 1);
  if (name == "length") return Value(n);
  if (name == "depth") return Value(1);  // only recursive loops go deeper, and they are not supported
  if (name == "depth0") return Value(0);
  if (name == "previtem") return i > 0 ? items[i - 1] : Value::undefined("there is no previous item");
  if (name == "nextitem") return i + 1 < n ? items[i + 1] : Value::undefined("there is no next item");
  if (name == "cycle")
    return function("cycle", [i](const CallArgs& args) {
      if (args.positional.empty()) throw EvalError("no items for cycling given");
      return args.positional[static_cast<std::size_t>(i) % args.positional.size()];
    });
  if (name == "changed") {
    auto last = last_changed_;
    return function("changed", [last](const CallArgs& args) {
      if (*last && **last == args.positional) return Value(false);
      *last = args.positional;
      return Value(true);
    });
  }
  return Value();
}

std::string LoopContext::str() const { return mlux::str("<LoopContext ", index0_ + 1, "/", items_->size(), ">"); }

std::vector<std::pair<std::string, Value>> transformers_globals() {
  Value raise_exception = function("raise_exception", [](const CallArgs& args) -> Value {
    std::string message = args.positional.empty() ? "" : to_str(args.positional[0]);
    throw EvalError(message, true);
  });
  Value strftime_now = function("strftime_now", [](const CallArgs& args) -> Value {
    auto a = bind("strftime_now", args, {required("format")});
    const std::string& format = expect_string(a[0], "strftime_now() format");
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    for (std::size_t size = 64; size <= 65536; size *= 4) {
      std::string out(size, '\0');
      std::size_t n = std::strftime(out.data(), out.size(), format.c_str(), &local);
      if (n > 0 || format.empty()) return Value(out.substr(0, n));
    }
    throw EvalError("strftime_now(): the formatted date is longer than 64 KiB");
  });
  return {{"raise_exception", raise_exception}, {"strftime_now", strftime_now}};
}

const std::vector<std::pair<std::string, Value>>& builtin_globals() {
  static const std::vector<std::pair<std::string, Value>> globals = {
      {"range", function("range", range)},
      {"dict", function("dict", [](const CallArgs& args) { return Value(dict_from_args(args, "dict")); })},
      {"namespace", function("namespace", [](const CallArgs& args) {
         auto ns = std::make_shared<Namespace>(dict_from_args(args, "namespace"));
         NamespaceTracker::track(ns);
         return Value(std::shared_ptr<Object>(std::move(ns)));
       })},
      {"cycler", function("cycler", [](const CallArgs& args) {
         if (args.positional.empty()) throw EvalError("cycler() needs at least one item");
         return Value(std::shared_ptr<Object>(std::make_shared<Cycler>(args.positional)));
       })},
      {"joiner", function("joiner", joiner)},
  };
  return globals;
}

}  // namespace mlux::tokenizer::jinja
